/**
 * One probe's verdict: a RunSummary at an offered rate, read against the SLO and the
 * sustainability criteria. A rate is sustainable when the SLO holds over the measured window, the
 * backlog does not grow, the system keeps up with what was offered, nothing is lost, errors stay
 * under their limit and the load generator had headroom (else the figures measure pipelab).
 */
import { PipelabError } from '../../errors.ts';
import type { CapacityCriteria, CapacityFailure } from '../../results/capacity.ts';
import { slope } from '../../results/slope.ts';
import type { RunSummary, TimePoint, TimePointValue } from '../../results/types.ts';
import { compare, observe } from '../thresholds/observe.ts';
import { parseExpression, type ParsedExpression } from '../thresholds/parse.ts';
import type { ProbeOutcome } from './search.ts';

export const DEFAULT_CRITERIA: CapacityCriteria = {
  maxBacklogGrowth: 0.02,
  minThroughputRatio: 0.9,
  maxErrorRate: 0.01,
};

export interface Slo {
  /** the metric the SLO is read from; undefined: e2e_latency when the run has it, else latency */
  metric?: string;
  expression: string;
  parsed: ParsedExpression;
}

/** `p(99)<500`, or `latency:p(95)<200` naming the metric */
export function parseSlo(text: string, flag = '--slo'): Slo {
  const m = /^\s*([A-Za-z_][A-Za-z0-9_.]*)\s*:(.*)$/.exec(text ?? '');
  const expression = (m ? m[2]! : (text ?? '')).trim();
  const r = parseExpression(expression);
  const fix = `write ${flag} 'p(99)<500' (a trend aggregation: p(N), avg, med, max), optionally 'metric:p(99)<500'`;
  if (!r.ok) throw new PipelabError('INVALID_ARGUMENT', `invalid ${flag}: ${r.message}`, { hint: fix });
  if (r.value.windowSeconds !== undefined)
    throw new PipelabError('INVALID_ARGUMENT', `invalid ${flag}: a window has no meaning here`, {
      hint: `each probe is judged over its whole measured window; ${fix}`,
    });
  if (!['p', 'avg', 'med', 'max', 'min'].includes(r.value.aggregation.kind) || !['<', '<='].includes(r.value.op))
    throw new PipelabError('INVALID_ARGUMENT', `invalid ${flag} ${JSON.stringify(text)}: not a latency bound`, {
      hint: `a capacity SLO bounds a latency from above; ${fix}`,
    });
  return { metric: m?.[1], expression, parsed: r.value };
}

/** the latency the SLO is read from: the one named, else end-to-end where observed, else the iteration latency */
export function sloMetric(slo: Slo, s: RunSummary): string {
  return slo.metric ?? ('e2e_latency' in s.metrics ? 'e2e_latency' : 'latency');
}

const val = (p: TimePoint, k: string): TimePointValue | undefined =>
  typeof p[k] === 'object' ? (p[k] as TimePointValue) : undefined;

export { slope };

/**
 * Backlog growth, events per second, over the measured seconds of the load (after the warm-up,
 * before the load ends and the system drains): the slope of the consumer lag where the run
 * sampled one, else of the running difference offered − completed.
 */
export function backlogSlope(s: RunSummary, metric: string, loadEndMs: number): number {
  const step = s.timeseries.intervalMs || 1000;
  const pts = s.timeseries.points.filter((p) => p.t >= s.warmupMs && p.t + step <= loadEndMs);
  const xs = pts.map((p) => p.t / 1000);
  if (pts.some((p) => val(p, 'consumer_lag')?.value !== undefined))
    return slope(
      xs,
      pts.map((p) => val(p, 'consumer_lag')?.value ?? 0),
    );
  const sim = 'events_generated' in s.metrics;
  const offered = sim ? 'events_generated' : 'iterations';
  const done = sim ? 'events_processed' : metric;
  let backlog = 0;
  const ys = pts.map((p) => {
    backlog += (val(p, offered)?.count ?? 0) - (val(p, done)?.count ?? 0);
    return backlog;
  });
  return slope(xs, ys);
}

const countOf = (s: RunSummary, name: string): number => {
  const m = s.metrics[name];
  return m?.type === 'counter' ? m.count : 0;
};

function errorRate(s: RunSummary): number {
  const e = s.metrics.errors;
  return e?.type === 'rate' ? e.rate : 0;
}

/** judges one probe's summary at offered `rate` (per second); `loadMs` is how long the load ran */
export function judgeProbe(
  s: RunSummary,
  rate: number,
  loadMs: number,
  slo: Slo,
  criteria: CapacityCriteria = DEFAULT_CRITERIA,
): Omit<ProbeOutcome, 'wallMs'> {
  const metric = sloMetric(slo, s);
  const m = s.metrics[metric];
  const trend = m?.type === 'trend' ? m : undefined;
  const seen = observe(m, slo.parsed.aggregation, 'trend').value;
  const measuredSec = Math.max(1e-9, (loadMs - s.warmupMs) / 1000);
  const achieved = (trend?.count ?? 0) / measuredSec;
  const backlog = backlogSlope(s, metric, loadMs);
  const dropped = s.loadGenerator?.droppedIterations ?? s.executors.reduce((a, e) => a + e.dropped, 0);
  const lost = countOf(s, 'events_missing');
  const errors = errorRate(s);
  const gen = s.loadGenerator;
  const generatorReasons = (gen?.reasons ?? []).filter((r) => !/iterations dropped/.test(r));
  const failures: CapacityFailure[] = [];
  const reasons: string[] = [];
  const fail = (f: CapacityFailure, why: string) => {
    failures.push(f);
    reasons.push(why);
  };
  const fmt = (x: number) => (Number.isFinite(x) ? x.toFixed(1) : 'no samples');
  if (!compare(seen, slo.parsed.op, slo.parsed.value))
    fail('slo', `${metric} ${slo.parsed.aggregationText} ${fmt(seen)} ms breaks ${slo.expression}`);
  if (backlog > criteria.maxBacklogGrowth * rate)
    fail(
      'backlog',
      `backlog grows ${backlog.toFixed(1)}/s ` +
        `(limit ${(criteria.maxBacklogGrowth * 100).toFixed(0)} % of the offered rate)`,
    );
  if (dropped > 0)
    fail('dropped', `${dropped} iterations dropped (no free VU: the system is slower than the rate needs)`);
  if (achieved < criteria.minThroughputRatio * rate)
    fail(
      'throughput',
      `achieved ${achieved.toFixed(1)}/s of ${rate}/s offered ` +
        `(below ${(criteria.minThroughputRatio * 100).toFixed(0)} %)`,
    );
  if (lost > 0) fail('lost', `${lost} events lost (events_missing)`);
  if (errors > criteria.maxErrorRate)
    fail('errors', `error rate ${(errors * 100).toFixed(2)} % (limit ${(criteria.maxErrorRate * 100).toFixed(2)} %)`);
  if (generatorReasons.length) fail('generator', `load generator saturated: ${generatorReasons.join('; ')}`);
  return {
    ok: failures.length === 0,
    failures,
    reasons,
    observed: Number.isFinite(seen) ? seen : null,
    latency: {
      p50: trend?.p50 ?? 0,
      p90: trend?.p90 ?? 0,
      p99: trend?.p99 ?? 0,
      max: trend?.max ?? 0,
      count: trend?.count ?? 0,
    },
    achievedPerSec: achieved,
    backlogSlopePerSec: backlog,
    dropped,
    lost,
    errorRate: errors,
    generatorSaturated: generatorReasons.length > 0,
    durationMs: s.durationMs,
  };
}
