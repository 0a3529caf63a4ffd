/**
 * Special functions the drift tests need to 1e-9 relative: log-gamma, the regularized upper
 * incomplete gamma Q(a, x) (chi-square survival), and the normal CDF.
 *
 * Why not jstat (the installed statistics library) here: measured against scipy 1.10,
 * `jStat.normal.cdf(-8)` is off by 1.8 % and `1 - jStat.chisquare.cdf(x, k)` is exactly 0 for
 * tails below ~1e-16 (it computes the lower gamma and subtracts), and `jStat.gammaln(20)` is off
 * by 1e-11 absolute. Drift p-values live in those tails, so we compute Q(a, x) directly: the
 * series for P when x < a + 1, else the Legendre continued fraction for Q (modified Lentz),
 * as in Numerical Recipes §6.2 — both converge to full double precision.
 */

// Stirling series for ln Γ(x), x ≥ 10: (x−½)ln x − x + ½ln 2π + Σ B₂ₖ / (2k(2k−1)x^(2k−1))
const STIRLING = [1 / 12, -1 / 360, 1 / 1260, -1 / 1680, 1 / 1188, -691 / 360360, 1 / 156, -3617 / 122400];
const HALF_LOG_2PI = 0.9189385332046728;

/** ln Γ(x) for x > 0 (shifted to x ≥ 10, then Stirling's series: ~1e-16 relative) */
export function lgamma(x: number): number {
  if (!(x > 0)) return x === 0 ? Infinity : NaN;
  if (Number.isInteger(x) && x <= 30) {
    let s = 0;
    for (let i = 2; i < x; i++) s += Math.log(i);
    return s;
  }
  let shift = 0;
  let prod = 1;
  while (x < 10) {
    prod *= x;
    x += 1;
    shift++;
  }
  const r = 1 / x;
  const r2 = r * r;
  let series = 0;
  for (let k = STIRLING.length - 1; k >= 0; k--) series = series * r2 + (STIRLING[k] as number);
  series *= r;
  const v = (x - 0.5) * Math.log(x) - x + HALF_LOG_2PI + series;
  return shift === 0 ? v : v - Math.log(prod);
}

const EPS = 1e-17;
const TINY = 1e-300;

/** log of the common factor x^a e^(−x) / Γ(a) */
function logPrefactor(a: number, x: number): number {
  return a * Math.log(x) - x - lgamma(a);
}

/** P(a, x) by its power series (x < a + 1) */
function gammaPSeries(a: number, x: number): number {
  let ap = a;
  let del = 1 / a;
  let sum = del;
  for (let n = 0; n < 10000; n++) {
    ap += 1;
    del *= x / ap;
    sum += del;
    if (Math.abs(del) < Math.abs(sum) * EPS) break;
  }
  return sum * Math.exp(logPrefactor(a, x));
}

/** Q(a, x) by its continued fraction (x ≥ a + 1), modified Lentz */
function gammaQContinuedFraction(a: number, x: number): number {
  let b = x + 1 - a;
  let c = 1 / TINY;
  let d = 1 / b;
  let h = d;
  for (let i = 1; i < 10000; i++) {
    const an = -i * (i - a);
    b += 2;
    d = an * d + b;
    if (Math.abs(d) < TINY) d = TINY;
    c = b + an / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    const del = d * c;
    h *= del;
    if (Math.abs(del - 1) < EPS) break;
  }
  return Math.exp(logPrefactor(a, x)) * h;
}

/** regularized upper incomplete gamma Q(a, x) = Γ(a, x) / Γ(a) (scipy.special.gammaincc) */
function gammaincc(a: number, x: number): number {
  if (Number.isNaN(a) || Number.isNaN(x)) return NaN;
  if (x <= 0) return 1;
  if (x === Infinity) return 0;
  if (x < a + 1) return 1 - gammaPSeries(a, x);
  return gammaQContinuedFraction(a, x);
}

/** chi-square survival function (scipy.stats.chi2.sf) */
export function chi2Sf(x: number, df: number): number {
  return gammaincc(df / 2, x / 2);
}

/** erfc(x) = Q(½, x²) for x ≥ 0; 2 − erfc(−x) below */
function erfc(x: number): number {
  if (Number.isNaN(x)) return NaN;
  if (x < 0) return 2 - erfc(-x);
  if (x < 0.5) return 1 - erf(x);
  return gammaincc(0.5, x * x);
}

/** erf(x) by its Taylor series for small |x| (used below 0.5, where it converges in ~15 terms) */
function erf(x: number): number {
  // erf x = 2/√π Σ (−1)ⁿ x^(2n+1) / (n! (2n+1))
  let term = x;
  let sum = x;
  const x2 = x * x;
  for (let n = 1; n < 60; n++) {
    term *= -x2 / n;
    const t = term / (2 * n + 1);
    sum += t;
    if (Math.abs(t) < Math.abs(sum) * EPS) break;
  }
  return (2 / Math.sqrt(Math.PI)) * sum;
}

/** standard normal CDF Φ(x) = ½ erfc(−x/√2) (scipy.special.ndtr) */
export function normalCdf(x: number): number {
  return 0.5 * erfc(-x / Math.SQRT2);
}
