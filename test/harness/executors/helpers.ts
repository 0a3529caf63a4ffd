/**
 * Run one executor on a virtual clock against a function target, recording every sample; and the parts of such a run
 * for tests that drive their own clock and target.
 */
import { Rng } from '../../../generators/rng.ts';
import { type Clock, VirtualClock } from '../../../harness/executors/clock.ts';
import { executorSchema } from '../../../harness/scenario/schema.ts';
import { runExecutor, type ExecutorConfig } from '../../../harness/executors/index.ts';
import { newLiveStats } from '../../../harness/executors/types.ts';
import { create, type Config as FnConfig } from '../../../harness/targets/function.ts';
import type { ExecutorResult } from '../../../results/types.ts';
import type { IterationContext, IterationOutcome, Target } from '../../../harness/targets/api.ts';
import { FakeRegistry } from './fake-metrics.ts';

export interface Ran {
  result: ExecutorResult;
  metrics: FakeRegistry;
  clock: VirtualClock;
  /** virtual time at which run() returned */
  endedAt: number;
}

export async function runOn(
  config: unknown,
  target: FnConfig | Target,
  opts: { signal?: AbortSignal; abortAtMs?: number } = {},
): Promise<Ran> {
  const clock = new VirtualClock();
  const metrics = new FakeRegistry();
  const t = 'iterate' in target ? target : create(target);
  const stop = new AbortController();
  await t.setup({
    metrics,
    now: () => clock.now(),
    rng: new Rng(1),
    signal: stop.signal,
    tags: {},
    sleep: (ms, s) => clock.delay(ms, s),
  });
  if (opts.abortAtMs !== undefined) void clock.sleepUntil(opts.abortAtMs).then(() => stop.abort());
  const result = await execute(config, clock, t, metrics, {
    tags: { executor: 'main' },
    signal: opts.signal ?? stop.signal,
  });
  return { result, metrics, clock, endedAt: clock.now() };
}

/**
 * One run of the executor `config` (parsed here) named main on `clock` against `target` as it is (set up or needing
 * none), every sample into `metrics`; no tags and a signal never aborted unless given
 */
export function execute(
  config: unknown,
  clock: Clock,
  target: Target,
  metrics: FakeRegistry = new FakeRegistry(),
  opts: { tags?: Record<string, string>; signal?: AbortSignal } = {},
): Promise<ExecutorResult> {
  let n = 0;
  return runExecutor({
    name: 'main',
    config: executorSchema.parse(config) as ExecutorConfig,
    clock,
    target,
    metrics,
    tags: opts.tags ?? {},
    signal: opts.signal ?? new AbortController().signal,
    nextIteration: () => n++,
    live: newLiveStats(),
  });
}

/** a target that needs no setup and runs its iterations on the open model's fast path only (iterateCallback) */
export function callbackTarget(
  kind: string,
  iterateCallback: (it: IterationContext, done: (o: IterationOutcome) => void) => void,
  options: { readsInBatches?: boolean; slots?: number } = {},
): Target {
  return {
    kind,
    ...options,
    setup: () => Promise.resolve(),
    iterate: () => Promise.reject(new Error('the fast path is used')),
    iterateCallback,
    teardown: () => Promise.resolve(),
    services: () => ({}),
  };
}

/**
 * A virtual clock the test moves: `t` is now. When a timer fires is the subclass's sleepUntil; sleep and delay wait
 * on it, yield lets the event loop turn once
 */
export abstract class TestClock implements Clock {
  t = 0;
  now(): number {
    return this.t;
  }
  abstract sleepUntil(t: number, signal?: AbortSignal): Promise<void>;
  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return this.sleepUntil(this.t + ms, signal);
  }
  delay(ms: number, signal?: AbortSignal): Promise<void> {
    return this.sleep(ms, signal);
  }
  yield(): Promise<void> {
    return new Promise((r) => setImmediate(r));
  }
}

/** completed iterations per whole second of end time */
export function perSecond(m: FakeRegistry, name = 'iterations'): number[] {
  const out: number[] = [];
  for (const s of m.of(name)) {
    const sec = Math.floor(s.t / 1000);
    out[sec] = (out[sec] ?? 0) + s.value;
  }
  return Array.from(out, (x) => x ?? 0);
}
