import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { RealClock, VirtualClock } from '../../../harness/executors/clock.ts';

test('the virtual clock wakes sleepers in time order and jumps straight to each', async () => {
  const c = new VirtualClock();
  const woke: [string, number][] = [];
  await Promise.all([
    c.sleepUntil(300).then(() => woke.push(['c', c.now()])),
    c.sleep(100).then(() => woke.push(['a', c.now()])),
    c.sleepUntil(200).then(() => woke.push(['b', c.now()])),
  ]);
  assert.equal(woke, [
    ['a', 100],
    ['b', 200],
    ['c', 300],
  ]);
});

test(
  'sleepers due at the same instant wake in the order they were registered, each finishing its work ' + 'first',
  async () => {
    const c = new VirtualClock();
    const log: string[] = [];
    const chain = async (name: string) => {
      await c.sleepUntil(50);
      log.push(`${name} woke`);
      await Promise.resolve();
      await Promise.resolve();
      log.push(`${name} done`);
    };
    await Promise.all([chain('first'), chain('second')]);
    assert.equal(log, ['first woke', 'first done', 'second woke', 'second done']);
  },
);

test('an aborted sleep resolves at once and does not move virtual time', async () => {
  const c = new VirtualClock();
  const ac = new AbortController();
  const p = c.sleepUntil(10_000, ac.signal);
  ac.abort();
  await p;
  assert.is(c.now(), 0);
  await c.sleep(5);
  assert.is(c.now(), 5);
});

test('sleeping until a time already past only yields', async () => {
  const c = new VirtualClock();
  await c.sleep(10);
  await c.sleepUntil(3);
  assert.is(c.now(), 10);
});

test('the real clock never wakes before the deadline', async () => {
  const c = new RealClock();
  for (const t of [0.2, 1, 3, 12]) {
    const deadline = c.now() + t;
    await c.sleepUntil(deadline);
    assert.ok(c.now() >= deadline);
  }
});

test('the real clock returns early when aborted', async () => {
  const c = new RealClock();
  const ac = new AbortController();
  setTimeout(() => ac.abort(), 5);
  await c.sleepUntil(c.now() + 60_000, ac.signal);
  assert.ok(c.now() < 60_000);
});

test.run();
