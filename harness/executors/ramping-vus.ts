/**
 * ramping-vus (k6): the VU count moves linearly from `startVUs` to each stage's `target` over
 * the stage's `duration`. The count steps to k when the straight line between stage ends
 * reaches k (up or down). VUs removed by a ramp-down finish their current iteration, or are
 * interrupted after `gracefulRampDown`.
 */
import { z } from 'zod';
import { parseDuration } from '../../results/duration.ts';
import { duration, nonNegativeInt, strictObject } from '../config/fields.ts';
import { runVus, type VuPlan, type VuStep } from './closed.ts';
import { COMMON_DEFAULTS, commonShape, type ExecutorContext } from './types.ts';

export const type = 'ramping-vus';
export const model = 'closed';

const vuStage = strictObject({ target: nonNegativeInt(), duration: duration() });

export const schema = strictObject({
  executor: z.literal(type),
  startVUs: nonNegativeInt().optional(),
  stages: z
    .array(vuStage, { error: 'expected an array of { target, duration } stages' })
    .min(1, { error: 'needs at least one stage' }),
  gracefulRampDown: duration().optional(),
  ...commonShape,
});
export type Config = z.output<typeof schema>;

export function plan(c: Config): VuPlan {
  const curve: VuStep[] = [];
  let cur = c.startVUs ?? 1;
  let t = 0;
  let max = cur;
  curve.push({ atMs: 0, vus: cur });
  for (const s of c.stages) {
    const d = parseDuration(s.duration);
    const from = cur,
      to = s.target;
    if (d === 0) {
      if (to !== cur) curve.push({ atMs: t, vus: to });
    } else if (to !== from) {
      const dir = to > from ? 1 : -1;
      for (let k = from + dir; dir > 0 ? k <= to : k >= to; k += dir) {
        curve.push({ atMs: t + (d * Math.abs(k - from)) / Math.abs(to - from), vus: k });
      }
    }
    cur = to;
    max = Math.max(max, to);
    t += d;
  }
  // steps at the same instant: keep the last
  const merged: VuStep[] = [];
  for (const s of curve) {
    const last = merged[merged.length - 1];
    if (last && last.atMs === s.atMs) last.vus = s.vus;
    else merged.push({ ...s });
  }
  return {
    type,
    model,
    startMs: parseDuration(c.startTime ?? COMMON_DEFAULTS.startTime),
    durationMs: t,
    gracefulStopMs: parseDuration(c.gracefulStop ?? COMMON_DEFAULTS.gracefulStop),
    maxVUs: Math.max(max, 1),
    curve: merged,
    gracefulRampDownMs: parseDuration(c.gracefulRampDown ?? '30s'),
  };
}

/** the planned VU count at offset t */
export function vusAt(p: VuPlan, t: number): number {
  let v = 0;
  for (const s of p.curve) {
    if (s.atMs <= t) v = s.vus;
    else break;
  }
  return v;
}

export function run(ctx: ExecutorContext<Config>) {
  return runVus(ctx, plan(ctx.config));
}
