/**
 * What each fault of a run did to the latency SLO, from the run's per-second series (a pure
 * function of summary data, so any reader can recompute it): the worst p99 while it was active,
 * the seconds over the SLO from its start until the run recovered, and how long recovery took
 * after the fault was lifted.
 */
import { DEFAULT_SLO_P99_MS, sloLatencyKey, violatesSlo } from './slo.ts';
import type { FaultRecord, RunSummary, TimePointValue } from './types.ts';

type Series = Pick<RunSummary, 'timeseries' | 'warmupMs'>;

interface FaultImpact {
  /** the p99 SLO judged against, ms */
  sloP99Ms: number;
  /** the worst per-second p99 of the SLO latency while the fault was active (null: no samples then) */
  p99DuringMs: number | null;
  /** minutes whose p99 broke the SLO, from the fault's start until the run recovered (or ended) */
  minutesOverSla: number;
  /** from the fault's end until p99 stayed within the SLO for the rest of the run; null: never */
  timeToRecoverMs: number | null;
  recovered: boolean;
}

/** each record with its impact (records that never started are returned as they are) */
export function withImpact(records: FaultRecord[], s: Series, sloP99Ms = DEFAULT_SLO_P99_MS): FaultRecord[] {
  return records.map((r) => (r.startedMs === undefined ? r : { ...r, impact: faultImpact(r, s, sloP99Ms) }));
}

function faultImpact(r: FaultRecord, s: Series, sloP99Ms = DEFAULT_SLO_P99_MS): FaultImpact {
  const pts = s.timeseries.points;
  const step = s.timeseries.intervalMs || 1000;
  const key = sloLatencyKey(pts);
  const at = (i: number) => (key ? (pts[i]![key] as TimePointValue | undefined) : undefined);
  const start = r.startedMs ?? 0;
  const end = Math.max(r.endedMs ?? Number.POSITIVE_INFINITY, start + step);
  let worst: number | null = null;
  // the last violating second at or after the fault's end: recovery starts after it
  let lastBad = -1;
  let overSecs = 0;
  pts.forEach((p, i) => {
    const v = at(i);
    const bucketEnd = p.t + step;
    if (bucketEnd > start && p.t < end && v?.count && v.p99 !== undefined) worst = Math.max(worst ?? 0, v.p99);
    if (bucketEnd > start && violatesSlo(v, sloP99Ms)) lastBad = i;
  });
  const endMs = Number.isFinite(end) ? end : (pts[pts.length - 1]?.t ?? start) + step;
  const recoveredAt = lastBad < 0 ? endMs : Math.max(endMs, pts[lastBad]!.t + step);
  const lastT = (pts[pts.length - 1]?.t ?? 0) + step;
  // a violation in the series' last second means it had not recovered by the end
  const recovered = lastBad < 0 || pts[lastBad]!.t + step < lastT;
  pts.forEach((p, i) => {
    if (p.t + step > start && p.t < recoveredAt && p.t >= s.warmupMs && violatesSlo(at(i), sloP99Ms))
      overSecs += step / 1000;
  });
  return {
    sloP99Ms,
    p99DuringMs: worst === null ? null : Math.round((worst as number) * 1000) / 1000,
    minutesOverSla: Math.round((overSecs / 60) * 1000) / 1000,
    timeToRecoverMs: recovered ? Math.max(0, recoveredAt - endMs) : null,
    recovered,
  };
}
