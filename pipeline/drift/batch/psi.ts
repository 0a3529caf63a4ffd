/**
 * Population Stability Index: Σ (ref_i − cur_i)·ln(ref_i / cur_i) over bin shares; drift when
 * ≥ 0.1 (Evidently's default threshold). Two binnings (see binning.ts): 'evidently'
 * (equal-width sturges bins over reference+current, Evidently-compatible, the default) and
 * 'quantile' (deciles of the reference). The result says which was used.
 */
import { evidentlyShares, quantileShares, type Shares } from './binning.ts';

export type PsiBinning = 'evidently' | 'quantile';

export interface PsiResult {
  statistic: number;
  binning: PsiBinning;
  shares: Shares;
}

export function psiFromShares(ref: readonly number[], cur: readonly number[]): number {
  let s = 0;
  for (let i = 0; i < ref.length; i++) {
    const r = ref[i] as number,
      c = cur[i] as number;
    s += (r - c) * Math.log(r / c);
  }
  return s;
}

export function psi(
  reference: ArrayLike<number | string>,
  current: ArrayLike<number | string>,
  opts: { binning?: PsiBinning; numeric?: boolean; bins?: number } = {},
): PsiResult {
  const binning = opts.binning ?? 'evidently';
  const numeric = opts.numeric ?? typeof reference[0] === 'number';
  const shares =
    binning === 'quantile' && numeric
      ? quantileShares(reference as ArrayLike<number>, current as ArrayLike<number>, opts.bins ?? 10)
      : evidentlyShares(reference, current, { numeric, fillZeroes: true });
  return { statistic: psiFromShares(shares.reference, shares.current), binning, shares };
}
