/**
 * The two-sided one-sample Kolmogorov–Smirnov distribution, survival function
 * P(D_n ≥ x) — what scipy.stats.kstwo.sf(x, n) returns, and what scipy.stats.ks_2samp uses
 * for its asymptotic p-value (with n = round(m·n/(m+n))).
 *
 * Follows the algorithm choice of Simard & L'Ecuyer (2011, J. Stat. Softw. 39(11)) as scipy's
 * `_kolmogn` applies it: Ruben–Gambino closed forms at the ends, 2·Smirnov for x ≥ ½ (exact),
 * Durbin's matrix (Marsaglia–Tsang–Wang 2003) for small n·x², the Pelz–Good asymptotic series
 * for large n, and Miller's 2·Smirnov approximation for the far tail. No statistics library for
 * JavaScript ships this distribution (jstat has none), hence our own. Where scipy uses the
 * Pomeranz recursion (n ≤ 140, 0.754693 < n·x² ≤ 4) we use Durbin's matrix too: both compute
 * the exact probability, so the values agree to rounding.
 */
import { lgamma } from './special.ts';

const E128 = 2 ** 128;
const EM128 = 2 ** -128;
const PI2 = Math.PI ** 2;
const PI4 = Math.PI ** 4;
const PI6 = Math.PI ** 6;
const SQRT2PI = Math.sqrt(2 * Math.PI);
const LOG_2PI = Math.log(2 * Math.PI);
// B_2k / (2k(2k − 1)) for k = 8 … 1 (Bernoulli numbers), highest order first for Horner's scheme;
// each quotient is correctly rounded, the same double as its 20-digit decimal expansion
const STIRLING_COEFFS = [-3617 / 122400, 1 / 156, -691 / 360360, 1 / 1188, -1 / 1680, 1 / 1260, -1 / 360, 1 / 12];

const clip = (p: number): number => Math.min(1, Math.max(0, p));

/** log(n! / n^n) by Stirling's series with n·log n removed up front */
function logNFactorialDivNPowN(n: number): number {
  const rn = 1 / n;
  let poly = 0;
  const t = rn / n;
  for (const c of STIRLING_COEFFS) poly = poly * t + c;
  return Math.log(n) / 2 - n + LOG_2PI / 2 + rn * poly;
}

function matmul(a: Float64Array, b: Float64Array, m: number): Float64Array {
  const out = new Float64Array(m * m);
  for (let i = 0; i < m; i++) {
    for (let k = 0; k < m; k++) {
      const aik = a[i * m + k] as number;
      if (aik === 0) continue;
      const ri = i * m;
      const rk = k * m;
      for (let j = 0; j < m; j++) out[ri + j] = (out[ri + j] as number) + aik * (b[rk + j] as number);
    }
  }
  return out;
}

/** Durbin's matrix: CDF P(D_n ≤ d) as the k-th diagonal entry of (n!/n^n)·H^n */
function kolmogorovCdfDurbin(n: number, d: number): number {
  if (d >= 1) return 1;
  const nd = n * d;
  if (nd <= 0.5) return 0;
  const k = Math.ceil(nd);
  const h = k - nd;
  const m = 2 * k - 1;
  const H = new Float64Array(m * m);
  const v = new Float64Array(m);
  const w = new Float64Array(m);
  let fac = 1;
  for (let j = 1; j <= m; j++) {
    w[j - 1] = fac;
    fac /= j;
    v[j - 1] = (1 - h ** j) * fac;
  }
  const tt = Math.max(2 * h - 1, 0) ** m - 2 * h ** m;
  v[m - 1] = (1 + tt) * fac;
  for (let i = 1; i < m; i++) {
    for (let r = i - 1; r < m; r++) H[r * m + i] = w[r - (i - 1)] as number;
  }
  for (let r = 0; r < m; r++) H[r * m] = v[r] as number;
  for (let c = 0; c < m; c++) H[(m - 1) * m + c] = v[m - 1 - c] as number;

  let P = new Float64Array(m * m);
  for (let i = 0; i < m; i++) P[i * m + i] = 1;
  let Hc = H;
  let nn = n;
  let expnt = 0;
  let hexpnt = 0;
  while (nn > 0) {
    if (nn % 2) {
      P = matmul(P, Hc, m);
      expnt += hexpnt;
    }
    Hc = matmul(Hc, Hc, m);
    hexpnt *= 2;
    if (Math.abs(Hc[(k - 1) * m + (k - 1)] as number) > E128) {
      for (let i = 0; i < Hc.length; i++) Hc[i] = (Hc[i] as number) / E128;
      hexpnt += 128;
    }
    nn = Math.floor(nn / 2);
  }
  let p = P[(k - 1) * m + (k - 1)] as number;
  for (let i = 1; i <= n; i++) {
    p = (i * p) / n;
    if (Math.abs(p) < EM128) {
      p *= E128;
      expnt -= 128;
    }
  }
  if (expnt !== 0) p *= 2 ** expnt;
  return clip(p);
}

