import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { numericDriftStream } from '../../../generators/drift/univariate.ts';

const mean = (v: Float64Array, a: number, b: number): number => v.slice(a, b).reduce((x, y) => x + y, 0) / (b - a);

test('several drifts of different shapes in one stream, with their truth', () => {
  const s = numericDriftStream({
    seed: 1,
    n: 10000,
    drifts: [
      { shape: 'sudden', at: 2000, mean: 3 },
      { shape: 'incremental', at: 4000, width: 1000, mean: 0 },
      { shape: 'recurring', at: 6000, duration: 1000, mean: 5 },
      { shape: 'gradual', at: 8500, width: 400, sd: 3 },
    ],
  });
  assert.ok(Math.abs(mean(s.values, 0, 2000)) < 0.1);
  assert.ok(Math.abs(mean(s.values, 2000, 4000) - 3) < 0.1);
  assert.ok(Math.abs(mean(s.values, 4400, 4600) - 1.5) < 0.3);
  assert.ok(Math.abs(mean(s.values, 5000, 6000)) < 0.1);
  assert.ok(Math.abs(mean(s.values, 6000, 7000) - 5) < 0.1);
  assert.ok(Math.abs(mean(s.values, 7000, 8000)) < 0.1);
  assert.equal(
    s.drifts.map((d) => [d.onset, d.end, d.shape]),
    [
      [2000, 2000, 'sudden'],
      [4000, 5000, 'incremental'],
      [6000, 6000, 'recurring'],
      [7000, 7000, 'recurring'],
      [8300, 8700, 'gradual'],
    ],
  );
});

test('the same seed gives the same values', () => {
  const a = numericDriftStream({ seed: 9, n: 100, drifts: [{ shape: 'gradual', at: 50, width: 20, mean: 1 }] });
  const b = numericDriftStream({ seed: 9, n: 100, drifts: [{ shape: 'gradual', at: 50, width: 20, mean: 1 }] });
  assert.equal([...a.values], [...b.values]);
});

test.run();
