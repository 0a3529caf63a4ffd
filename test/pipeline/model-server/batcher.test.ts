import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { MicroBatcher, type Timers } from '../../../pipeline/model-server/batcher.ts';

/** virtual timers: nothing fires until advance() */
function virtualTimers() {
  let now = 0;
  let seq = 0;
  const pending = new Map<number, { at: number; fn: () => void }>();
  const timers: Timers = {
    setTimeout: (fn, ms) => {
      pending.set(++seq, { at: now + ms, fn });
      return seq;
    },
    clearTimeout: (h) => void pending.delete(h as number),
  };
  return {
    timers,
    advance(ms: number) {
      now += ms;
      for (const [id, t] of [...pending].sort((a, b) => a[1].at - b[1].at)) {
        if (t.at > now) continue;
        pending.delete(id);
        t.fn();
      }
    },
    get pending() {
      return pending.size;
    },
  };
}
const tick = () => new Promise((r) => setImmediate(r));

test('a full batch of 32 flushes at once, without waiting', async () => {
  const vt = virtualTimers();
  const sizes: string[] = [];
  const b = new MicroBatcher<number, number>({
    timers: vt.timers,
    run: (xs) => xs.map((x) => x * 2),
    onBatch: (n, why) => sizes.push(`${n}:${why}`),
  });
  const out = Promise.all(Array.from({ length: 32 }, (_, i) => b.submit(i)));
  assert.equal(sizes, ['32:full']);
  assert.equal((await out).slice(0, 3), [0, 2, 4]);
  assert.is(vt.pending, 0);
});

test('100 requests form batches of at most 32, the remainder flushes on max wait', async () => {
  const vt = virtualTimers();
  const sizes: string[] = [];
  const b = new MicroBatcher<number, number>({
    timers: vt.timers,
    maxWaitMs: 5,
    run: (xs) => xs,
    onBatch: (n, why) => sizes.push(`${n}:${why}`),
  });
  const all = Promise.all(Array.from({ length: 100 }, (_, i) => b.submit(i)));
  assert.equal(sizes, ['32:full', '32:full', '32:full']);
  vt.advance(4);
  assert.is(sizes.length, 3, 'the last 4 wait for max wait');
  vt.advance(1);
  assert.equal(sizes, ['32:full', '32:full', '32:full', '4:wait']);
  const out = await all;
  assert.equal(
    out,
    Array.from({ length: 100 }, (_, i) => i),
  );
});

test('a single request is not held longer than max wait', async () => {
  const vt = virtualTimers();
  const b = new MicroBatcher<number, string>({ timers: vt.timers, maxWaitMs: 5, run: (xs) => xs.map(String) });
  let done = false;
  const p = b.submit(7).then((v) => {
    done = true;
    return v;
  });
  await tick();
  assert.is(done, false);
  vt.advance(5);
  assert.is(await p, '7');
});

test('the max wait counts from the oldest request, not the newest', async () => {
  const vt = virtualTimers();
  const sizes: number[] = [];
  const b = new MicroBatcher<number, number>({
    timers: vt.timers,
    maxWaitMs: 5,
    run: (xs) => xs,
    onBatch: (n) => sizes.push(n),
  });
  void b.submit(1);
  vt.advance(3);
  void b.submit(2);
  vt.advance(2);
  assert.equal(sizes, [2]);
});

test('a failing batch rejects every request in it', async () => {
  const b = new MicroBatcher<number, number>({ maxBatch: 2, run: () => Promise.reject(new Error('boom')) });
  const rs = await Promise.allSettled([b.submit(1), b.submit(2)]);
  assert.equal(
    rs.map((r) => r.status),
    ['rejected', 'rejected'],
  );
});

test.run();
