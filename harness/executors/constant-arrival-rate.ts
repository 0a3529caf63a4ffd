/**
 * constant-arrival-rate (k6): `rate` iterations per `timeUnit` for `duration`, started on
 * schedule whether or not earlier ones finished (open model). Iteration i is due at
 * i · timeUnit/rate. Latency is measured from that due time.
 */
import { z } from 'zod';
import { parseDuration } from '../../results/duration.ts';
import { positiveDuration, positiveInt, positiveNumber, strictObject } from '../config/fields.ts';
import { type ArrivalPlan, runArrivals } from './common.ts';
import { COMMON_DEFAULTS, commonShape, type ExecutorContext } from './types.ts';

export const type = 'constant-arrival-rate';
export const model = 'open';

export const schema = strictObject({
  executor: z.literal(type),
  /** iterations per timeUnit */
  rate: positiveNumber(),
  timeUnit: positiveDuration().optional(),
  duration: positiveDuration(),
  /** VUs ready at the start (k6 default: required; here defaults to maxVUs or 100) */
  preAllocatedVUs: positiveInt().optional(),
  /** VUs may be added up to this when every VU is busy; beyond it iterations are dropped */
  maxVUs: positiveInt().optional(),
  ...commonShape,
}).superRefine((c, ctx) => {
  if (c.preAllocatedVUs !== undefined && c.maxVUs !== undefined && c.maxVUs < c.preAllocatedVUs) {
    ctx.addIssue({ code: 'custom', path: ['maxVUs'], message: `must be ≥ preAllocatedVUs (${c.preAllocatedVUs})` });
  }
});
export type Config = z.output<typeof schema>;

export function vuBounds(c: { preAllocatedVUs?: number | undefined; maxVUs?: number | undefined }): {
  pre: number;
  max: number;
} {
  const pre = c.preAllocatedVUs ?? Math.min(c.maxVUs ?? 100, 100);
  return { pre, max: c.maxVUs ?? pre };
}

export function plan(c: Config): ArrivalPlan {
  const unitMs = parseDuration(c.timeUnit ?? '1s');
  const durationMs = parseDuration(c.duration);
  const intervalMs = unitMs / c.rate;
  const { pre, max } = vuBounds(c);
  return {
    type,
    model,
    startMs: parseDuration(c.startTime ?? COMMON_DEFAULTS.startTime),
    durationMs,
    gracefulStopMs: parseDuration(c.gracefulStop ?? COMMON_DEFAULTS.gracefulStop),
    // i is due at i·interval for every i with i·interval < duration
    expectedIterations: Math.ceil(durationMs / intervalMs - 1e-9),
    preAllocatedVUs: pre,
    maxVUs: max,
    timeOf: (i) => i * intervalMs,
  };
}

export function run(ctx: ExecutorContext<Config>) {
  return runArrivals(ctx, plan(ctx.config));
}
