/**
 * `function` target: an in-process async function from the scenario file, or a built-in
 * behaviour for demos and tests:
 *   target: { type: 'function', fn: async (ctx) => { ... } }
 *   target: { type: 'function', builtin: 'sleep', ms: 5, jitterMs: 2, errorRate: 0.01,
 *             stallAtMs: 3000, stallForMs: 1000 }
 *   target: { type: 'function', builtin: 'noop' }
 * `fn` may return nothing (ok), a boolean (ok or not) or an IterationOutcome; a throw is a
 * failed iteration. Randomness comes from ctx.rng (seeded by the scenario seed).
 */
import { z } from 'zod';
import type { Rng } from '../../generators/rng.ts';
import type { MetricsRegistry, Tags } from '../metrics/api.ts';
import type { ServiceInfo } from '../../results/types.ts';
import { enumOf, nonEmptyString, nonNegativeNumber, probability, strictObject } from '../config/fields.ts';
import type { IterationContext, IterationOutcome, Target, TargetContext } from './api.ts';

/** what a scenario's `fn` receives for each iteration */
export interface FunctionIterationContext extends IterationContext {
  rng: Rng;
  /** ms since run start */
  now(): number;
  /** wait on the run clock (virtual in tests) */
  sleep(ms: number): Promise<void>;
  metrics: MetricsRegistry;
  tags: Tags;
}
export type FunctionTargetFn = (ctx: FunctionIterationContext) => unknown;

const BUILTINS = ['noop', 'sleep'] as const;

export const schema = strictObject({
  type: z.literal('function'),
  /** shown in reports instead of '[function]' */
  name: nonEmptyString().optional(),
  fn: z
    .custom<FunctionTargetFn>((v) => typeof v === 'function', { error: 'expected a function (async (ctx) => { ... })' })
    .optional(),
  builtin: enumOf(BUILTINS).optional(),
  /** run once after the load (k6's teardown): a throw marks the run incomplete (exit 107) */
  teardown: z
    .custom<() => unknown>((v) => typeof v === 'function', { error: 'expected a function (async () => { ... })' })
    .optional(),
  /** builtin 'sleep': base service time */
  ms: nonNegativeNumber().optional(),
  /** builtin 'sleep': extra uniform random time in [0, jitterMs) */
  jitterMs: nonNegativeNumber().optional(),
  /** builtin 'sleep': share of iterations that fail */
  errorRate: probability().optional(),
  /** builtin 'sleep': from this run time the target stalls: every iteration in the stall waits until it ends */
  stallAtMs: nonNegativeNumber().optional(),
  stallForMs: nonNegativeNumber().optional(),
}).superRefine((c, ctx) => {
  if ((c.fn === undefined) === (c.builtin === undefined)) {
    ctx.addIssue({
      code: 'custom',
      path: [],
      message: `give either "fn" (an async function) or "builtin" (one of ${BUILTINS.map((b) => `"${b}"`).join(', ')})`,
    });
  }
  if (c.fn !== undefined || c.builtin === 'noop') {
    for (const k of ['ms', 'jitterMs', 'errorRate', 'stallAtMs', 'stallForMs'] as const) {
      if (c[k] !== undefined) ctx.addIssue({ code: 'custom', path: [k], message: `only used by builtin: 'sleep'` });
    }
  }
  if ((c.stallAtMs === undefined) !== (c.stallForMs === undefined)) {
    ctx.addIssue({
      code: 'custom',
      path: [c.stallAtMs === undefined ? 'stallAtMs' : 'stallForMs'],
      message: 'stallAtMs and stallForMs go together',
    });
  }
});
export type Config = z.output<typeof schema>;

const OK: IterationOutcome = { ok: true };
const NOT_OK: IterationOutcome = { ok: false };
const RESOLVED_OK = Promise.resolve(OK);

function toOutcome(v: unknown): IterationOutcome {
  if (v === undefined || v === null || v === true) return OK;
  if (v === false) return NOT_OK;
  if (typeof v === 'object' && 'ok' in v) return v as IterationOutcome;
  return OK;
}

export function create(c: Config): Target {
  let ctx: TargetContext | undefined;
  let rng: Rng | undefined;
  const sleep = (ms: number, signal?: AbortSignal): Promise<void> =>
    ctx?.sleep ? ctx.sleep(ms, signal) : new Promise((r) => setTimeout(r, ms));

  let iterate: (it: IterationContext) => Promise<IterationOutcome>;
  if (c.fn) {
    const fn = c.fn;
    iterate = async (it) => {
      const t = ctx as TargetContext;
      return toOutcome(
        await fn({
          ...it,
          rng: rng as Rng,
          now: t.now,
          sleep: (ms) => sleep(ms, it.signal),
          metrics: t.metrics,
          tags: t.tags,
        }),
      );
    };
  } else if (c.builtin === 'noop') {
    iterate = () => RESOLVED_OK;
  } else {
    const base = c.ms ?? 0,
      jitter = c.jitterMs ?? 0,
      errorRate = c.errorRate ?? 0;
    const stallAt = c.stallAtMs ?? Infinity,
      stallEnd = stallAt + (c.stallForMs ?? 0);
    iterate = async (it) => {
      const t = ctx as TargetContext;
      const r = rng as Rng;
      const now = t.now();
      let d = base + (jitter > 0 ? r.next() * jitter : 0);
      // a stalled server holds everything that arrives while it is stalled until the stall ends
      if (now >= stallAt && now < stallEnd) d += stallEnd - now;
      const fail = errorRate > 0 && r.bernoulli(errorRate);
      if (d > 0) await sleep(d, it.signal);
      return fail ? NOT_OK : OK;
    };
  }

  return {
    kind: 'function',
    async setup(tc) {
      ctx = tc;
      rng = tc.rng.fork('target:function');
    },
    iterate,
    async teardown() {
      await c.teardown?.();
    },
    services(): Record<string, ServiceInfo> {
      return {
        target: {
          mode: 'embedded',
          detail: c.fn ? `function ${c.name ?? (c.fn.name || '(anonymous)')}` : `builtin ${c.builtin}`,
        },
      };
    },
  };
}
