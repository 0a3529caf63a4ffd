import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { jensenShannonDistance, jensenShannon } from '../../../../pipeline/drift/batch/jensen-shannon.ts';

test('hand-worked: disjoint distributions are at the maximum sqrt(ln 2)', () => {
  assert.ok(Math.abs(jensenShannonDistance([1, 0], [0, 1]) - Math.sqrt(Math.LN2)) < 1e-15);
});

test('identical distributions (after normalising) are at distance 0', () => {
  assert.is(jensenShannonDistance([1, 2, 3], [2, 4, 6]), 0);
  assert.is(jensenShannon(['a', 'b'], ['b', 'a']).statistic, 0);
});

test.run();
