import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Rng } from '../../generators/rng.ts';
import { ActiveDraws, UserPopulation, MerchantPopulation } from '../../generators/population.ts';
import { AliasTable, aliasColumns, zipfPmf } from '../../generators/zipf.ts';
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

/** u in [0, 1) */
const clamp = (u: number): number => Math.min(Math.max(u, 0), 1 - 2 ** -53);
/** an Rng whose next() gives these values in turn (draws probed at chosen points) */
const scripted = (us: number[]): Rng => {
  let k = 0;
  return { next: () => us[k++ % us.length] } as unknown as Rng;
};

for (const [n, s] of [
  [2000, 1.1],
  [50_000, 0.8],
  [3, 2],
  [1, 1],
] as const) {
  test(`active draws of ${n} entities (zipf ${s}) are those of an AliasTable of the same weights, bit for bit`, () => {
    const pop = new MerchantPopulation({ size: n, zipf: s, seed: 1 });
    const w = new Float64Array(n);
    for (let r = 1; r <= n; r++) w[pop.indexOfRank(r)] = r ** -s;
    const table = new AliasTable(w);
    const a = new Rng(3),
      b = new Rng(3);
    for (let i = 0; i < 100_000; i++) assert.is(pop.sampleActive(a), table.sample(b));
    // at and next to every column's exact threshold, where the packed 12 bits cannot decide
    const { prob } = aliasColumns(w);
    const probes: number[] = [];
    for (let i = 0; i < Math.min(n, 3000); i++)
      for (const d of [-1e-12, 0, 1e-12, 2 ** -12]) probes.push(clamp((i + prob[i]! + d) / n));
    const pa = scripted(probes),
      pb = scripted(probes);
    for (let k = 0; k < probes.length; k++) assert.is(pop.sampleActive(pa), table.sample(pb), `probe ${k}`);
    const ahead = new ActiveDraws(pop, scripted(probes)),
      pc = scripted(probes);
    for (let k = 0; k < probes.length; k++) assert.is(pop.indexOf(ahead.next()), table.sample(pc), `ahead, probe ${k}`);
    for (let k = 0; k < Math.min(n, 5000); k++) assert.is(pop.slotOf(pop.indexOf(k)), k);
  });
}

test('slots are ranks − 1, and the accessors by slot and by index agree', () => {
  for (const [n, s, method] of [
    [10_000, 1, undefined],
    [5000, 0, undefined],
    [3000, 1.2, 'rejection-inversion'],
  ] as const) {
    const pop = new UserPopulation({ size: n, zipf: s, seed: 2, method });
    const a = new Rng(9),
      b = new Rng(9);
    for (let i = 0; i < 1000; i++) assert.is(pop.indexOf(pop.activeSlot(a)), pop.sampleActive(b));
    for (let i = 0; i < 1000; i++) assert.is(pop.activeId(a), pop.id(pop.sampleActive(b)));
    assert.is(pop.indexOf(4), pop.indexOfRank(5));
    assert.is(pop.idAt(pop.slotOf(17)), pop.id(17));
    assert.is(pop.homeAt(pop.slotOf(17)), pop.homeCountry(17));
    assert.is(pop.primaryAt(pop.slotOf(17)), 'd17-0');
  }
});

test('ActiveDraws gives activeSlot(rng) call by call', () => {
  for (const [n, s, method] of [
    [10_000, 1, undefined],
    [5000, 0, undefined],
    [3000, 1.2, 'rejection-inversion'],
    [1, 1, undefined],
  ] as const) {
    const pop = new UserPopulation({ size: n, zipf: s, seed: 2, method });
    const draws = new ActiveDraws(pop, new Rng(9));
    const r = new Rng(9);
    for (let i = 0; i < 1000; i++) assert.is(draws.next(), pop.activeSlot(r));
  }
});

test('notes sit beside the ids by slot and leave ids and devices alone', () => {
  const u = new UserPopulation({ size: 100, zipf: 1, seed: 3 }, 1);
  const m = new MerchantPopulation({ size: 100, zipf: 1, seed: 3 }, 'm', 1);
  assert.is(u.noteAt(5, 2), undefined);
  u.setNote(5, 2, 'x');
  m.setNote(5, 1, 'y');
  assert.is(u.noteAt(5, 2), 'x');
  assert.is(m.noteAt(5, 1), 'y');
  assert.is(u.idAt(5), `u${u.indexOf(5)}`);
  assert.is(u.primaryAt(5), `d${u.indexOf(5)}-0`);
  assert.is(m.idAt(5), `m${m.indexOf(5)}`);
  assert.is(u.noteAt(6, 2), undefined);
  const big = new MerchantPopulation({ size: (1 << 21) + 1, zipf: 0, seed: 3 }, 'm', 1);
  big.setNote(5, 1, 'z');
  assert.is(big.noteAt(5, 1), undefined);
  assert.is(big.cached, false);
});

test.run();
