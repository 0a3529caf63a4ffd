// The open model's held tick (Clock.hold) for targets that read in batches (the http target's raw engine).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { type Clock, heldMs, RealClock } from '../../../harness/executors/clock.ts';
import { runExecutor, type ExecutorConfig } from '../../../harness/executors/index.ts';
import { newLiveStats } from '../../../harness/executors/types.ts';
import { executorSchema } from '../../../harness/scenario/schema.ts';
import type { IterationContext, IterationOutcome, Target } from '../../../harness/targets/api.ts';
import { create } from '../../../harness/targets/http.ts';
import { FakeRegistry } from './fake-metrics.ts';

/** a virtual clock for one sleeper: a timer jumps time to its deadline, as does a hold; both are recorded */
class JumpClock implements Clock {
  t = 0;
  readonly holds: number[] = [];
  readonly sleeps: number[] = [];
  now(): number {
    return this.t;
  }
  sleepUntil(t: number, signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) return Promise.resolve();
    if (t > this.t) {
      this.sleeps.push(t);
      this.t = t;
    }
    return this.yield();
  }
  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return this.sleepUntil(this.t + ms, signal);
  }
  delay(ms: number, signal?: AbortSignal): Promise<void> {
    return this.sleep(ms, signal);
  }
  yield(): Promise<void> {
    return new Promise((r) => setImmediate(r));
  }
  hold(t: number): void {
    this.holds.push(t);
    if (t > this.t) this.t = t;
  }
}

/** 10 iterations a ms for 3 ms against a target that answers at once; each start's intended and actual time */
async function run(readsInBatches: boolean) {
  const clock = new JumpClock();
  const starts: { intended: number; at: number }[] = [];
  const target: Target = {
    kind: 'instant',
    ...(readsInBatches ? { readsInBatches } : {}),
    setup: () => Promise.resolve(),
    iterate: () => Promise.reject(new Error('the fast path is used')),
    iterateCallback(it: IterationContext, done: (o: IterationOutcome) => void): void {
      starts.push({ intended: it.intendedStartMs, at: clock.now() });
      done({ ok: true });
    },
    teardown: () => Promise.resolve(),
    services: () => ({}),
  };
  const config = executorSchema.parse({ executor: 'constant-arrival-rate', rate: 10_000, duration: '3ms' });
  let n = 0;
  const result = await runExecutor({
    name: 'main',
    config: config as ExecutorConfig,
    clock,
    target,
    metrics: new FakeRegistry(),
    tags: {},
    signal: new AbortController().signal,
    nextIteration: () => n++,
    live: newLiveStats(),
  });
  return { clock, starts, result };
}

test('at a high rate the open model holds the thread between ticks for a target that reads in batches', async () => {
  const { clock, starts, result } = await run(true);
  assert.is(result.scheduled, 30);
  assert.is(result.completed, 30);
  assert.is(result.dropped, 0);
  // no timer while iterations came due every 0.1 ms (at most one for the end of the duration)
  assert.ok(clock.sleeps.length <= 1, `timers: ${clock.sleeps}`);
  // a hold ends 0.3 ms after the last one did; the iterations due by then start together
  assert.ok(clock.holds.length >= 9, `holds: ${clock.holds}`);
  for (let k = 1; k < clock.holds.length; k++) assert.ok(Math.abs(clock.holds[k]! - clock.holds[k - 1]! - 0.3) < 1e-9);
  const batches = new Set(starts.map((s) => s.at));
  assert.ok(batches.size <= clock.holds.length + 1 && batches.size < 15, `${batches.size} batches`);
  for (const s of starts) assert.ok(s.at >= s.intended && s.at - s.intended <= 0.3 + 1e-9, JSON.stringify(s));
});

test('a target that does not read in batches is never held: the scheduler sleeps on its timer', async () => {
  const { clock, starts, result } = await run(false);
  assert.is(result.completed, 30);
  assert.equal(clock.holds, []);
  assert.ok(clock.sleeps.length >= 29, `timers: ${clock.sleeps.length}`);
  for (const s of starts) assert.is(s.at, s.intended);
});

test("the http target reads in batches on the raw engine, not on undici's", () => {
  assert.is(create({ type: 'http', url: 'http://127.0.0.1:1/' }).readsInBatches, true);
  assert.is(create({ type: 'http', url: 'http://127.0.0.1:1/', engine: 'undici' }).readsInBatches, false);
});

test('a hold on the real clock is counted in heldMs; a hold until a time already past returns at once', () => {
  const clock = new RealClock();
  const before = heldMs();
  clock.hold(clock.now() - 1);
  assert.is(heldMs(), before);
  clock.hold(clock.now() + 2);
  assert.ok(heldMs() > before);
});

test.run();
