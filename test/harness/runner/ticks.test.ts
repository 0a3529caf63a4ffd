/**
 * The runner's once-a-second loop waits for the executors' end without leaving anything on it per
 * tick: it raced their `all` promise each tick, and each race added a reaction to that promise,
 * which settles only at the end, so a 30-minute soak kept 1,800 of them. Counts on a virtual clock.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { VirtualClock } from '../../../harness/executors/clock.ts';
import { newLiveStats } from '../../../harness/executors/types.ts';
import { superviseRun, type TickDeps } from '../../../harness/runner/ticks.ts';

/** promises that count the reactions added to them and to the promises derived from them (then, catch, finally) */
class Counted extends Promise<number> {
  static reactions = 0;
  // biome-ignore lint/suspicious/noThenProperty: counting the reactions is the point
  override then<A = number, B = never>(
    ok?: ((v: number) => A | PromiseLike<A>) | null,
    no?: ((e: unknown) => B | PromiseLike<B>) | null,
  ): Promise<A | B> {
    Counted.reactions++;
    return super.then(ok, no);
  }
}

function deps(clock: VirtualClock, all: Promise<unknown>, ticks: number[]): TickDeps {
  const registry = { gauge: () => ({ set: () => {} }), window: () => undefined, retainWindow: () => {} };
  return {
    scenario: { name: 't', seed: 1, warmupMs: 0 },
    plan: { totalMs: 600_000 },
    clock,
    tickMs: 1000,
    registry,
    thresholds: { check: () => undefined },
    lives: [newLiveStats()],
    all,
    stop: new AbortController().signal,
    abortByThreshold: () => {},
    onProgress: (p: { elapsedMs: number }) => ticks.push(p.elapsedMs),
  } as unknown as TickDeps;
}

test('600 ticks add no reaction each to the executors’ end; the end still stops the loop', async () => {
  const clock = new VirtualClock();
  Counted.reactions = 0;
  const all = new Counted((resolve) => void clock.sleepUntil(600_500).then(() => resolve(0)));
  const ticks: number[] = [];
  const endMs = await superviseRun(deps(clock, all, ticks));
  assert.is(ticks.length, 600);
  assert.is(endMs, 600_500);
  assert.ok(Counted.reactions <= 5, `a few, not one a tick: reactions on the executors' end: ${Counted.reactions}`);
});

test('an executor failure still ends the loop with its error', async () => {
  const clock = new VirtualClock();
  const all = new Promise<void>((_, reject) => void clock.sleepUntil(3500).then(() => reject(new Error('boom'))));
  const ticks: number[] = [];
  try {
    await superviseRun(deps(clock, all, ticks));
    assert.unreachable('should have thrown');
  } catch (e) {
    assert.is((e as Error).message, 'boom');
  }
  assert.is(ticks.length, 3);
});

test.run();
