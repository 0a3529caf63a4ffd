// The open model's held tick (Clock.hold) for targets that read in batches (the http target's raw engine).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { heldMs, RealClock } from '../../../harness/executors/clock.ts';
import { create } from '../../../harness/targets/http.ts';
import { callbackTarget, execute, TestClock } from './helpers.ts';

/** a virtual clock for one sleeper: a timer jumps time to its deadline, as does a hold; both are recorded */
class JumpClock extends TestClock {
  readonly holds: number[] = [];
  readonly sleeps: number[] = [];
  sleepUntil(t: number, signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) return Promise.resolve();
    if (t > this.t) {
      this.sleeps.push(t);
      this.t = t;
    }
    return this.yield();
  }
  hold(t: number): void {
    this.holds.push(t);
    if (t > this.t) this.t = t;
  }
}

/**
 * `rate` iterations a ms (10 unless given) for 3 ms against a target that answers at once; each start's intended
 * and actual time
 */
async function run(readsInBatches: boolean, slots?: number, rate = 10) {
  const clock = new JumpClock();
  const starts: { intended: number; at: number }[] = [];
  const target = callbackTarget(
    'instant',
    (it, done) => {
      starts.push({ intended: it.intendedStartMs, at: clock.now() });
      done({ ok: true });
    },
    { ...(readsInBatches ? { readsInBatches } : {}), ...(slots === undefined ? {} : { slots }) },
  );
  const result = await execute(
    { executor: 'constant-arrival-rate', rate: rate * 1000, duration: '3ms' },
    clock,
    target,
  );
  return { clock, starts, result };
}

test('at a high rate the open model holds the thread between ticks for a target that reads in batches', async () => {
  const { clock, starts, result } = await run(true);
  assert.is(result.scheduled, 30);
  assert.is(result.completed, 30);
  assert.is(result.dropped, 0);
  // no timer while iterations came due every 0.1 ms (at most one for the end of the duration)
  assert.ok(clock.sleeps.length <= 1, `timers: ${clock.sleeps}`);
  // a hold ends 0.3 ms after the last one did (the target sets no slots), the last one when the last iteration is
  // due; the iterations due by then start together
  const holds = clock.holds;
  assert.ok(holds.length >= 9, `holds: ${holds}`);
  for (let k = 1; k < holds.length - 1; k++) assert.ok(Math.abs(holds[k]! - holds[k - 1]! - 0.3) < 1e-9, `${holds}`);
  assert.ok(Math.abs(holds.at(-1)! - 2.9) < 1e-9, `${holds}`);
  const batches = new Set(starts.map((s) => s.at));
  assert.ok(batches.size <= clock.holds.length + 1 && batches.size < 15, `${batches.size} batches`);
  // three a batch (four where a due time and a hold's end round apart): a 0.6 ms hold started six
  assert.ok(Math.max(...sizes(starts)) <= 4, `batches ${sizes(starts)}`);
  for (const s of starts) assert.ok(s.at >= s.intended && s.at - s.intended <= 0.3 + 1e-9, JSON.stringify(s));
});

/** how many iterations started together, batch by batch */
function sizes(starts: { at: number }[]): number[] {
  const n = new Map<number, number>();
  for (const s of starts) n.set(s.at, (n.get(s.at) ?? 0) + 1);
  return [...n.values()];
}

test("a held tick gathers no more than 0.6 of the target's slots, so each batch finds them free", async () => {
  // 100 iterations a ms on 10 slots: a 0.3 ms hold would gather 30 at once
  const { clock, starts, result } = await run(true, 10);
  assert.is(result.scheduled, 30);
  const fast = await run(true, 10, 100);
  assert.is(fast.result.scheduled, 300);
  assert.is(fast.result.completed, 300);
  assert.is(fast.result.dropped, 0);
  const each = sizes(fast.starts);
  assert.ok(Math.max(...each) <= 6, `batches ${each}`);
  assert.ok(each.length >= 50, `${each.length} batches`);
  // a hold ends when the sixth iteration from the next is due: never after it
  for (const s of fast.starts) assert.ok(s.at >= s.intended && s.at - s.intended <= 0.05 + 1e-9, JSON.stringify(s));
  // at 10 a ms 6 come due in 0.5 ms, after the 0.3 ms bound: the slots do not shorten those holds
  assert.ok(Math.max(...sizes(starts)) <= 4 && clock.holds.length >= 9, `${sizes(starts)}; holds ${clock.holds}`);
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

test('the http target has a slot for each request it may have on the wire: connections × pipelining', () => {
  assert.is(create({ type: 'http', url: 'http://127.0.0.1:1/' }).slots, 100);
  assert.is(create({ type: 'http', url: 'http://127.0.0.1:1/', connections: 7, pipelining: 3 }).slots, 21);
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
