/**
 * pipelab public API: what notebooks and scenario files import (`import { ... } from 'pipelab'`).
 * The CLI calls the same functions; nothing is reachable from only one of them.
 */
export { Rng, toSeed } from './generators/rng.ts';
export { PipelabError, EXIT_CODES } from './harness/errors.ts';
export type * from './harness/results/types.ts';
export { version } from './harness/version.ts';

// --- metrics & thresholds (harness/metrics, harness/thresholds): HDR registry, encoded-histogram helpers
export { createRegistry, mergeEncoded, decodeHistogram, percentileFromEncoded, trendFromEncoded, encodeValues } from './harness/metrics/index.ts';
export type { Registry, RegistryOptions, DecodedHistogram, MetricsRegistry, Tags } from './harness/metrics/index.ts';
