/**
 * Metrics: the registry executors and targets record into (contract: ./api.ts). The HDR codec
 * it records with (encode/decode/merge/percentiles) is the data contract's, results/hdr.ts.
 */
export { createRegistry, subMetricKey } from './registry.ts';
export type { Registry, RegistryOptions } from './registry.ts';
export { startSystemSampler } from './system.ts';
export type { SystemSampler, SystemPoint } from './system.ts';
export type * from './api.ts';
