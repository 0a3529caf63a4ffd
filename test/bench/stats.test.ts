/** The benches' shared statistics (bench/stats.ts). */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { median } from '../../bench/stats.ts';

test('median: the middle value, the mean of the middle two for an even count, NaN for none', () => {
  assert.is(median([3, 1, 2]), 2);
  assert.is(median([4, 1, 3, 2]), 2.5);
  assert.is(median([7]), 7);
  assert.is(median([10, 2]), 6, 'sorted by value, not as strings');
  assert.ok(Number.isNaN(median([])));
});

test('median: leaves its input as it was', () => {
  const xs = [3, 1, 2];
  median(xs);
  assert.equal(xs, [3, 1, 2]);
});

test.run();
