/**
 * ramping-arrival-rate (k6): the arrival rate moves linearly from `startRate` to each stage's
 * `target` over the stage's `duration` (rates per `timeUnit`). Iteration i is due at the time t
 * where the cumulative count N(t) = ∫ rate reaches i (k6 does the same), so within a stage that
 * ramps from r0 to r1 over d: N(t) = r0·t + (r1 − r0)·t²/(2d), solved for t.
 */
import { z } from 'zod';
import { parseDuration } from '../../results/duration.ts';
import { duration, nonNegativeNumber, positiveDuration, positiveInt, strictObject } from '../config/fields.ts';
import { type ArrivalPlan, runArrivals } from './common.ts';
import { vuBounds } from './constant-arrival-rate.ts';
import { COMMON_DEFAULTS, commonShape, type ExecutorContext } from './types.ts';

export const type = 'ramping-arrival-rate';
export const model = 'open';

const rateStage = strictObject({ target: nonNegativeNumber(), duration: duration() });

export const schema = strictObject({
  executor: z.literal(type),
  startRate: nonNegativeNumber().optional(),
  timeUnit: positiveDuration().optional(),
  stages: z
    .array(rateStage, { error: 'expected an array of { target, duration } stages' })
    .min(1, { error: 'needs at least one stage' }),
  preAllocatedVUs: positiveInt().optional(),
  maxVUs: positiveInt().optional(),
  ...commonShape,
}).superRefine((c, ctx) => {
  if (c.preAllocatedVUs !== undefined && c.maxVUs !== undefined && c.maxVUs < c.preAllocatedVUs) {
    ctx.addIssue({ code: 'custom', path: ['maxVUs'], message: `must be ≥ preAllocatedVUs (${c.preAllocatedVUs})` });
  }
});
export type Config = z.output<typeof schema>;

/** one stage in per-ms rates, with the cumulative iteration count at its start */
interface RateSegment {
  startMs: number;
  durationMs: number;
  /** iterations per second at the start and end of the segment */
  fromRate: number;
  toRate: number;
  /** cumulative (fractional) iterations due before this segment */
  before: number;
}

export interface RampingArrivalPlan extends ArrivalPlan {
  segments: RateSegment[];
  /** iterations per second at offset t */
  rateAt(t: number): number;
}

export function plan(c: Config): RampingArrivalPlan {
  const unitMs = parseDuration(c.timeUnit ?? '1s');
  const perSec = 1000 / unitMs;
  const segments: RateSegment[] = [];
  let t = 0,
    before = 0,
    rate = (c.startRate ?? 0) * perSec;
  for (const s of c.stages) {
    const d = parseDuration(s.duration);
    const to = s.target * perSec;
    segments.push({ startMs: t, durationMs: d, fromRate: rate, toRate: to, before });
    before += ((rate + to) / 2) * (d / 1000);
    t += d;
    rate = to;
  }
  const { pre, max } = vuBounds(c);
  const timeOf = (i: number): number => {
    // last segment whose cumulative start is ≤ i and that has arrivals
    let lo = 0,
      hi = segments.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if ((segments[mid] as RateSegment).before <= i) lo = mid;
      else hi = mid - 1;
    }
    let seg = segments[lo] as RateSegment;
    // zero-length or zero-rate segments share `before` with the next: skip forward to one with arrivals
    while (lo < segments.length - 1 && (segments[lo + 1] as RateSegment).before <= i)
      seg = segments[++lo] as RateSegment;
    const n = i - seg.before;
    const r0 = seg.fromRate / 1000,
      r1 = seg.toRate / 1000;
    const a = seg.durationMs > 0 ? (r1 - r0) / (2 * seg.durationMs) : 0;
    const disc = r0 * r0 + 4 * a * n;
    if (disc < 0 || (r0 === 0 && a === 0)) return seg.startMs + seg.durationMs;
    // t = 2n / (r0 + √(r0² + 4an)): the stable root of a·t² + r0·t − n = 0
    const dt = n === 0 ? 0 : (2 * n) / (r0 + Math.sqrt(disc));
    return seg.startMs + dt;
  };
  return {
    type,
    model,
    startMs: parseDuration(c.startTime ?? COMMON_DEFAULTS.startTime),
    durationMs: t,
    gracefulStopMs: parseDuration(c.gracefulStop ?? COMMON_DEFAULTS.gracefulStop),
    expectedIterations: Math.max(0, Math.ceil(before - 1e-9)),
    preAllocatedVUs: pre,
    maxVUs: max,
    segments,
    timeOf,
    rateAt(x: number): number {
      for (const s of segments) {
        if (x < s.startMs + s.durationMs)
          return s.fromRate + ((s.toRate - s.fromRate) * (x - s.startMs)) / s.durationMs;
      }
      return rate;
    },
  };
}

export function run(ctx: ExecutorContext<Config>) {
  return runArrivals(ctx, plan(ctx.config));
}
