import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { categoricalDriftStream } from '../../../generators/drift/categorical.ts';

test('the category mix changes at the drift and the truth records it', () => {
  const s = categoricalDriftStream({
    seed: 1,
    n: 20000,
    categories: ['a', 'b'],
    weights: [9, 1],
    drifts: [{ at: 10000, weights: [1, 1] }],
  });
  const share = (a: number, b: number): number => s.values.slice(a, b).filter((v) => v === 1).length / (b - a);
  assert.ok(Math.abs(share(0, 10000) - 0.1) < 0.01);
  assert.ok(Math.abs(share(10000, 20000) - 0.5) < 0.02);
  assert.is(s.drifts[0]!.onset, 10000);
});

test('weights must match the categories', () => {
  assert.throws(() => categoricalDriftStream({ seed: 1, n: 10, categories: ['a'], weights: [1, 2] }), /weights/);
});

test.run();
