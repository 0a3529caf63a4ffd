import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { psi, psiFromShares } from '../../../../pipeline/drift/batch/psi.ts';

test('hand-worked: shares 0.5/0.5 vs 0.25/0.75 give 0.25·ln2 + (−0.25)·ln(2/3)', () => {
  const expected = 0.25 * Math.log(2) - 0.25 * Math.log(2 / 3);
  assert.ok(Math.abs(psiFromShares([0.5, 0.5], [0.25, 0.75]) - expected) < 1e-15);
});

test('categorical PSI uses one bin per value and fills an empty bin with 0.0001', () => {
  const r = psi(['a', 'a', 'b', 'b'], ['a', 'a', 'a', 'a']);
  assert.is(r.shares.binning, 'categories');
  assert.equal(r.shares.current, [1, 0.0001]);
  const expected = (0.5 - 1) * Math.log(0.5 / 1) + (0.5 - 0.0001) * Math.log(0.5 / 0.0001);
  assert.ok(Math.abs(r.statistic - expected) < 1e-12);
});

test('numeric with ≤ 20 distinct reference values is binned per value, above that by sturges edges', () => {
  assert.is(psi([1, 2, 3, 1], [1, 2, 2, 3]).shares.binning, 'categories');
  const many = Array.from({ length: 100 }, (_, i) => i);
  const r = psi(many, many);
  assert.is(r.shares.binning, 'sturges');
  assert.is(r.statistic, 0);
  assert.is(psi(many, many, { binning: 'quantile' }).shares.binning, 'quantile');
});

test.run();
