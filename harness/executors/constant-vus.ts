/**
 * constant-vus (k6): `vus` VUs loop iterations back to back for `duration` (closed model:
 * the next iteration starts when the previous one ends, so a slow target slows the load).
 */
import { z } from 'zod';
import { parseDuration } from '../../results/duration.ts';
import { positiveDuration, positiveInt, strictObject } from '../config/fields.ts';
import { runVus, type VuPlan } from './closed.ts';
import { COMMON_DEFAULTS, commonShape, type ExecutorContext } from './types.ts';

export const type = 'constant-vus';
export const model = 'closed';

export const schema = strictObject({
  executor: z.literal(type),
  vus: positiveInt().optional(),
  duration: positiveDuration(),
  ...commonShape,
});
export type Config = z.output<typeof schema>;

export function plan(c: Config): VuPlan {
  const vus = c.vus ?? 1;
  return {
    type,
    model,
    startMs: parseDuration(c.startTime ?? COMMON_DEFAULTS.startTime),
    durationMs: parseDuration(c.duration),
    gracefulStopMs: parseDuration(c.gracefulStop ?? COMMON_DEFAULTS.gracefulStop),
    maxVUs: vus,
    curve: [{ atMs: 0, vus }],
    gracefulRampDownMs: 0,
  };
}

export function run(ctx: ExecutorContext<Config>) {
  return runVus(ctx, plan(ctx.config));
}
