import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Rng } from '../../generators/rng.ts';
import { createArrivals, type ArrivalSpecInput } from '../../generators/arrivals.ts';
import { PipelabError } from '../../errors.ts';
import { chiSquare, poissonPmf } from '../helpers/stats.ts';

/** event counts per interval of `widthMs` over `intervals` intervals */
function counts(spec: ArrivalSpecInput, seed: number, widthMs: number, intervals: number): number[] {
  const a = createArrivals(spec, new Rng(seed));
  const start = (spec as { startMs?: number }).startMs ?? 0;
  const c = new Array<number>(intervals).fill(0);
  let prev = -Infinity;
  for (;;) {
    const t = a.next();
    assert.ok(t >= prev, 'times are non-decreasing');
    assert.ok(t >= start, 'times start at startMs');
    prev = t;
    const i = Math.floor((t - start) / widthMs);
    if (i >= intervals) return c;
    c[i]!++;
  }
}

function poissonFit(c: number[], lambda: number) {
  const max = Math.max(...c) + 20;
  const hist = new Float64Array(max + 1);
  for (const x of c) hist[x]!++;
  const probs = Float64Array.from({ length: max + 1 }, (_, k) => poissonPmf(k, lambda));
  return chiSquare(hist, probs);
}

test('Poisson counts per second fit the Poisson(rate) distribution (chi-square p > 0.001)', () => {
  const c = counts({ kind: 'poisson', rate: 50 }, 2024, 1000, 4000);
  const fit = poissonFit(c, 50);
  assert.ok(fit.p > 0.001, `p = ${fit.p}`);
});

test('the Poisson goodness-of-fit test rejects a wrong rate (50 vs 52)', () => {
  const c = counts({ kind: 'poisson', rate: 50 }, 2024, 1000, 4000);
  const fit = poissonFit(c, 52);
  assert.ok(fit.p < 1e-6, `p = ${fit.p}`);
});

test('constant arrivals are evenly spaced from the start time', () => {
  const a = createArrivals({ kind: 'constant', rate: 200, startMs: 1000 }, new Rng(1));
  for (let i = 0; i < 1000; i++) assert.ok(Math.abs(a.next() - (1000 + 5 * i)) < 1e-9);
  assert.is(a.rateAt(123), 200);
});

test('ramp thinning yields Poisson counts matching the integral of the rate', () => {
  // 0 → 200/s over 100 s: expected 2500 in the first half, 7500 in the second, then 200/s
  const c = counts({ kind: 'ramp', from: 0, to: 200, durationMs: 100_000 }, 9, 50_000, 3);
  for (const [got, want] of [
    [c[0]!, 2500],
    [c[1]!, 7500],
    [c[2]!, 10_000],
  ] as const)
    assert.ok(Math.abs(got - want) < 4 * Math.sqrt(want), `${got} vs ${want}`);
  const a = createArrivals({ kind: 'ramp', from: 0, to: 200, durationMs: 100_000, startMs: 0 }, new Rng(1));
  assert.is(a.rateAt(50_000), 100);
  assert.is(a.rateAt(500_000), 200);
});

test('a spike raises the rate only inside its window', () => {
  const c = counts({ kind: 'spike', base: 100, peak: 1000, atMs: 10_000, durationMs: 10_000 }, 4, 10_000, 3);
  assert.ok(Math.abs(c[0]! - 1000) < 4 * Math.sqrt(1000), `${c[0]}`);
  assert.ok(Math.abs(c[1]! - 10_000) < 4 * Math.sqrt(10_000), `${c[1]}`);
  assert.ok(Math.abs(c[2]! - 1000) < 4 * Math.sqrt(1000), `${c[2]}`);
});

