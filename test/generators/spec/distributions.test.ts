/**
 * The distributions a spec promises, checked on fixed seeds: chi-square goodness of fit on
 * binned draws (p > 0.001), and shares within 4 standard errors. Counts, never timings.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import jStat from 'jstat';
import { MerchantPopulation } from '../../../generators/population.ts';
import { Rng } from '../../../generators/rng.ts';
import { compileSpec } from '../../../generators/spec/compile.ts';
import { sampler } from '../../../generators/spec/numbers.ts';
import type { FieldSpec, NumberField } from '../../../generators/spec/types.ts';
import { zipfPmf } from '../../../generators/zipf.ts';
import { chiSquare } from '../../helpers/stats.ts';

const N = 40_000;

/** n values of one field */
function draws(f: FieldSpec, n = N, seed = 1, entities?: Record<string, { count: number; zipf?: number }>): unknown[] {
  const s = compileSpec({ ...(entities ? { entities } : {}), fields: { v: f } }).create({ seed });
  return s.take(n).map((e) => (e as { v: unknown }).v);
}
const nums = (f: FieldSpec, n = N, seed = 1) => draws(f, n, seed) as number[];

/** chi-square of continuous draws against a CDF over `bins` equal-probability-ish bins between lo and hi */
function fitCdf(xs: number[], cdf: (x: number) => number, lo: number, hi: number, bins = 40): number {
  const edges = Array.from({ length: bins + 1 }, (_, i) => lo + ((hi - lo) * i) / bins);
  const obs = new Float64Array(bins + 2);
  const probs = new Float64Array(bins + 2);
  for (const x of xs) {
    const i = x < lo ? 0 : x >= hi ? bins + 1 : 1 + Math.floor(((x - lo) / (hi - lo)) * bins);
    obs[i]!++;
  }
  probs[0] = cdf(lo);
  for (let i = 0; i < bins; i++) probs[i + 1] = cdf(edges[i + 1]!) - cdf(edges[i]!);
  probs[bins + 1] = 1 - cdf(hi);
  return chiSquare(obs, probs).p;
}
const share = (k: number, n: number, p: number) => Math.abs(k / n - p) < 4 * Math.sqrt((p * (1 - p)) / n);

test('uniform, normal, lognormal and exponential fit their distributions', () => {
  const u = nums({ type: 'uniform', min: -5, max: 15 });
  assert.ok(fitCdf(u, (x) => Math.min(1, Math.max(0, (x + 5) / 20)), -5, 15) > 0.001);
  const n = nums({ type: 'normal', mean: 100, sd: 15 });
  assert.ok(fitCdf(n, (x) => jStat.normal.cdf(x, 100, 15), 40, 160) > 0.001);
  const l = nums({ type: 'lognormal', mu: 2, sigma: 0.5 });
  assert.ok(fitCdf(l, (x) => (x <= 0 ? 0 : jStat.lognormal.cdf(x, 2, 0.5)), 0, 40) > 0.001);
  const e = nums({ type: 'exponential', mean: 250 });
  assert.ok(fitCdf(e, (x) => (x <= 0 ? 0 : jStat.exponential.cdf(x, 1 / 250)), 0, 1500) > 0.001);
});

test('the fit test rejects a wrong parameter (normal sd 15 read as 16)', () => {
  const n = nums({ type: 'normal', mean: 100, sd: 15 });
  assert.ok(fitCdf(n, (x) => jStat.normal.cdf(x, 100, 16), 40, 160) < 1e-6);
});

test('bounds clamp (mass at the bound) or resample (none, the truncated shape)', () => {
  const clamped = nums({ type: 'normal', mean: 0, sd: 1, min: 0 });
  const atZero = clamped.filter((x) => x === 0).length;
  assert.ok(share(atZero, N, 0.5), `clamped share at 0: ${atZero / N}`);
  assert.ok(clamped.every((x) => x >= 0));
  const resampled = nums({ type: 'normal', mean: 0, sd: 1, min: 0, max: 2, bounds: 'resample' });
  assert.ok(resampled.every((x) => x > 0 && x <= 2));
  const z = jStat.normal.cdf(2, 0, 1) - 0.5;
  assert.ok(fitCdf(resampled, (x) => (x <= 0 ? 0 : x >= 2 ? 1 : (jStat.normal.cdf(x, 0, 1) - 0.5) / z), 0, 2) > 0.001);
});

test('rounding gives the decimals asked for; round 0 gives integers', () => {
  for (const x of nums({ type: 'lognormal', mu: 3, sigma: 1, round: 2 }, 5000)) assert.is(Math.round(x * 100) / 100, x);
  assert.ok(nums({ type: 'exponential', mean: 7, round: 0 }, 5000).every(Number.isInteger));
});

test('int is uniform over [min, max], both ends included', () => {
  const xs = nums({ type: 'int', min: 3, max: 9 });
  const obs = new Float64Array(7);
  for (const x of xs) obs[x - 3]!++;
  assert.ok(chiSquare(obs, new Float64Array(7).fill(1 / 7)).p > 0.001);
  assert.ok(obs.every((c) => c > 0));
});

