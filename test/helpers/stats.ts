/** Goodness-of-fit helpers for generator tests (chi-square distribution from jstat). */
import jStat from 'jstat';

export interface ChiSquare {
  stat: number;
  dof: number;
  /** P(χ² ≥ stat) under the null hypothesis */
  p: number;
  bins: number;
}

/**
 * Pearson's chi-square test of observed counts against expected probabilities. Adjacent bins
 * are pooled until each expects ≥ `minExpected` (the usual validity rule); `fitted` parameters
 * estimated from the data reduce the degrees of freedom.
 */
export function chiSquare(
  observed: ArrayLike<number>,
  probs: ArrayLike<number>,
  fitted = 0,
  minExpected = 5,
): ChiSquare {
  let total = 0;
  for (let i = 0; i < observed.length; i++) total += observed[i] as number;
  const os: number[] = [],
    es: number[] = [];
  let o = 0,
    e = 0;
  for (let i = 0; i < probs.length; i++) {
    o += (observed[i] as number) ?? 0;
    e += (probs[i] as number) * total;
    if (e >= minExpected) {
      os.push(o);
      es.push(e);
      o = 0;
      e = 0;
    }
  }
  // a remainder that expects too little joins the last bin
  if (os.length) {
    os[os.length - 1]! += o;
    es[es.length - 1]! += e;
  }
  let stat = 0;
  for (let i = 0; i < os.length; i++) stat += (os[i]! - es[i]!) ** 2 / es[i]!;
  const bins = os.length;
  const dof = bins - 1 - fitted;
  return { stat, dof, p: 1 - jStat.chisquare.cdf(stat, dof), bins };
}

export function poissonPmf(k: number, lambda: number): number {
  return jStat.poisson.pdf(k, lambda);
}
