/**
 * Zipf-distributed ranks in 1..n: P(k) = k^-s / H(n, s). Rank 1 is the hottest key.
 *
 * Two exact samplers, both O(1) per draw:
 * - `alias` (Walker 1977, Vose 1991): a precomputed table of n (probability, alias) pairs, one
 *   uniform draw per sample. Fastest; memory 12 bytes per rank, so used up to 2^20 ranks.
 * - `rejection-inversion` (Hörmann & Derflinger 1996, "Rejection-inversion to generate variates
 *   from monotone discrete distributions"): no table, a few exp/log per draw, any n. The same
 *   method Apache Commons RNG uses; rewritten here from the paper's formulas.
 * Both are exact (not approximations), which the chi-square test in test/generators checks.
 */
/** anything with next(): uniform [0, 1) — an Rng */
export interface UniformSource {
  next(): number;
}

export type ZipfMethod = 'alias' | 'rejection-inversion';

export interface ZipfSampler {
  readonly n: number;
  readonly s: number;
  readonly method: ZipfMethod;
  /** a rank in 1..n */
  sample(rng: UniformSource): number;
}

/** tables above this many ranks switch to rejection-inversion by default */
export const ZIPF_ALIAS_MAX = 1 << 20;

/** exact pmf of Zipf(n, s) for ranks 1..n (index 0 unused), for tests and reports */
export function zipfPmf(n: number, s: number): Float64Array {
  const p = new Float64Array(n + 1);
  let h = 0;
  for (let k = 1; k <= n; k++) h += p[k] = k ** -s;
  for (let k = 1; k <= n; k++) p[k] = (p[k] as number) / h;
  return p;
}

/**
 * Walker/Vose columns over outcomes 0..k-1 with the given weights: column i keeps outcome i when a
 * uniform fraction falls below prob[i], else gives alias[i]. Every table of this module is built from
 * these very columns, so their draws agree bit for bit.
 */
export function aliasColumns(weights: ArrayLike<number>): { prob: Float64Array; alias: Int32Array } {
  const n = weights.length;
  if (n < 1) throw new RangeError('alias table: no outcomes');
  let total = 0;
  for (let i = 0; i < n; i++) total += weights[i] as number;
  if (!(total > 0) || !Number.isFinite(total))
    throw new RangeError('alias table: weights must be finite, ≥ 0, with a positive sum');
  const prob = new Float64Array(n);
  const alias = new Int32Array(n);
  const scaled = new Float64Array(n);
  const small = new Int32Array(n);
  const large = new Int32Array(n);
  let ns = 0,
    nl = 0;
  for (let i = 0; i < n; i++) {
    scaled[i] = ((weights[i] as number) / total) * n;
    alias[i] = i;
    if ((scaled[i] as number) < 1) small[ns++] = i;
    else large[nl++] = i;
  }
  while (ns > 0 && nl > 0) {
    const l = small[--ns] as number;
    const g = large[--nl] as number;
    prob[l] = scaled[l] as number;
    alias[l] = g;
    scaled[g] = (scaled[g] as number) + (scaled[l] as number) - 1;
    if ((scaled[g] as number) < 1) small[ns++] = g;
    else large[nl++] = g;
  }
  // leftovers are 1 up to rounding
  while (nl > 0) prob[large[--nl] as number] = 1;
  while (ns > 0) prob[small[--ns] as number] = 1;
  return { prob, alias };
}

/**
 * Walker/Vose alias table over outcomes 0..k-1 with the given weights: one uniform per draw.
 *
 * A draw reads a uniformly random column, so on a large table (100k users: 1.6 MB as float64
 * pairs) nearly every draw is a cache miss, and generators are bound by it. Columns are kept in
 * 8 bytes, side by side: the threshold as float32 and the alias as int32. The float32 threshold is
 * within 2^-25 of the exact one (a value in [0, 1]), so a draw whose fraction is further than
 * that from it is decided exactly by the float32; the rare one closer (about 1 in 2^23) reads the
 * float64 threshold, kept apart. Draws are those of the float64 table, bit for bit.
 */
