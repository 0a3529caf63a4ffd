/**
 * Chi-square goodness of fit as Evidently's "chisquare" stattest uses scipy.stats.chisquare:
 * categories = values seen in reference ∪ current; observed = current counts; expected =
 * reference counts × (n_cur / n_ref); statistic Σ (o − e)²/e, p = chi2.sf(stat, k − 1); drift
 * when p < 0.05. A category absent from the reference has e = 0, so stat = ∞ and p = 0, as in
 * scipy.
 */
import { chi2Sf } from './special.ts';

export interface ChiSquareResult {
  statistic: number;
  pvalue: number;
  df: number;
}

export function chiSquareGoodnessOfFit(observed: readonly number[], expected: readonly number[]): ChiSquareResult {
  let stat = 0;
  for (let i = 0; i < observed.length; i++) {
    const o = observed[i] as number,
      e = expected[i] as number;
    stat += ((o - e) * (o - e)) / e;
  }
  const df = observed.length - 1;
  return { statistic: stat, pvalue: chi2Sf(stat, df), df };
}

function countCategories(
  reference: ArrayLike<number | string>,
  current: ArrayLike<number | string>,
): { keys: Array<number | string>; ref: number[]; cur: number[] } {
  const index = new Map<string, number>();
  const keys: Array<number | string> = [];
  const ref: number[] = [],
    cur: number[] = [];
  const add = (arr: ArrayLike<number | string>, counts: number[]): void => {
    for (let i = 0; i < arr.length; i++) {
      const v = arr[i] as number | string;
      const k = typeof v === 'number' ? `n:${v}` : `s:${v}`;
      let idx = index.get(k);
      if (idx === undefined) {
        idx = keys.length;
        index.set(k, idx);
        keys.push(v);
        ref.push(0);
        cur.push(0);
      }
      counts[idx] = (counts[idx] as number) + 1;
    }
  };
  add(reference, ref);
  add(current, cur);
  return { keys, ref, cur };
}

export function chiSquare(reference: ArrayLike<number | string>, current: ArrayLike<number | string>): ChiSquareResult {
  const { ref, cur } = countCategories(reference, current);
  const k = current.length / reference.length;
  return chiSquareGoodnessOfFit(
    cur,
    ref.map((r) => r * k),
  );
}
