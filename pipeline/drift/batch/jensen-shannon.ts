/**
 * Jensen–Shannon distance (scipy.spatial.distance.jensenshannon, natural log):
 * sqrt((KL(p‖m) + KL(q‖m)) / 2), m = (p + q)/2, after normalising p and q to sum 1.
 * Evidently applies it to get_binned_data shares without the empty-bin fill; drift when ≥ 0.1.
 */
import { evidentlyShares, type Shares } from './binning.ts';

/** scipy.special.rel_entr */
function relEntr(x: number, y: number): number {
  if (x > 0 && y > 0) return x * Math.log(x / y);
  if (x === 0 && y >= 0) return 0;
  return Infinity;
}

export function jensenShannonDistance(p: readonly number[], q: readonly number[]): number {
  let sp = 0,
    sq = 0;
  for (const v of p) sp += v;
  for (const v of q) sq += v;
  let left = 0,
    right = 0;
  for (let i = 0; i < p.length; i++) {
    const pi = (p[i] as number) / sp,
      qi = (q[i] as number) / sq;
    const m = (pi + qi) / 2;
    left += relEntr(pi, m);
    right += relEntr(qi, m);
  }
  return Math.sqrt((left + right) / 2);
}

export interface JsResult {
  statistic: number;
  shares: Shares;
}

export function jensenShannon(
  reference: ArrayLike<number | string>,
  current: ArrayLike<number | string>,
  opts: { numeric?: boolean } = {},
): JsResult {
  const numeric = opts.numeric ?? typeof reference[0] === 'number';
  const shares = evidentlyShares(reference, current, { numeric, fillZeroes: false });
  return { statistic: jensenShannonDistance(shares.reference, shares.current), shares };
}
