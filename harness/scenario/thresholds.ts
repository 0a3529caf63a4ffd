/**
 * compileThresholds as the scenario loader uses it: the built-in metrics' types are known at
 * validation time, so `errors: ['p(99)<5']` (a trend aggregation on a rate) fails before any load.
 * Metrics a target records itself (e.g. e2e_latency) are checked when the run ends.
 */
import { compileThresholds as compile } from '../thresholds/index.ts';
import type { CompileThresholds } from '../thresholds/api.ts';
import type { MetricType } from '../../results/types.ts';

const BUILTIN_METRICS: Record<string, MetricType> = {
  latency: 'trend',
  iterations: 'counter',
  errors: 'rate',
  dropped_iterations: 'counter',
  vus: 'gauge',
  // set by the runner at the end of a live run (results/saturation.ts)
  load_generator_saturated: 'gauge',
  // set when the sampler stops, on live runs with a measured window of a minute or more (metrics/memory.ts)
  rss_growth_mb_per_min: 'gauge',
  heap_growth_mb_per_min: 'gauge',
};

export const compileThresholds: CompileThresholds = (config) => compile(config, { metricTypes: BUILTIN_METRICS });
