import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { chiSquare, chiSquareGoodnessOfFit } from '../../../../pipeline/drift/batch/chisquare.ts';

test('hand-worked: observed 30/10 against expected 20/20 gives χ² = 10 on 1 df, p = erfc(sqrt(5))', () => {
  const r = chiSquareGoodnessOfFit([30, 10], [20, 20]);
  assert.is(r.statistic, 10);
  assert.is(r.df, 1);
  assert.ok(Math.abs(r.pvalue - 0.0015654022580025018) / 0.0015654022580025018 < 1e-12);
});

test('expected counts are reference counts scaled to the current size (Evidently)', () => {
  // ref a:2 b:2 (n=4), cur a:6 b:2 (n=8) → expected 4/4 → χ² = (2² + 2²)/4 = 2
  assert.is(chiSquare(['a', 'a', 'b', 'b'], ['a', 'a', 'a', 'a', 'a', 'a', 'b', 'b']).statistic, 2);
});

test('a category unseen in the reference gives χ² = ∞ and p = 0, as scipy does', () => {
  const r = chiSquare(['a', 'b'], ['a', 'c']);
  assert.is(r.statistic, Infinity);
  assert.is(r.pvalue, 0);
});

test.run();
