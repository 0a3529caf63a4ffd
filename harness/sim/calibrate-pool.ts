/**
 * The delay lines' shape from every run of a ramp, not the lowest-rate run's alone (calibrate-fit.ts).
 *
 * The model stretches one histogram along a load line: at rate r a stage's delays are the base
 * histogram × line(r) / line(base), one shape at every load. So each run's histogram, scaled to
 * the lowest-rate run's p50, is a sample of that shape, and the ramp's runs pooled give it with all
 * their records instead of the lowest-rate run's few: at 50/s a 6 s run has 300 records and its
 * p99 is three of them, and on /tmp/calib-sim8 one stall there (transport p99 31 ms, 10 ms on
 * calib-sim6) made the simulated p99 141 ms at every rate where live it was 51–133 ms. The level
 * (p50) stays the lowest-rate run's: scaling each run by the load line's ratio instead put it
 * 1.3 ms high on calib-sim6, whose transport steps from 9 to 18 ms between 500 and 1,000/s.
 */
import type { RunSummary, TrendData } from '../../results/types.ts';
import { decodeValues, encodeHistogram, newHistogram, toMicros } from '../../results/hdr.ts';
import type { ServiceTimeSpec } from './dist.ts';
import type { Calibration } from './calibrate.ts';

/** the model with its transport (consumers' process) and sink delays pooled over the runs, lowest rate first */
export function pooledDelays(sim: Calibration['sim'], runs: Array<{ summary: RunSummary }>): Calibration['sim'] {
  const queue = pooledStage(runs, 'stage_queue'),
    sink = pooledStage(runs, 'stage_sink');
  return {
    ...sim,
    ...(queue ? { consumers: { ...sim.consumers!, process: queue } } : {}),
    ...(sink ? { sink: { ...sim.sink, write: sink } } : {}),
  };
}

/**
 * Encoded histograms merged, each one's values multiplied by its factor k: every recorded value
 * (its bucket's median-equivalent) goes in once with its count, so the work is bounded by the
 * buckets, not the records (a long run holds millions). Undefined when nothing was recorded.
 */
export function scaledMerge(parts: Array<{ hdr: string; k: number }>): string | undefined {
  const h = newHistogram('js');
  for (const { hdr, k } of parts)
    for (const { valueMs, count } of decodeValues(hdr)) {
      const v = valueMs * k;
      if (Number.isFinite(v)) h.recordValueWithCount(toMicros(v), count);
    }
  return h.totalCount > 0 ? encodeHistogram(h) : undefined;
}

/**
 * A stage's histogram (`stage_queue`, `stage_sink`) pooled over the runs (the first is the
 * lowest-rate one), each run's values multiplied by the first run's p50 over its own; undefined
 * when the first run has no p50 of the stage.
 */
export function pooledStage(runs: Array<{ summary: RunSummary }>, key: string): ServiceTimeSpec | undefined {
  const p50 = (s: RunSummary) => (s.metrics[key] as TrendData | undefined)?.p50 ?? 0;
  const base = runs[0] ? p50(runs[0].summary) : 0;
  if (!(base > 0)) return undefined;
  const parts: Array<{ hdr: string; k: number }> = [];
  for (const { summary } of runs) {
    const t = summary.metrics[key] as TrendData | undefined;
    if (t?.hdr && t.count > 0 && t.p50 > 0) parts.push({ hdr: t.hdr, k: base / t.p50 });
  }
  const hdr = scaledMerge(parts);
  return hdr ? { type: 'empirical', hdr } : undefined;
}
