// Batch statistics against scipy/numpy values in test/fixtures/drift/reference.json (1e-9 relative).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { sample, num, closeRel, type SampleSpec } from '../../../helpers/drift-data.ts';
import { ks2samp, kolmogorovSf } from '../../../../pipeline/drift/batch/index.ts';
import { wassersteinNormed } from '../../../../pipeline/drift/batch/wasserstein.ts';
import { psi } from '../../../../pipeline/drift/batch/psi.ts';
import { jensenShannon, jensenShannonDistance } from '../../../../pipeline/drift/batch/jensen-shannon.ts';
import { chiSquare } from '../../../../pipeline/drift/batch/chisquare.ts';
import { proportionsZTest } from '../../../../pipeline/drift/batch/ztest.ts';
import { chi2Sf, normalCdf } from '../../../../pipeline/drift/batch/special.ts';

type Pair = { a: SampleSpec; b: SampleSpec };
const ref = JSON.parse(readFileSync(new URL('../../../fixtures/drift/reference.json', import.meta.url), 'utf8'));

function near(actual: number, expected: number | string, what: string): void {
  const e = num(expected);
  assert.ok(closeRel(actual, e), `${what}: got ${actual}, scipy ${e} (rel ${Math.abs(actual - e) / Math.abs(e)})`);
}

test('ks_2samp statistic and p-value match scipy, exact and asymptotic, with ties', () => {
  assert.ok(ref.ks2samp.length >= 15);
  for (const c of ref.ks2samp as Array<Pair & { statistic: number; pvalue: number; method: string }>) {
    const r = ks2samp(sample(c.a), sample(c.b));
    const what = `ks ${c.a.n}x${c.b.n}`;
    assert.is(r.method, c.method, what);
    near(r.statistic, c.statistic, `${what} D`);
    near(r.pvalue, c.pvalue, `${what} p`);
  }
});

test('kstwo.sf matches scipy across its sub-algorithms', () => {
  for (const c of ref.kstwoSf as Array<{ n: number; d: number; sf: number }>)
    near(kolmogorovSf(c.n, c.d), c.sf, `kstwo n=${c.n} d=${c.d}`);
});

test('Wasserstein-1 raw and Evidently-normed match scipy', () => {
  for (const c of ref.wasserstein as Array<Pair & { w1: number; normed: number }>) {
    const r = wassersteinNormed(sample(c.a), sample(c.b));
    near(r.distance, c.w1, `w1 ${c.a.seed}`);
    near(r.normed, c.normed, `normed ${c.a.seed}`);
  }
});

test('PSI with Evidently sturges bins and with reference deciles matches numpy', () => {
  for (const c of ref.psi as Array<Pair & { evidently: number; quantile10: number; evidentlyBins: number }>) {
    const x = sample(c.a),
      y = sample(c.b);
    const e = psi(x, y, { binning: 'evidently', numeric: true });
    assert.is(e.shares.reference.length, c.evidentlyBins, `bins ${c.a.seed}`);
    near(e.statistic, c.evidently, `psi evidently ${c.a.seed}`);
    near(psi(x, y, { binning: 'quantile', numeric: true }).statistic, c.quantile10, `psi quantile ${c.a.seed}`);
  }
});

test('Jensen-Shannon distance matches scipy on binned samples and on raw vectors', () => {
  for (const c of ref.jensenshannon as Array<Pair & { distance: number }>) {
    near(jensenShannon(sample(c.a), sample(c.b), { numeric: true }).statistic, c.distance, `js ${c.a.seed}`);
  }
  for (const c of ref.jensenshannonVectors as Array<{ p: number[]; q: number[]; distance: number }>) {
    near(jensenShannonDistance(c.p, c.q), c.distance, `js ${c.p}`);
  }
});

test('chi-square statistic and p-value match scipy.stats.chisquare as Evidently calls it', () => {
  for (const c of ref.chisquare as Array<Pair & { statistic: number | string; pvalue: number }>) {
    const r = chiSquare(sample(c.a), sample(c.b));
    near(r.statistic, c.statistic, `chi2 ${c.a.seed}`);
    near(r.pvalue, c.pvalue, `chi2 p ${c.a.seed}`);
  }
});

test('chi-square survival and the normal CDF match scipy deep in the tails', () => {
  for (const c of ref.chi2Sf as Array<{ x: number; df: number; sf: number }>)
    near(chi2Sf(c.x, c.df), c.sf, `chi2.sf(${c.x}, ${c.df})`);
  for (const c of ref.normCdf as Array<{ x: number; cdf: number }>) near(normalCdf(c.x), c.cdf, `norm.cdf(${c.x})`);
});

test('the two-proportion z-test matches Evidently computed with scipy', () => {
  for (const c of ref.ztest as Array<Pair & { z: number; pvalue: number }>) {
    const r = proportionsZTest(sample(c.a), sample(c.b));
    near(r.statistic, c.z, `z ${c.a.seed}`);
    near(r.pvalue, c.pvalue, `z p ${c.a.seed}`);
  }
});

test.run();
