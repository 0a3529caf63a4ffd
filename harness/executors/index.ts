/**
 * The executor registry: one module per k6 executor, keyed by its `executor` name. The scenario
 * schema is composed from these schemas, so adding an executor is one file plus one line here.
 */
import type { z } from 'zod';
import * as constantArrivalRate from './constant-arrival-rate.ts';
import * as rampingArrivalRate from './ramping-arrival-rate.ts';
import * as constantVus from './constant-vus.ts';
import * as rampingVus from './ramping-vus.ts';
import * as perVuIterations from './per-vu-iterations.ts';
import type { BasePlan, ExecutorContext } from './types.ts';
import type { ExecutorResult } from '../../results/types.ts';

export const executors = {
  'constant-arrival-rate': constantArrivalRate,
  'ramping-arrival-rate': rampingArrivalRate,
  'constant-vus': constantVus,
  'ramping-vus': rampingVus,
  'per-vu-iterations': perVuIterations,
} as const;

export type ExecutorType = keyof typeof executors;
export const EXECUTOR_TYPES = Object.keys(executors) as ExecutorType[];

export type ConstantArrivalRateConfig = z.input<typeof constantArrivalRate.schema>;
export type RampingArrivalRateConfig = z.input<typeof rampingArrivalRate.schema>;
export type ConstantVusConfig = z.input<typeof constantVus.schema>;
export type RampingVusConfig = z.input<typeof rampingVus.schema>;
export type PerVuIterationsConfig = z.input<typeof perVuIterations.schema>;

export type ExecutorConfig = z.output<(typeof executors)[ExecutorType]['schema']>;

export function isExecutorType(t: unknown): t is ExecutorType {
  return typeof t === 'string' && Object.hasOwn(executors, t);
}

/** plan any validated executor config */
export function planExecutor(c: ExecutorConfig): BasePlan {
  const m = executors[c.executor] as unknown as { plan(c: ExecutorConfig): BasePlan };
  return m.plan(c);
}

export function runExecutor(ctx: ExecutorContext<ExecutorConfig>): Promise<ExecutorResult> {
  const m = executors[ctx.config.executor] as unknown as {
    run(ctx: ExecutorContext<ExecutorConfig>): Promise<ExecutorResult>;
  };
  return m.run(ctx);
}

export { VirtualClock, RealClock, type Clock } from './clock.ts';
export type { ExecutorContext, BasePlan, LiveStats } from './types.ts';
export type { ArrivalPlan, VuPlan, VuStep } from './common.ts';
