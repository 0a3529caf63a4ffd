/**
 * pipelab public API: what notebooks and scenario files import (`import { ... } from 'pipelab'`).
 * The CLI calls the same functions; nothing is reachable from only one of them.
 */
export { Rng, toSeed } from './generators/rng.ts';
export { PipelabError, EXIT_CODES } from './harness/errors.ts';
export type * from './harness/results/types.ts';
export { version } from './harness/version.ts';

// Drift lab (issue #7): drifting streams with ground truth, batch and streaming detectors,
// detector evaluation and the two-dataset drift check.
export * from './generators/drift/index.ts';
export * from './pipeline/drift/batch/index.ts';
export * from './pipeline/drift/streaming/index.ts';
export * from './harness/drift/index.ts';