export class AliasTable {
  readonly size: number;
  /** [2i] = float32 threshold of column i (as bits in i32), [2i + 1] = its alias */
  private readonly f32: Float32Array;
  private readonly i32: Int32Array;
  /** the exact thresholds, read only near a float32 one */
  private readonly exact: Float64Array;
  constructor(weights: ArrayLike<number>) {
    const n = weights.length;
    this.size = n;
    const { prob, alias } = aliasColumns(weights);
    const buf = new ArrayBuffer(8 * n);
    this.f32 = new Float32Array(buf);
    this.i32 = new Int32Array(buf);
    for (let i = 0; i < n; i++) {
      this.f32[2 * i] = prob[i] as number;
      this.i32[2 * i + 1] = alias[i] as number;
    }
    this.exact = prob;
  }
  /** an outcome in 0..size-1 */
  sample(rng: UniformSource): number {
    // one uniform: the integer part picks the column, the fraction decides column vs alias
    const x = rng.next() * this.size;
    const i = x | 0;
    const d = x - i - (this.f32[2 * i] as number);
    if (d < -NEAR) return i;
    if (d >= NEAR) return this.i32[2 * i + 1] as number;
    return x - i < (this.exact[i] as number) ? i : (this.i32[2 * i + 1] as number);
  }
}

/** more than the distance of a float32 threshold in [0, 1] from its float64 (2^-25) */
const NEAR = 2 ** -24;

/** Zipf ranks through an alias table */
class AliasZipf implements ZipfSampler {
  readonly method = 'alias' as const;
  private readonly table: AliasTable;
  constructor(
    readonly n: number,
    readonly s: number,
  ) {
    this.table = new AliasTable(zipfPmf(n, s).subarray(1));
  }
  sample(rng: UniformSource): number {
    return this.table.sample(rng) + 1;
  }
}

/** Hörmann & Derflinger rejection-inversion, with H(x) = ∫ x^-s written via expm1/log1p for s ≈ 1 */
class RejectionInversionZipf implements ZipfSampler {
  readonly method = 'rejection-inversion' as const;
  private readonly hX1: number;
  private readonly hN: number;
  private readonly squeeze: number;
  constructor(
    readonly n: number,
    readonly s: number,
  ) {
    this.hX1 = this.H(1.5) - 1;
    this.hN = this.H(n + 0.5);
    this.squeeze = 2 - this.Hinv(this.H(2.5) - this.h(2));
  }
  private h(x: number): number {
    return Math.exp(-this.s * Math.log(x));
  }
  /** H(x) = (x^(1-s) - 1) / (1 - s), and log(x) when s = 1 */
  private H(x: number): number {
    const lx = Math.log(x);
    const t = (1 - this.s) * lx;
    return (Math.abs(t) > 1e-8 ? Math.expm1(t) / t : 1 + t * 0.5 * (1 + (t / 3) * (1 + 0.25 * t))) * lx;
  }
  private Hinv(x: number): number {
    let t = x * (1 - this.s);
    if (t < -1) t = -1; // guards rounding at the left end
    const f = Math.abs(t) > 1e-8 ? Math.log1p(t) / t : 1 - t * (0.5 - t * (1 / 3 - 0.25 * t));
    return Math.exp(f * x);
  }
  sample(rng: UniformSource): number {
    for (;;) {
      const u = rng.next();
      const v = this.hN + u * (this.hX1 - this.hN);
      const x = this.Hinv(v);
      let k = Math.floor(x + 0.5);
      if (k < 1) k = 1;
      else if (k > this.n) k = this.n;
      if (k - x <= this.squeeze || v >= this.H(k + 0.5) - this.h(k)) return k;
    }
  }
}

/** uniform ranks when s = 0 (no skew) */
class UniformRanks implements ZipfSampler {
  readonly method = 'alias' as const;
  readonly s = 0;
  constructor(readonly n: number) {}
  sample(rng: UniformSource): number {
    return ((rng.next() * this.n) | 0) + 1;
  }
}

/**
 * A sampler for Zipf(n, s), s ≥ 0. `method` defaults to alias up to ZIPF_ALIAS_MAX ranks.
 * Draw with `sampler.sample(rng)`.
 */
export function createZipf(n: number, s: number, method?: ZipfMethod): ZipfSampler {
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`zipf: n must be an integer ≥ 1, got ${n}`);
  if (!(s >= 0) || !Number.isFinite(s)) throw new RangeError(`zipf: exponent s must be ≥ 0, got ${s}`);
  if (s === 0) return new UniformRanks(n);
  const m = method ?? (n <= ZIPF_ALIAS_MAX ? 'alias' : 'rejection-inversion');
  return m === 'alias' ? new AliasZipf(n, s) : new RejectionInversionZipf(n, s);
}
