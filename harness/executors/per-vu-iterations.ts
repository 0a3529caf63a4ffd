/**
 * per-vu-iterations (k6): each of `vus` VUs runs exactly `iterations` iterations, back to back;
 * the executor ends when all are done or after `maxDuration`.
 */
import { z } from 'zod';
import { parseDuration } from '../../results/duration.ts';
import { positiveDuration, positiveInt, strictObject } from '../config/fields.ts';
import { runVus, type VuPlan } from './closed.ts';
import { COMMON_DEFAULTS, commonShape, type ExecutorContext } from './types.ts';

export const type = 'per-vu-iterations';
export const model = 'closed';

export const schema = strictObject({
  executor: z.literal(type),
  vus: positiveInt().optional(),
  iterations: positiveInt().optional(),
  maxDuration: positiveDuration().optional(),
  ...commonShape,
});
export type Config = z.output<typeof schema>;

export function plan(c: Config): VuPlan {
  const vus = c.vus ?? 1;
  const iterations = c.iterations ?? 1;
  return {
    type,
    model,
    startMs: parseDuration(c.startTime ?? COMMON_DEFAULTS.startTime),
    durationMs: parseDuration(c.maxDuration ?? '10m'),
    gracefulStopMs: parseDuration(c.gracefulStop ?? COMMON_DEFAULTS.gracefulStop),
    expectedIterations: vus * iterations,
    maxVUs: vus,
    curve: [{ atMs: 0, vus }],
    gracefulRampDownMs: 0,
    iterationsPerVu: iterations,
  };
}

export function run(ctx: ExecutorContext<Config>) {
  return runVus(ctx, plan(ctx.config));
}
