/**
 * What every executor module exports (k6's split: a validated config that can *plan* without
 * running, and a runtime): `type`, `model`, its zod `schema`, a pure `plan(config)` and `run(ctx)`.
 */
import type { ExecutionSegment } from './segment.ts';
import type { z } from 'zod';
import type { Clock } from './clock.ts';
import type { MetricsRegistry, Tags } from '../metrics/api.ts';
import type { ExecutorResult } from '../../results/types.ts';
import type { Target } from '../targets/api.ts';
import { duration, tags } from '../config/fields.ts';

/** options every executor accepts (k6 scenario options) */
export const commonShape = {
  /** when this executor starts, relative to the run start */
  startTime: duration().optional(),
  /** after the executor's duration, how long in-flight iterations may finish before being interrupted */
  gracefulStop: duration().optional(),
  /** added to every sample this executor records */
  tags: tags().optional(),
};

export const COMMON_DEFAULTS = { startTime: '0s', gracefulStop: '30s' } as const;

export interface BasePlan {
  type: string;
  model: 'open' | 'closed';
  startMs: number;
  /** scheduled part (stages / duration), excluding gracefulStop */
  durationMs: number;
  gracefulStopMs: number;
  /** iterations the plan calls for, when known in advance (arrival rate, per-vu-iterations) */
  expectedIterations?: number;
  /** the most VUs this executor may use */
  maxVUs: number;
}

/** counters the runner reads for live progress (cheap, no registry queries) */
export interface LiveStats {
  iterations: number;
  errors: number;
  dropped: number;
  /** VUs allocated now */
  vus: number;
  /** iterations in flight now */
  busy: number;
}

export interface ExecutorContext<C> {
  /** the executor's name in the scenario (k6: the scenario name) */
  name: string;
  config: C;
  clock: Clock;
  target: Target;
  metrics: MetricsRegistry;
  /** scenario tags + executor tags + { executor: name } */
  tags: Tags;
  /** aborting stops starting iterations; in-flight ones get gracefulStop to finish */
  signal: AbortSignal;
  /** global iteration numbers shared by every executor of the run */
  nextIteration: () => number;
  live: LiveStats;
  /** this process's share of the work (k6 execution segments); the whole when absent */
  segment?: ExecutionSegment;
}

export interface ExecutorModule<S extends z.ZodType = z.ZodType, P extends BasePlan = BasePlan> {
  type: string;
  model: 'open' | 'closed';
  schema: S;
  plan(config: z.output<S>): P;
  run(ctx: ExecutorContext<z.output<S>>): Promise<ExecutorResult>;
}

export function newLiveStats(): LiveStats {
  return { iterations: 0, errors: 0, dropped: 0, vus: 0, busy: 0 };
}
