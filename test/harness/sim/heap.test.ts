import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { EventQueue } from '../../../harness/sim/heap.ts';
import { Rng } from '../../../generators/rng.ts';

test('pops events in time order, ties in push order, across growth of the arrays', () => {
  const q = new EventQueue(4);
  const r = new Rng(1);
  const pushed: [number, number][] = [];
  for (let i = 0; i < 5000; i++) {
    const t = Math.floor(r.next() * 100); // many ties
    q.push(t, i % 7, i);
    pushed.push([t, i]);
  }
  pushed.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  for (const [t, i] of pushed) {
    assert.ok(q.pop());
    assert.is(q.poppedTime, t);
    assert.is(q.poppedData, i);
    assert.is(q.poppedKind, i % 7);
  }
  assert.not.ok(q.pop());
  assert.is(q.peekTime(), Infinity);
});

test('interleaved pushes and pops keep the order', () => {
  const q = new EventQueue();
  q.push(5, 0, 1);
  q.push(3, 0, 2);
  q.pop();
  assert.is(q.poppedData, 2);
  q.push(4, 0, 3);
  q.push(5, 0, 4);
  const out: number[] = [];
  while (q.pop()) out.push(q.poppedData);
  assert.equal(out, [3, 1, 4]);
});

test.run();
