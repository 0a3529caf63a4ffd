import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Rng } from '../../generators/rng.ts';
import { UserPopulation, MerchantPopulation } from '../../generators/population.ts';
import { zipfPmf } from '../../generators/zipf.ts';
import { chiSquare } from '../helpers/stats.ts';

for (const method of ['alias', 'rejection-inversion'] as const) {
  test(`active ${method} draws follow Zipf by rank through the id permutation (chi-square)`, () => {
    const n = 2000,
      s = 1.1;
    const pop = new MerchantPopulation({ size: n, zipf: s, seed: 1, method });
    const r = new Rng(31);
    const byIndex = new Float64Array(n);
    for (let i = 0; i < 200_000; i++) byIndex[pop.sampleActive(r)]!++;
    const byRank = Float64Array.from({ length: n }, (_, k) => byIndex[pop.indexOfRank(k + 1)]!);
    const fit = chiSquare(byRank, zipfPmf(n, s).subarray(1));
    assert.ok(fit.p > 0.001, `p = ${fit.p}`);
    assert.ok(chiSquare(byRank, zipfPmf(n, 1.15).subarray(1)).p < 1e-6);
  });
}

test('the rank → index permutation is a bijection that spreads hot keys', () => {
  const pop = new MerchantPopulation({ size: 10_000, zipf: 1, seed: 1 });
  const seen = new Set<number>();
  for (let r = 1; r <= 10_000; r++) seen.add(pop.indexOfRank(r));
  assert.is(seen.size, 10_000);
  assert.ok(pop.indexOfRank(2) > 100, 'the second hottest key is not next to the first');
});

test('user attributes depend on seed and index only, not on the order of access', () => {
  const a = new UserPopulation({ size: 1000, zipf: 1, seed: 5 });
  const b = new UserPopulation({ size: 1000, zipf: 1, seed: 5 });
  const c = new UserPopulation({ size: 1000, zipf: 1, seed: 6 });
  const ids = [999, 3, 500, 0];
  const attrs = (p: UserPopulation, i: number) => [p.homeCountry(i), p.spendMu(i), p.spendSigma(i), p.deviceCount(i)];
  const first = ids.map((i) => attrs(a, i));
  const reversed = [...ids]
    .reverse()
    .map((i) => attrs(b, i))
    .reverse();
  assert.equal(first, reversed);
  assert.not.equal(
    ids.map((i) => attrs(c, i)),
    first,
  );
});

test('ids are the prefix and the index', () => {
  assert.is(new UserPopulation({ size: 10, zipf: 1, seed: 1 }).id(7), 'u7');
  assert.is(new MerchantPopulation({ size: 10, zipf: 1, seed: 1 }).id(7), 'm7');
});

test.run();