/** Pelz–Good (1976) asymptotic CDF P(D_n ≤ x) */
function kolmogorovCdfPelzGood(n: number, x: number): number {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const z = Math.sqrt(n) * x;
  const z2 = z * z,
    z3 = z2 * z,
    z4 = z2 * z2,
    z6 = z4 * z2;
  const qlog = -PI2 / 8 / z2;
  if (qlog < -708) return 0;
  let q = Math.exp(qlog);
  const k1a = -z2,
    k1b = PI2 / 4;
  const k2a = 6 * z6 + 2 * z4,
    k2b = ((2 * z4 - 5 * z2) * PI2) / 4,
    k2c = (PI4 * (1 - 2 * z2)) / 16;
  const k3d = (PI6 * (5 - 30 * z2)) / 64;
  const k3c = (PI4 * (-60 * z2 + 212 * z4)) / 16;
  const k3b = (PI2 * (135 * z4 - 96 * z6)) / 4;
  const k3a = -30 * z6 - 90 * z ** 8;
  const K = [0, 0, 0, 0];
  const maxk = Math.ceil((16 * z) / Math.PI);
  for (let k = maxk; k > 0; k--) {
    const m = 2 * k - 1;
    const m2 = m * m,
      m4 = m2 * m2,
      m6 = m4 * m2;
    const qp = q ** (8 * k);
    const c = [1, k1a + k1b * m2, k2a + k2b * m2 + k2c * m4, k3a + k3b * m2 + k3c * m4 + k3d * m6];
    for (let i = 0; i < 4; i++) K[i] = (K[i] as number) * qp + (c[i] as number);
  }
  const div = [z, 6 * z4, 72 * z ** 7, 6480 * z ** 10];
  for (let i = 0; i < 4; i++) K[i] = ((K[i] as number) * q * SQRT2PI) / (div[i] as number);
  q = Math.exp(-PI2 / 2 / z2);
  const sqrt3z = Math.sqrt(3) * z;
  let k2extra = 0;
  let k3extra = 0;
  for (let k = maxk; k > 0; k--) {
    const ks2 = k * k;
    const qp = q ** ks2;
    k2extra += ks2 * qp;
    const kspi = Math.PI * k;
    k3extra += (sqrt3z + kspi) * (sqrt3z - kspi) * ks2 * qp;
  }
  K[2] = (K[2] as number) + k2extra * ((PI2 * SQRT2PI) / (-36 * z3));
  K[3] = (K[3] as number) + k3extra * ((PI2 * SQRT2PI) / (216 * z6));
  let sum = 0;
  for (let i = 0; i < 4; i++) sum += (K[i] as number) / n ** (i / 2);
  return sum;
}

/**
 * One-sided Smirnov survival P(D_n⁺ ≥ x) by the Birnbaum–Tingey sum
 * x·Σ_{j=0}^{⌊n(1−x)⌋} C(n,j)(1−x−j/n)^(n−j)(x+j/n)^(j−1), each term in logs
 * (scipy.special.smirnov sums the same terms in double-double arithmetic).
 */
function smirnovSf(n: number, x: number): number {
  if (!(n > 0 && x >= 0 && x <= 1)) return NaN;
  if (n === 1) return x;
  if (x === 0) return 1;
  if (x === 1) return 0;
  const lgn1 = lgamma(n + 1);
  const jmax = Math.floor(n * (1 - x));
  let sum = 0;
  for (let j = 0; j <= jmax; j++) {
    const a = (n - j) / n - x;
    if (a <= 0) {
      if (n - j === 0) sum += Math.exp(lgn1 - lgamma(j + 1) + (j - 1) * Math.log(x + j / n));
      continue;
    }
    const lt = lgn1 - lgamma(j + 1) - lgamma(n - j + 1) + (n - j) * Math.log(a) + (j - 1) * Math.log(x + j / n);
    sum += Math.exp(lt);
  }
  return clip(x * sum);
}

/** P(D_n ≥ x): scipy.stats.kstwo.sf(x, n) */
export function kolmogorovSf(n: number, x: number): number {
  if (!Number.isInteger(n) || n <= 0 || Number.isNaN(x)) return NaN;
  if (x >= 1) return 0;
  if (x <= 0) return 1;
  const t = n * x;
  if (t <= 1) {
    if (t <= 0.5) return 1;
    let prob: number;
    if (n <= 140) {
      prob = 1;
      for (let i = 1; i <= n; i++) prob *= i * (1 / n) * (2 * t - 1);
    } else {
      prob = Math.exp(logNFactorialDivNPowN(n) + n * Math.log(2 * t - 1));
    }
    return clip(1 - prob);
  }
  if (t >= n - 1) return clip(2 * (1 - x) ** n);
  if (x >= 0.5) return clip(2 * smirnovSf(n, x));
  const nx2 = t * x;
  if (n <= 140) {
    if (nx2 <= 4) return clip(1 - kolmogorovCdfDurbin(n, x));
    return clip(2 * smirnovSf(n, x));
  }
  if (nx2 >= 370) return 0;
  if (nx2 >= 2.2) return clip(2 * smirnovSf(n, x));
  let cdf: number;
  if (nx2 >= 18) cdf = 1;
  else if (n <= 100000 && n * x ** 1.5 <= 1.4) cdf = kolmogorovCdfDurbin(n, x);
  else cdf = kolmogorovCdfPelzGood(n, x);
  return clip(1 - cdf);
}
