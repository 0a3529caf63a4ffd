/**
 * Metrics: the registry executors and targets record into (contract: ./api.ts), and pure helpers
 * over encoded HDR histograms for reports, notebooks and the simulator.
 */
export { createRegistry, subMetricKey } from './registry.ts';
export type { Registry, RegistryOptions } from './registry.ts';
export {
  mergeEncoded,
  decodeHistogram,
  trendFromEncoded,
  encodeValues,
  percentileFromEncoded,
  HDR_MAX_US,
  HDR_DIGITS,
} from './hdr.ts';
export type { DecodedHistogram, HdrBuild } from './hdr.ts';
export { startSystemSampler, emptySystemSummary } from './system.ts';
export type { SystemSampler, SystemSamplerOptions, SystemPoint, SystemSummary } from './system.ts';
export type * from './api.ts';