test('weighted choices follow their weights, in both forms', () => {
  const xs = draws({ type: 'choice', values: { paid: 90, pending: 8, failed: 2 } }) as string[];
  const count = (v: string) => xs.filter((x) => x === v).length;
  assert.ok(chiSquare([count('paid'), count('pending'), count('failed')], [0.9, 0.08, 0.02]).p > 0.001);
  const ys = draws({ type: 'choice', values: [1, 2, 3], weights: [1, 0, 3] }) as number[];
  assert.is(ys.filter((y) => y === 2).length, 0);
  assert.ok(share(ys.filter((y) => y === 3).length, N, 0.75));
});

test('booleans and nulls come at their probabilities', () => {
  const b = draws({ type: 'boolean', p: 0.3 });
  assert.ok(share(b.filter((x) => x === true).length, N, 0.3));
  const n = draws({ type: 'uuid', nullRate: 0.12 });
  assert.ok(share(n.filter((x) => x === null).length, N, 0.12));
  assert.ok(n.every((x) => x === null || typeof x === 'string'));
});

test('keys over an entity population are Zipf-skewed by activity', () => {
  const count = 200,
    s = 1.1;
  const ids = draws({ type: 'key', entity: 'users' }, N, 3, { users: { count, zipf: s } }) as string[];
  const pop = new MerchantPopulation({ size: count, zipf: s, seed: 0 }, 'users-');
  const pmf = zipfPmf(count, s);
  const probs = new Float64Array(count);
  for (let r = 1; r <= count; r++) probs[pop.indexOfRank(r)] = pmf[r]!;
  const obs = new Float64Array(count);
  for (const id of ids) obs[Number(id.slice('users-'.length))]!++;
  assert.ok(chiSquare(obs, probs).p > 0.001);
  // the hottest key is a rank-1 share, far above uniform
  assert.ok(obs[pop.indexOfRank(1)]! / N > 10 / count);
  const uniform = draws({ type: 'key', entity: { count: 20, zipf: 0, prefix: 'k' } }) as string[];
  const u = new Float64Array(20);
  for (const id of uniform) u[Number(id.slice(1))]!++;
  assert.ok(chiSquare(u, new Float64Array(20).fill(0.05)).p > 0.001);
});

test('array lengths are uniform over { min, max }; timestamp offsets follow their distribution', () => {
  const lens = (draws({ type: 'array', items: 0, length: { min: 1, max: 4 } }) as unknown[][]).map((a) => a.length);
  const obs = [1, 2, 3, 4].map((k) => lens.filter((l) => l === k).length);
  assert.ok(chiSquare(obs, [0.25, 0.25, 0.25, 0.25]).p > 0.001);
  const s = compileSpec({
    fields: { t: { type: 'timestamp' }, o: { type: 'timestamp', offset: { type: 'uniform', min: -1000, max: 0 } } },
  }).create();
  const offs = (s.take(N) as { t: number; o: number }[]).map((e) => e.o - e.t);
  assert.ok(offs.every((d) => d >= -1000 && d <= 0 && Number.isInteger(d)));
  assert.ok(Math.abs(offs.reduce((a, b) => a + b, 0) / N + 500) < 10);
});

/** the sampler's values written as plain steps: draw, clamp to [min ?? -∞, max ?? ∞], round */
function reference(f: NumberField, r: Rng): () => number {
  const draw = {
    const: () => (f as { value: number }).value,
    uniform: () => (f as { min: number }).min + ((f as { max: number }).max - (f as { min: number }).min) * r.next(),
    normal: () => r.normal((f as { mean: number }).mean, (f as { sd: number }).sd),
    lognormal: () => Math.exp(r.normal((f as { mu: number }).mu, (f as { sigma: number }).sigma)),
    exponential: () => r.exponential(1 / (f as { mean: number }).mean),
  }[f.type];
  const bounded = f.type !== 'uniform' && (f.min !== undefined || f.max !== undefined);
  const lo = f.type === 'uniform' ? -Infinity : (f.min ?? -Infinity);
  const hi = f.type === 'uniform' ? Infinity : (f.max ?? Infinity);
  const p = f.round === undefined ? 1 : 10 ** f.round;
  return () => {
    let x = draw();
    if (bounded) x = Math.min(hi, Math.max(lo, x));
    return f.round === undefined ? x : f.round === 0 ? Math.round(x) : Math.round(x * p) / p;
  };
}

test('samplers (generated per field) give the values of drawing, clamping and rounding step by step', () => {
  const dists: NumberField[] = [
    { type: 'const', value: -0 },
    { type: 'uniform', min: -3, max: 3 },
    { type: 'normal', mean: 0, sd: 1 },
    { type: 'lognormal', mu: 1, sigma: 2 },
    { type: 'exponential', mean: 50 },
  ];
  const bounds = [{}, { min: 0 }, { max: 0.5 }, { min: -1, max: 1 }, { min: 2, max: 1e9 }];
  let cases = 0;
  for (const d of dists)
    for (const b of d.type === 'uniform' ? [{}] : bounds)
      for (const round of [undefined, 0, 2, 5]) {
        const f = { ...d, ...b, ...(round === undefined ? {} : { round }) } as NumberField;
        const got = sampler(f, new Rng(cases));
        const want = reference(f, new Rng(cases));
        for (let i = 0; i < 2000; i++) {
          const x = got(),
            y = want();
          if (!Object.is(x, y)) assert.unreachable(`${JSON.stringify(f)} draw ${i}: ${x} against ${y}`);
        }
        cases++;
      }
  assert.is(cases, 84);
});

test.run();