test('diurnal counts follow the cosine: peak quarter vs trough quarter', () => {
  // period 400 s, mean 100/s, amplitude 0.5, peak at 0: quarters around peak and trough
  const spec = { kind: 'diurnal', mean: 100, amplitude: 0.5, periodMs: 400_000, peakAtMs: 50_000 } as const;
  const c = counts(spec, 11, 100_000, 4);
  // ∫ over [0,100s] with peak at 50 s: 100·(100 + 0.5·(400/π)·2·sin(π/4)) ≈ 10000 + 4502
  const peak = 100 * (100 + 0.5 * (400 / (2 * Math.PI)) * 2 * Math.sin(Math.PI / 4));
  const trough = 100 * (100 - 0.5 * (400 / (2 * Math.PI)) * 2 * Math.sin(Math.PI / 4));
  assert.ok(Math.abs(c[0]! - peak) < 4 * Math.sqrt(peak), `${c[0]} vs ${peak}`);
  assert.ok(Math.abs(c[2]! - trough) < 4 * Math.sqrt(trough), `${c[2]} vs ${trough}`);
});

test('bursty (MMPP-2) events follow its realised state path, which rateAt reports', () => {
  const spec = { kind: 'bursty', low: 10, high: 500, meanLowMs: 5000, meanHighMs: 1000 } as const;
  const a = createArrivals(spec, new Rng(21));
  let inHigh = 0,
    inLow = 0;
  const n = 50_000;
  let last = 0;
  for (let i = 0; i < n; i++) {
    last = a.next();
    if (a.rateAt(last) === 500) inHigh++;
    else inLow++;
  }
  // time share of each state along the path, measured with rateAt on a grid
  let hiT = 0,
    loT = 0;
  for (let t = 0; t < last; t += 10) a.rateAt(t) === 500 ? hiT++ : loT++;
  const expectedHigh = (hiT * 500) / (hiT * 500 + loT * 10);
  assert.ok(Math.abs(inHigh / n - expectedHigh) < 0.02, `${inHigh / n} vs ${expectedHigh}`);
  assert.ok(hiT > 0 && loT > 0 && inLow > 0);
});

test('a ramp down to zero ends the process (Infinity), not an endless loop', () => {
  const a = createArrivals({ kind: 'ramp', from: 100, to: 0, durationMs: 10_000 }, new Rng(2));
  let n = 0;
  while (a.next() !== Infinity) n++;
  assert.ok(Math.abs(n - 500) < 4 * Math.sqrt(500), `${n}`);
});

test('a tall spike costs no thinning outside it: counts per piece are Poisson means', () => {
  // 1000× spike; with a global bound this would draw ~1000 candidates per event outside it
  const c = counts({ kind: 'spike', base: 10, peak: 10_000, atMs: 100_000, durationMs: 1000 }, 8, 100_000, 3);
  assert.ok(Math.abs(c[0]! - 1000) < 4 * Math.sqrt(1000), `${c[0]}`);
  assert.ok(Math.abs(c[1]! - 10_990) < 4 * Math.sqrt(10_990), `${c[1]}`);
});

test('the same seed gives the same times; another seed other times', () => {
  const take = (seed: number) => {
    const a = createArrivals({ kind: 'bursty', low: 10, high: 100, meanLowMs: 500, meanHighMs: 500 }, new Rng(seed));
    return Array.from({ length: 1000 }, () => a.next());
  };
  assert.equal(take(3), take(3));
  assert.not.equal(take(3), take(4));
});

test('bad specs are rejected naming the path', () => {
  for (const [spec, path] of [
    [{ kind: 'poisson', rate: -1 }, '/arrivals/rate'],
    [{ kind: 'warp', rate: 1 }, '/arrivals/kind'],
    [{ kind: 'ramp', from: 0, to: 0, durationMs: 10 }, '/arrivals/to'],
    [{ kind: 'diurnal', mean: 10, amplitude: 2 }, '/arrivals/amplitude'],
  ] as const) {
    try {
      createArrivals(spec as never, new Rng(1));
      assert.unreachable(`accepted ${JSON.stringify(spec)}`);
    } catch (e) {
      assert.instance(e, PipelabError);
      assert.is((e as PipelabError).code, 'INVALID_ARGUMENT');
      assert.ok(
        (e as PipelabError).issues.some((i) => i.path === path),
        JSON.stringify((e as PipelabError).issues),
      );
    }
  }
});

test.run();
