import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ks2samp, ksExactPvalue } from '../../../../pipeline/drift/batch/ks.ts';

test('hand-worked: fully separated samples of 3 give D = 1 and p = 2/C(6,3) = 0.1', () => {
  const r = ks2samp([1, 2, 3], [4, 5, 6]);
  assert.is(r.statistic, 1);
  assert.ok(Math.abs(r.pvalue - 0.1) < 1e-15);
  assert.is(r.method, 'exact');
});

test('hand-worked: unequal sizes by path counting — [1,2] vs [3,4,5] gives p = 2/C(5,2) = 0.2', () => {
  assert.ok(Math.abs(ks2samp([1, 2], [3, 4, 5]).pvalue - 0.2) < 1e-15);
});

test('ties: ECDFs are right-continuous, so identical samples give D = 0, p = 1', () => {
  const r = ks2samp([1, 1, 2, 2], [2, 1, 2, 1]);
  assert.is(r.statistic, 0);
  assert.is(r.pvalue, 1);
});

test("'auto' switches to the asymptotic p-value above 10000 values", () => {
  const a = Array.from({ length: 10001 }, (_, i) => i);
  assert.is(ks2samp(a, a.slice(0, 50)).method, 'asymp');
  assert.is(ks2samp(a.slice(0, 10000), a.slice(0, 50)).method, 'exact');
});

test('the exact p-value rounds D to the lattice 1/lcm', () => {
  const r = ksExactPvalue(3, 3, 0.6666666666666);
  assert.is(r.d, 2 / 3);
});

test('empty samples are refused', () => {
  assert.throws(() => ks2samp([], [1]));
});

test.run();
