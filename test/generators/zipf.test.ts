import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Rng } from '../../generators/rng.ts';
import { AliasTable, createZipf, zipfPmf, type ZipfMethod } from '../../generators/zipf.ts';
import { chiSquare } from '../helpers/stats.ts';

function histogram(n: number, s: number, method: ZipfMethod, draws: number, seed: number): Float64Array {
  const z = createZipf(n, s, method);
  const r = new Rng(seed);
  const h = new Float64Array(n + 1);
  for (let i = 0; i < draws; i++) {
    const k = z.sample(r);
    assert.ok(k >= 1 && k <= n);
    h[k]!++;
  }
  return h;
}

for (const method of ['alias', 'rejection-inversion'] as const) {
  for (const s of [0.8, 1.0, 1.3]) {
    test(`${method} samples of Zipf(1000, ${s}) fit the exact pmf (chi-square p > 0.001)`, () => {
      const h = histogram(1000, s, method, 200_000, 12345);
      const fit = chiSquare(h.subarray(1), zipfPmf(1000, s).subarray(1));
      assert.ok(fit.p > 0.001, `p = ${fit.p}, stat ${fit.stat} on ${fit.dof} dof`);
    });
  }

  test(`the ${method} goodness-of-fit test rejects a wrong exponent (1.1 vs 1.15)`, () => {
    const h = histogram(1000, 1.1, method, 200_000, 777);
    assert.ok(chiSquare(h.subarray(1), zipfPmf(1000, 1.1).subarray(1)).p > 0.001);
    const wrong = chiSquare(h.subarray(1), zipfPmf(1000, 1.15).subarray(1));
    assert.ok(wrong.p < 1e-6, `wrong exponent not rejected: p = ${wrong.p}`);
  });
}

test('rejection-inversion handles a population too large for a table', () => {
  const z = createZipf(50_000_000, 1.05);
  assert.is(z.method, 'rejection-inversion');
  const r = new Rng(5);
  let ones = 0;
  const draws = 100_000;
  for (let i = 0; i < draws; i++) if (z.sample(r) === 1) ones++;
  // P(1) = 1 / H(n, s); H(5e7, 1.05) computed by the integral bound is ≈ 14.1
  let h = 0;
  for (let k = 1; k <= 1_000_000; k++) h += k ** -1.05;
  h += (1_000_000.5 ** -0.05 - 50_000_000.5 ** -0.05) / 0.05;
  const p1 = 1 / h,
    sd = Math.sqrt((p1 * (1 - p1)) / draws);
  assert.ok(Math.abs(ones / draws - p1) < 5 * sd, `share of rank 1 ${ones / draws} vs ${p1}`);
});

test('s = 0 gives uniform ranks', () => {
  const h = histogram(100, 0, 'alias', 50_000, 3);
  const fit = chiSquare(h.subarray(1), new Float64Array(100).fill(0.01));
  assert.ok(fit.p > 0.001);
});

test('bad parameters throw', () => {
  assert.throws(() => createZipf(0, 1));
  assert.throws(() => createZipf(10, -1));
  assert.throws(() => createZipf(10, NaN));
});

/** Vose's table with float64 thresholds, as AliasTable built it before columns were packed */
function referenceAlias(weights: number[]): { draw: (u: number) => number; prob: Float64Array } {
  const n = weights.length;
  const total = weights.reduce((a, b) => a + b, 0);
  const prob = new Float64Array(n);
  const alias = Int32Array.from({ length: n }, (_, i) => i);
  const scaled = weights.map((w) => (w / total) * n);
  const small: number[] = [],
    large: number[] = [];
  for (let i = 0; i < n; i++) (scaled[i]! < 1 ? small : large).push(i);
  while (small.length && large.length) {
    const l = small.pop()!,
      g = large.pop()!;
    prob[l] = scaled[l]!;
    alias[l] = g;
    scaled[g] = scaled[g]! + scaled[l]! - 1;
    (scaled[g]! < 1 ? small : large).push(g);
  }
  for (const i of [...large, ...small]) prob[i] = 1;
  const draw = (u: number) => {
    const x = u * n;
    const i = x | 0;
    return x - i < prob[i]! ? i : alias[i]!;
  };
  return { draw, prob };
}

test('the packed alias table draws what the float64 table draws, near its thresholds too', () => {
  const r = new Rng(21);
  for (const n of [1, 3, 17, 1000]) {
    const weights = Array.from({ length: n }, () => r.lognormal(0, 2));
    const table = new AliasTable(weights);
    const { draw: ref, prob } = referenceAlias(weights);
    let u = 0;
    const src = { next: () => u };
    for (let k = 0; k < 50_000; k++) {
      u = r.next();
      assert.is(table.sample(src), ref(u));
    }
    // fractions a hair either side of each column's float64 threshold, where float32 cannot decide
    let near = 0;
    for (let i = 0; i < n; i++)
      for (const eps of [0, 2 ** -45, -(2 ** -45), 2 ** -30, -(2 ** -30), 2 ** -25, -(2 ** -25), 2 ** -23]) {
        u = Math.min(Math.max((i + prob[i]! + eps) / n, 0), 1 - 2 ** -53);
        if (u * n - i !== prob[i]) near++;
        assert.is(table.sample(src), ref(u), `column ${i}, threshold ${prob[i]} + ${eps}`);
      }
    assert.ok(near > 0);
  }
});

test.run();
