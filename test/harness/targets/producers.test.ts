/**
 * BatchAcks: the iterations of one producer batch share one outcome, and the batch settles its
 * records' books once, with every record's id and intended send time in send order.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { BatchAcks } from '../../../harness/targets/producers.ts';

function deferred(): { promise: Promise<boolean>; resolve: (ok: boolean) => void } {
  let resolve!: (ok: boolean) => void;
  const promise = new Promise<boolean>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

test('records of one batch share one outcome; each batch settles once with its ids and times', async () => {
  const settled: { ids: string[]; at: number[]; ok: boolean }[] = [];
  const acks = new BatchAcks((ids, at, ok) => settled.push({ ids: [...ids], at: [...at], ok }));
  const first = deferred();
  const second = deferred();
  const a = acks.track(first.promise, 'a', 1);
  const b = acks.track(first.promise, 'b', 2);
  const c = acks.track(second.promise, 'c', 3);
  assert.is(a, b);
  assert.is.not(a, c);
  second.resolve(false);
  first.resolve(true);
  assert.equal((await a).ok, true);
  assert.equal((await c).ok, false);
  assert.equal(
    settled.sort((x, y) => x.ids[0]!.localeCompare(y.ids[0]!)),
    [
      { ids: ['a', 'b'], at: [1, 2], ok: true },
      { ids: ['c'], at: [3], ok: false },
    ],
  );
});

test.run();
