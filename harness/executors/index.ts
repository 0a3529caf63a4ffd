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
import type { BasePlan, ExecutorContext, ExecutorModule } from './types.ts';
import type { ExecutorResult } from '../../results/types.ts';
import { runArrivals, type ArrivalPlan } from './common.ts';
import { runVus, type VuPlan } from './closed.ts';
import type { ExecutionSegment } from './segment.ts';

/** checks that a module has the executor contract (type, model, schema, plan, run) */
const contract = <S extends z.ZodType, P extends BasePlan>(m: ExecutorModule<S, P>) => m;

export const executors = {
  'constant-arrival-rate': contract(constantArrivalRate),
  'ramping-arrival-rate': contract(rampingArrivalRate),
  'constant-vus': contract(constantVus),
  'ramping-vus': contract(rampingVus),
  'per-vu-iterations': contract(perVuIterations),
} as const;

export type ExecutorType = keyof typeof executors;
export const EXECUTOR_TYPES = Object.keys(executors) as ExecutorType[];

type SchemaOf<K extends ExecutorType> = (typeof executors)[K]['schema'];
export type ConstantArrivalRateConfig = z.input<SchemaOf<'constant-arrival-rate'>>;
export type RampingArrivalRateConfig = z.input<SchemaOf<'ramping-arrival-rate'>>;
export type ConstantVusConfig = z.input<SchemaOf<'constant-vus'>>;
export type RampingVusConfig = z.input<SchemaOf<'ramping-vus'>>;
export type PerVuIterationsConfig = z.input<SchemaOf<'per-vu-iterations'>>;

export type ExecutorConfig = z.output<(typeof executors)[ExecutorType]['schema']>;

/** plan any validated executor config */
export function planExecutor(c: ExecutorConfig): BasePlan {
  const m = executors[c.executor] as unknown as { plan(c: ExecutorConfig): BasePlan };
  return m.plan(c);
}

export function runExecutor(ctx: ExecutorContext<ExecutorConfig>): Promise<ExecutorResult> {
  const seg = ctx.segment;
  if (seg) {
    const plan = planExecutor(ctx.config);
    return plan.model === 'open'
      ? runArrivals(ctx, segmentArrivals(plan as ArrivalPlan, seg))
      : runVus(ctx, segmentVus(plan as VuPlan, seg));
  }
  const m = executors[ctx.config.executor] as unknown as {
    run(ctx: ExecutorContext<ExecutorConfig>): Promise<ExecutorResult>;
  };
  return m.run(ctx);
}

/** this segment's part of an open-model plan: its iterations at their global planned times */
export function segmentArrivals(plan: ArrivalPlan, seg: ExecutionSegment): ArrivalPlan {
  const pre = Math.max(1, seg.count(plan.preAllocatedVUs));
  return {
    ...plan,
    expectedIterations: seg.count(plan.expectedIterations),
    preAllocatedVUs: pre,
    maxVUs: Math.max(pre, seg.count(plan.maxVUs)),
    timeOf: (k) => plan.timeOf(seg.nth(k)),
  };
}

/** this segment's part of a closed-model plan: its share of the VUs at every step */
export function segmentVus(plan: VuPlan, seg: ExecutionSegment): VuPlan {
  return {
    ...plan,
    curve: plan.curve.map((s) => ({ ...s, vus: seg.count(s.vus) })),
    maxVUs: seg.count(plan.maxVUs),
  };
}

export { VirtualClock, RealClock, type Clock } from './clock.ts';
export type { ExecutorContext, BasePlan } from './types.ts';
export type { ArrivalPlan } from './common.ts';
export type { VuPlan } from './closed.ts';
