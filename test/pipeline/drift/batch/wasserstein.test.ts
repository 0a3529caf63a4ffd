import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { wasserstein1, wassersteinNormed, stdDdof0 } from '../../../../pipeline/drift/batch/wasserstein.ts';

test('hand-worked: shifting a sample by c moves W1 by exactly c', () => {
  assert.is(wasserstein1([0, 1, 3], [2, 3, 5]), 2);
  assert.is(wasserstein1([0, 1], [0, 1]), 0);
});

test('hand-worked: [0] vs [0, 1] is 0.5 (half the mass moves by 1)', () => {
  assert.is(wasserstein1([0], [0, 1]), 0.5);
});

test("Evidently's norm: W1 / max(std_ref, 0.001), so a constant reference divides by 0.001", () => {
  assert.is(stdDdof0([1, 3]), 1);
  assert.is(wassersteinNormed([1, 3], [2, 4]).normed, 1);
  assert.ok(Math.abs(wassersteinNormed([5, 5, 5], [5, 5, 5.001]).normed - 0.3333333333) < 1e-6);
});

test.run();
