/**
 * The SLO analysis of a run, once, for every reader (the simulator writes it into `extra.sim`,
 * `pipelab compare` and the simulation report read it): which seconds broke the p99 SLO, how
 * many minutes that adds up to, and how long the run took to recover. Pure functions of a
 * RunSummary's time series.
 */
import type { RunSummary, TimePoint, TimePointValue } from './types.ts';

/** the p99 SLO, ms, a run is judged against when its scenario or the caller names none */
export const DEFAULT_SLO_P99_MS = 500;

/** the latency series the SLO is judged on: end-to-end where the run observed it, else the iteration latency */
export const SLO_LATENCY_KEYS = ['e2e_latency', 'latency'] as const;

type Series = Pick<RunSummary, 'timeseries' | 'warmupMs'>;

/** the first of SLO_LATENCY_KEYS some point of the series carries; undefined: the run has no latency series */
export function sloLatencyKey(points: readonly TimePoint[]): string | undefined {
  return SLO_LATENCY_KEYS.find((k) => points.some((p) => typeof p[k] === 'object'));
}

/**
 * Does this second break the SLO: its p99 above `sloP99Ms`. Only an explicit `count: 0` marks a
 * second without samples; a point that carries a p99 but no count was measured all the same
 * (the writer left the count out), so it is judged by its p99.
 */
export function violatesSlo(v: TimePointValue | undefined, sloP99Ms: number): boolean {
  return v !== undefined && (v.count ?? 1) > 0 && (v.p99 ?? 0) > sloP99Ms;
}

/** seconds (after the warm-up) whose p99 broke the SLO; null when the run has no latency series */
export function sloViolationSeconds(summary: Series, sloP99Ms: number): number | null {
  const key = sloLatencyKey(summary.timeseries.points);
  if (!key) return null;
  let secs = 0;
  for (const p of summary.timeseries.points) {
    if (p.t < summary.warmupMs) continue;
    if (violatesSlo(p[key] as TimePointValue | undefined, sloP99Ms)) secs += summary.timeseries.intervalMs / 1000;
  }
  return secs;
}

/** SLO-violation minutes: sloViolationSeconds / 60 (null when the run has no latency series) */
export function sloViolationMinutes(summary: Series, sloP99Ms: number): number | null {
  const secs = sloViolationSeconds(summary, sloP99Ms);
  return secs === null ? null : secs / 60;
}

/** how long p99 must stay within the SLO to count as recovered */
const RECOVERED_AFTER_MS = 60_000;

/**
 * Time to recover: from the first SLO-violating point (after the warm-up) until p99 stays within
 * the SLO for a whole minute (or to the end of the run, if that is sooner). null when p99 never
 * broke the SLO; recovered false when it had not recovered by the end (the time then runs to the
 * end of the last violating point).
 */
export function recoveryOf(summary: Series, sloP99Ms: number): { timeToRecoverMs: number | null; recovered: boolean } {
  const pts = summary.timeseries.points;
  const key = sloLatencyKey(pts);
  const bad = (p: TimePoint) => key !== undefined && violatesSlo(p[key] as TimePointValue | undefined, sloP99Ms);
  let firstBad = -1,
    lastBad = -1;
  for (const p of pts) {
    if (p.t >= summary.warmupMs && bad(p)) {
      if (firstBad < 0) firstBad = p.t;
      lastBad = p.t;
    }
  }
  if (firstBad < 0) return { timeToRecoverMs: null, recovered: true };
  let okSince = -1;
  for (const p of pts) {
    if (p.t <= firstBad) continue;
    if (bad(p)) okSince = -1;
    else if (okSince < 0) okSince = p.t;
    if (okSince >= 0 && p.t + summary.timeseries.intervalMs - okSince >= RECOVERED_AFTER_MS) break;
  }
  return okSince >= 0
    ? { timeToRecoverMs: okSince - firstBad, recovered: true }
    : { timeToRecoverMs: lastBad + summary.timeseries.intervalMs - firstBad, recovered: false };
}
