/**
 * Two-proportion z-test as Evidently's "z" stattest: the first category (sorted) is "0", every
 * other value "1"; z = (p1 − p2)/sqrt(P(1−P)(1/n1 + 1/n2)) with the pooled P; two-sided
 * p = 2·(1 − Φ(|z|)) (Evidently subtracts from 1 rather than using the survival function, and
 * so do we, to give the same numbers). p = 1 when both samples hold one identical value.
 * Drift when p < 0.05.
 */
import { normalCdf } from './special.ts';

export interface ZTestResult {
  statistic: number;
  pvalue: number;
}

function compare(a: number | string, b: number | string): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  return String(a) < String(b) ? -1 : String(a) > String(b) ? 1 : 0;
}

export function proportionsZTest(
  reference: ArrayLike<number | string>,
  current: ArrayLike<number | string>,
): ZTestResult {
  const all = new Set<number | string>();
  for (let i = 0; i < reference.length; i++) all.add(reference[i] as number | string);
  const refUnique = all.size;
  const curSet = new Set<number | string>();
  for (let i = 0; i < current.length; i++) curSet.add(current[i] as number | string);
  if (refUnique === 1 && curSet.size === 1 && [...all][0] === [...curSet][0]) return { statistic: 0, pvalue: 1 };
  for (const v of curSet) all.add(v);
  const key = [...all].sort(compare)[0];
  const ones = (arr: ArrayLike<number | string>): number => {
    let k = 0;
    for (let i = 0; i < arr.length; i++) if (arr[i] !== key) k++;
    return k;
  };
  const n1 = reference.length,
    n2 = current.length;
  const p1 = ones(reference) / n1,
    p2 = ones(current) / n2;
  const P = (p1 * n1 + p2 * n2) / (n1 + n2);
  const z = (p1 - p2) / Math.sqrt(P * (1 - P) * (1 / n1 + 1 / n2));
  return { statistic: z, pvalue: 2 * (1 - normalCdf(Math.abs(z))) };
}
