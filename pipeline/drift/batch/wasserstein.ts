/**
 * Wasserstein-1 distance between two 1-D samples (scipy.stats.wasserstein_distance):
 * ∫|F_u − F_v| over the pooled sorted values, and Evidently's normed variant
 * W1 / max(std_ref (ddof 0), 0.001), drift when ≥ 0.1 (Evidently's "wasserstein" stattest).
 */
import { sortedCopy } from './ks.ts';

export function wasserstein1(u: ArrayLike<number>, v: ArrayLike<number>): number {
  const a = sortedCopy(u);
  const b = sortedCopy(v);
  const nu = a.length,
    nv = b.length;
  if (nu === 0 || nv === 0) throw new RangeError('wasserstein1 needs two non-empty samples');
  // walk the pooled sorted values; between consecutive values the ECDFs are constant
  let i = 0,
    j = 0;
  let sum = 0;
  let prev = Math.min(a[0] as number, b[0] as number);
  while (i < nu || j < nv) {
    const ai = i < nu ? (a[i] as number) : Infinity;
    const bj = j < nv ? (b[j] as number) : Infinity;
    const x = Math.min(ai, bj);
    sum += Math.abs(i / nu - j / nv) * (x - prev);
    prev = x;
    if (ai <= bj) i++;
    else j++;
  }
  return sum;
}

/** population standard deviation (numpy's np.std, ddof 0), two-pass */
export function stdDdof0(x: ArrayLike<number>): number {
  const n = x.length;
  let s = 0;
  for (let i = 0; i < n; i++) s += x[i] as number;
  const mean = s / n;
  let ss = 0;
  for (let i = 0; i < n; i++) {
    const d = (x[i] as number) - mean;
    ss += d * d;
  }
  return Math.sqrt(ss / n);
}

export interface WassersteinResult {
  /** raw W1 in the column's units */
  distance: number;
  /** Evidently's statistic: W1 / max(std_ref, 0.001) */
  normed: number;
}

export function wassersteinNormed(reference: ArrayLike<number>, current: ArrayLike<number>): WassersteinResult {
  const distance = wasserstein1(reference, current);
  return { distance, normed: distance / Math.max(stdDdof0(reference), 0.001) };
}
