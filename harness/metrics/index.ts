/**
 * Metrics: the registry executors and targets record into (contract: ./api.ts). The HDR codec
 * it records with (encode/decode/merge/percentiles) is the data contract's, results/hdr.ts.
 */
export { createRegistry, subMetricKey } from './registry.ts';
export type { Registry, RegistryOptions } from './registry.ts';
export { startSystemSampler, emptySystemSummary } from './system.ts';
export type { SystemSampler, SystemSamplerOptions, SystemPoint, SystemSummary } from './system.ts';
export type * from './api.ts';
