/**
 * pipelab/k6: a scenario with an http target as a k6 script (options, thresholds and the request),
 * so the same load can be replayed with k6 itself. `pipelab export k6` calls these.
 */
export { k6Script, bundleK6Script, K6_URL_ENV } from '../harness/export/k6-script.ts';
export type { K6Script, K6ScriptOptions } from '../harness/export/k6-script.ts';
export { k6Options, K6_METRICS } from '../harness/export/k6-options.ts';
export type { K6Options, K6Scenario, K6Threshold, K6Mapping, K6Dropped } from '../harness/export/k6-options.ts';
