import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { proportionsZTest } from '../../../../pipeline/drift/batch/ztest.ts';

test('hand-worked: 0.5 vs 0.25 ones in 100 each', () => {
  const ref = [...Array(50).fill(0), ...Array(50).fill(1)];
  const cur = [...Array(75).fill(0), ...Array(25).fill(1)];
  const P = 0.375;
  const z = 0.25 / Math.sqrt(P * (1 - P) * (2 / 100));
  const r = proportionsZTest(ref, cur);
  assert.ok(Math.abs(r.statistic - z) < 1e-12);
  assert.ok(r.pvalue < 0.001);
});

test('one identical value on both sides is p = 1', () => {
  assert.is(proportionsZTest(['x', 'x'], ['x']).pvalue, 1);
});

test.run();
