import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { MinHeap } from '../../generators/heap.ts';
import { Rng } from '../../generators/rng.ts';

test('pops in order of the given less, ties in insertion order when less says so', () => {
  let seq = 0;
  const h = new MinHeap<{ k: number; s: number }>((a, b) => a.k < b.k || (a.k === b.k && a.s < b.s));
  const r = new Rng(5);
  const all = Array.from({ length: 2000 }, () => ({ k: r.int(50), s: seq++ }));
  for (const x of all) h.push(x);
  assert.is(h.size, 2000);
  const out: { k: number; s: number }[] = [];
  for (let x = h.pop(); x; x = h.pop()) out.push(x);
  const want = [...all].sort((a, b) => a.k - b.k || a.s - b.s);
  assert.equal(out, want);
  assert.is(h.pop(), undefined);
  assert.is(h.peek(), undefined);
});

test.run();
