import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ZipfKeys, partitionOf } from '../../../harness/sim/keys.ts';
import { Rng } from '../../../generators/rng.ts';

test('Zipf keys: key 0 is hottest, with its share 1/H(n, s)', () => {
  const n = 100, s = 1.0;
  let H = 0;
  for (let i = 1; i <= n; i++) H += 1 / i ** s;
  const z = new ZipfKeys(n, s), r = new Rng(1);
  const counts = new Array(n).fill(0);
  const N = 200_000;
  for (let i = 0; i < N; i++) counts[z.sample(r)]++;
  assert.ok(Math.abs(counts[0] / N - 1 / H) < 0.005);
  assert.ok(Math.abs(counts[9] / N - 1 / (10 * H)) < 0.002);
});

test('s = 0 is uniform and partitionOf spreads keys over every partition', () => {
  const z = new ZipfKeys(10, 0), r = new Rng(2);
  const c = new Array(10).fill(0);
  for (let i = 0; i < 100_000; i++) c[z.sample(r)]++;
  for (const x of c) assert.ok(Math.abs(x / 100_000 - 0.1) < 0.005);
  const seen = new Set<number>();
  for (let k = 0; k < 1000; k++) seen.add(partitionOf(k, 12));
  assert.is(seen.size, 12);
});

test.run();
