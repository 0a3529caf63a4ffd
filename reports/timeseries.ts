/**
 * The run's per-second time series as tidy columns (one array per variable, one row per
 * second), the shape data-frame libraries take directly: `aq.table(timeSeriesColumns(s))`
 * in arquero (what the notebooks use, docs/notebooks.md), `pl.DataFrame(...)` in polars.
 * Reads the RunSummary only. A second with no sample of a metric gets NaN (counts get 0).
 */
import type { RunSummary, TimePoint, TimePointValue } from '../results/types.ts';

export interface TimeSeriesColumns {
  /** bucket start, seconds since the run started */
  second: number[];
  /** true while the bucket starts inside the warm-up (left out of figures and thresholds) */
  warmup: boolean[];
  /** latency percentiles of the iterations that ended in that second (ms) */
  p50: number[];
  p90: number[];
  p95: number[];
  p99: number[];
  max: number[];
  /** iterations completed in that second */
  iterations: number[];
  /** failed iterations in that second, and their share */
  errors: number[];
  errorRate: number[];
  /** open model: iterations dropped at maxVUs */
  dropped: number[];
  /** VUs in use (last sample of the second) */
  vus: number[];
}

export interface TimeSeriesOptions {
  /** the trend metric whose percentiles fill p50..max (default `latency`) */
  trend?: string;
}

const field = (p: TimePoint, metric: string): TimePointValue | undefined => {
  const v = p[metric];
  return typeof v === 'object' ? v : undefined;
};

export function timeSeriesColumns(summary: RunSummary, o: TimeSeriesOptions = {}): TimeSeriesColumns {
  const trend = o.trend ?? 'latency';
  const points = summary.timeseries.points;
  const col = (f: (p: TimePoint) => number) => points.map(f);
  const errorShare = (p: TimePoint) => field(p, 'errors')?.value ?? NaN;
  return {
    second: col((p) => p.t / 1000),
    warmup: points.map((p) => p.t < summary.warmupMs),
    p50: col((p) => field(p, trend)?.p50 ?? NaN),
    p90: col((p) => field(p, trend)?.p90 ?? NaN),
    p95: col((p) => field(p, trend)?.p95 ?? NaN),
    p99: col((p) => field(p, trend)?.p99 ?? NaN),
    max: col((p) => field(p, trend)?.max ?? NaN),
    iterations: col((p) => field(p, 'iterations')?.count ?? 0),
    errors: col((p) => {
      const e = field(p, 'errors');
      return e?.count !== undefined && e.value !== undefined ? Math.round(e.count * e.value) : 0;
    }),
    errorRate: col(errorShare),
    dropped: col((p) => field(p, 'dropped_iterations')?.count ?? 0),
    vus: col((p) => field(p, 'vus')?.value ?? NaN),
  };
}
