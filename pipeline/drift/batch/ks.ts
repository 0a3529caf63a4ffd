/**
 * Two-sample Kolmogorov–Smirnov test, two-sided, as scipy.stats.ks_2samp (scipy 1.10) computes
 * it: D = max |F_ref − F_cur| over the pooled sample (ECDFs by right-sided search, so ties are
 * handled), and the p-value with method 'auto' = exact when max(n1, n2) ≤ 10000, else the
 * asymptotic kstwo.sf(D, round(n1·n2/(n1+n2))). The exact p-value counts lattice paths
 * (Hodges 1958): for n1 = n2 the closed alternating series, else the "inside" recursion that
 * computes 1 − p directly (Viehmann 2021, arXiv:2102.08037) — the same two methods scipy uses.
 */
import { kolmogorovSf } from './kolmogorov.ts';

export type KsMethod = 'auto' | 'exact' | 'asymp';

export interface KsResult {
  statistic: number;
  pvalue: number;
  /** the method actually used ('exact' may fall back to 'asymp', as in scipy) */
  method: 'exact' | 'asymp';
}

/** scipy's MAX_AUTO_N: 'auto' is exact when both samples have at most this many values */
export const KS_MAX_AUTO_N = 10000;

function gcd(a: number, b: number): number {
  while (b) [a, b] = [b, a % b];
  return a;
}

export function sortedCopy(values: ArrayLike<number>): Float64Array {
  const a = Float64Array.from(values as ArrayLike<number>);
  a.sort();
  return a;
}

/** D = sup |F1 − F2| for two sorted samples (a merge walk: O(n1 + n2)) */
function ksStatisticSorted(a: Float64Array, b: Float64Array): number {
  const n1 = a.length,
    n2 = b.length;
  let i = 0,
    j = 0;
  let maxS = -Infinity,
    minS = Infinity;
  // evaluate cdf1 − cdf2 at every pooled value (right-continuous ECDFs)
  while (i < n1 || j < n2) {
    const ai = i < n1 ? (a[i] as number) : Infinity;
    const bj = j < n2 ? (b[j] as number) : Infinity;
    const v = Math.min(ai, bj);
    while (i < n1 && (a[i] as number) <= v) i++;
    while (j < n2 && (b[j] as number) <= v) j++;
    const diff = i / n1 - j / n2;
    if (diff > maxS) maxS = diff;
    if (diff < minS) minS = diff;
  }
  const minD = Math.min(Math.max(-minS, 0), 1);
  return Math.max(minD, maxS);
}

/** P(D ≥ h/n) for n1 = n2 = n: 2·Σ(−1)^(k−1) C(2n, n−kh)/C(2n, n) by Horner's scheme */
function probOutsideSquare(n: number, h: number): number {
  let P = 0;
  let k = Math.floor(n / h);
  while (k >= 0) {
    let p1 = 1;
    for (let j = 0; j < h; j++) p1 = ((n - k * h - j) * p1) / (n + k * h + j + 1);
    P = p1 * (1 - P);
    k--;
  }
  return 2 * P;
}

/** 1 − (share of lattice paths staying strictly inside |x/m − y/n| < h/lcm) */
function outerProbInside(m0: number, n0: number, g: number, h: number): number {
  let m = m0,
    n = n0;
  if (m < n) [m, n] = [n, m];
  const mg = m / g;
  const ng = n / g;
  let minj = 0;
  let maxj = Math.min(Math.ceil(h / mg), n + 1);
  let curlen = maxj - minj;
  const lenA = Math.min(2 * maxj + 2, n + 1);
  const A = new Float64Array(lenA).fill(1);
  for (let t = minj; t < maxj; t++) A[t] = 0;
  for (let i = 1; i <= m; i++) {
    const lastminj = minj,
      lastlen = curlen;
    minj = Math.max(Math.floor((ng * i - h) / mg) + 1, 0);
    minj = Math.min(minj, n);
    maxj = Math.min(Math.ceil((ng * i + h) / mg), n + 1);
    if (maxj <= minj) return 1;
    let val = minj === 0 ? 0 : 1;
    for (let jj = 0; jj < maxj - minj; jj++) {
      const j = jj + minj;
      val = ((A[jj + minj - lastminj] as number) * i + val * j) / (i + j);
      A[jj] = val;
    }
    curlen = maxj - minj;
    if (lastlen > curlen) A.fill(1, maxj - minj, maxj - minj + (lastlen - curlen));
  }
  return A[maxj - minj - 1] as number;
}

/** the exact two-sided p-value; d is rounded to the lattice first (h = round(d·lcm)) */
export function ksExactPvalue(n1: number, n2: number, d: number): { d: number; p: number; ok: boolean } {
  const g = gcd(n1, n2);
  const lcm = (n1 / g) * n2;
  const h = Math.round(d * lcm);
  const dd = h / lcm;
  if (h === 0) return { d: dd, p: 1, ok: true };
  const p = n1 === n2 ? probOutsideSquare(n1, h) : outerProbInside(n1, n2, g, h);
  if (!(p >= 0 && p <= 1)) return { d: dd, p, ok: false };
  return { d: dd, p, ok: true };
}

/** scipy.stats.ks_2samp(a, b, alternative='two-sided', method) */
export function ks2samp(reference: ArrayLike<number>, current: ArrayLike<number>, method: KsMethod = 'auto'): KsResult {
  const a = sortedCopy(reference);
  const b = sortedCopy(current);
  const n1 = a.length,
    n2 = b.length;
  if (n1 === 0 || n2 === 0) throw new RangeError('ks2samp needs two non-empty samples');
  let d = ksStatisticSorted(a, b);
  let mode: 'exact' | 'asymp' = method === 'auto' ? (Math.max(n1, n2) <= KS_MAX_AUTO_N ? 'exact' : 'asymp') : method;
  if (mode === 'exact') {
    const g = gcd(n1, n2);
    if (n1 / g >= 2147483647 / (n2 / g)) mode = 'asymp';
  }
  let p = NaN;
  if (mode === 'exact') {
    const r = ksExactPvalue(n1, n2, d);
    d = r.d;
    if (r.ok) p = r.p;
    else mode = 'asymp';
  }
  if (mode === 'asymp') {
    const [m, n] = n1 >= n2 ? [n1, n2] : [n2, n1];
    const en = (m * n) / (m + n);
    p = kolmogorovSf(Math.round(en), d);
  }
  return { statistic: d, pvalue: Math.min(1, Math.max(0, p)), method: mode };
}
