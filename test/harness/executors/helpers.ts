/** Run one executor on a virtual clock against a function target, recording every sample. */
import { Rng } from '../../../generators/rng.ts';
import { VirtualClock } from '../../../harness/executors/clock.ts';
import { executorSchema } from '../../../harness/scenario/schema.ts';
import { runExecutor, type ExecutorConfig } from '../../../harness/executors/index.ts';
import { newLiveStats } from '../../../harness/executors/types.ts';
import { create, type Config as FnConfig } from '../../../harness/targets/function.ts';
import type { ExecutorResult } from '../../../results/types.ts';
import type { Target } from '../../../harness/targets/api.ts';
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
  const c = executorSchema.parse(config) as ExecutorConfig;
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
  let n = 0;
  const result = await runExecutor({
    name: 'main',
    config: c,
    clock,
    target: t,
    metrics,
    tags: { executor: 'main' },
    signal: opts.signal ?? stop.signal,
    nextIteration: () => n++,
    live: newLiveStats(),
  });
  return { result, metrics, clock, endedAt: clock.now() };
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
