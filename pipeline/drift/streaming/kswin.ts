/**
 * KSWIN — Kolmogorov–Smirnov windowing (Raab, Heusinger & Schleif, Neurocomputing 2020), River's
 * `drift.KSWIN` with its current defaults (alpha 0.005, window_size 100, stat_size 30). A sliding
 * window of `windowSize`; once full, each update draws `statSize` values without replacement
 * from the older `windowSize − statSize` and runs the two-sample KS test against the newest
 * `statSize`: drift when p ≤ alpha and D > 0.1. State (window, counter and the random stream,
 * re-seeded from `seed`) resets on the next update after a drift, as in River.
 *
 * Randomness: River samples with Python's `random.Random(seed)`; we use our seeded Rng
 * (generators/rng.ts) through the same draw-without-replacement algorithm as Python's
 * `random.sample` (a shrinking pool), so the *streams of indices* differ from River's for the
 * same seed but have the same distribution. Inject `rng` (a factory from seed to an integer
 * source) to reproduce River exactly — the tests do this with a Mersenne Twister.
 *
 * The p-value depends only on (statSize, round(D·statSize)), so it is tabulated once per
 * detector (exact lattice-path formula, as scipy's ks_2samp 'auto' uses for small samples).
 * Memory: O(windowSize).
 */
import { Rng } from '../../../generators/rng.ts';
import { ksExactPvalue } from '../batch/ks.ts';
import type { StreamingDetector } from './types.ts';

/** a uniform integer in [0, n) */
export interface IntSource {
  int(n: number): number;
}

export interface KswinOptions {
  alpha?: number;
  windowSize?: number;
  statSize?: number;
  seed?: number;
  /** already collected data, to avoid a cold start */
  window?: number[];
  /** how to build the random source from the seed (default: our Rng) */
  rng?: (seed: number) => IntSource;
}

export const KSWIN_DEFAULTS = { alpha: 0.005, windowSize: 100, statSize: 30, seed: 0 };

/** insertion sort: for the ~30 values KSWIN compares it beats TypedArray.prototype.sort */
function insertionSort(a: Float64Array): void {
  for (let i = 1; i < a.length; i++) {
    const v = a[i] as number;
    let j = i - 1;
    while (j >= 0 && (a[j] as number) > v) {
      a[j + 1] = a[j] as number;
      j--;
    }
    a[j + 1] = v;
  }
}

export class Kswin implements StreamingDetector {
  readonly name = 'kswin';
  readonly alpha: number;
  readonly windowSize: number;
  readonly statSize: number;
  readonly seed: number;
  private readonly makeRng: (seed: number) => IntSource;
  private rng!: IntSource;
  private buf: Float64Array;
  private start = 0;
  private len = 0;
  private drift = false;
  /** last p-value computed (0 before the window fills, as River) */
  pValue = 0;
  /** observations since the last reset */
  n = 0;
  private readonly pool: Int32Array;
  private readonly sampleA: Float64Array;
  private readonly sampleB: Float64Array;
  /** pvalueByH[h] = exact p for D = h/statSize */
  private readonly pvalueByH: Float64Array;

  constructor(opts: KswinOptions = {}) {
    this.alpha = opts.alpha ?? KSWIN_DEFAULTS.alpha;
    this.windowSize = opts.windowSize ?? KSWIN_DEFAULTS.windowSize;
    this.statSize = opts.statSize ?? KSWIN_DEFAULTS.statSize;
    this.seed = opts.seed ?? KSWIN_DEFAULTS.seed;
    if (this.alpha < 0 || this.alpha > 1) throw new RangeError('KSWIN: alpha must be between 0 and 1');
    if (this.windowSize < this.statSize) throw new RangeError('KSWIN: statSize must be smaller than windowSize');
    if (this.windowSize - this.statSize < this.statSize) throw new RangeError('KSWIN: windowSize must be at least 2·statSize');
    this.makeRng = opts.rng ?? ((s: number) => new Rng(s));
    this.buf = new Float64Array(this.windowSize);
    this.pool = new Int32Array(this.windowSize - this.statSize);
    this.sampleA = new Float64Array(this.statSize);
    this.sampleB = new Float64Array(this.statSize);
    this.pvalueByH = new Float64Array(this.statSize + 1);
    for (let h = 0; h <= this.statSize; h++) this.pvalueByH[h] = ksExactPvalue(this.statSize, this.statSize, h / this.statSize).p;
    this.reset();
    if (opts.window) for (const v of opts.window.slice(-this.windowSize)) this.push(v);
  }

  get driftDetected(): boolean {
    return this.drift;
  }
  get warningDetected(): boolean {
    return false;
  }

  reset(): void {
    this.start = 0;
    this.len = 0;
    this.n = 0;
    this.pValue = 0;
    this.drift = false;
    this.rng = this.makeRng(this.seed);
  }

  private push(x: number): void {
    if (this.len < this.windowSize) {
      this.buf[(this.start + this.len) % this.windowSize] = x;
      this.len++;
    } else {
      this.buf[this.start] = x;
      this.start = (this.start + 1) % this.windowSize;
    }
  }

  private at(i: number): number {
    const k = this.start + i;
    return this.buf[k < this.windowSize ? k : k - this.windowSize] as number;
  }

  update(x: number): this {
    if (this.drift) this.reset();
    this.n += 1;
    this.push(x);
    if (this.len < this.windowSize) {
      this.drift = false;
      return this;
    }
    const old = this.windowSize - this.statSize;
    const k = this.statSize;
    // Python's random.sample pool algorithm: pick j < old − i, take pool[j], move the last in
    for (let i = 0; i < old; i++) this.pool[i] = i;
    for (let i = 0; i < k; i++) {
      const j = this.rng.int(old - i);
      this.sampleA[i] = this.at(this.pool[j] as number);
      this.pool[j] = this.pool[old - i - 1] as number;
    }
    for (let i = 0; i < k; i++) this.sampleB[i] = this.at(old + i);
    insertionSort(this.sampleA);
    insertionSort(this.sampleB);
    // equal sizes: D = max |i − j| / k over the merge walk
    let i = 0, j = 0, maxDiff = 0;
    while (i < k || j < k) {
      const a = i < k ? (this.sampleA[i] as number) : Infinity;
      const b = j < k ? (this.sampleB[j] as number) : Infinity;
      const v = a <= b ? a : b;
      while (i < k && (this.sampleA[i] as number) <= v) i++;
      while (j < k && (this.sampleB[j] as number) <= v) j++;
      const d = i > j ? i - j : j - i;
      if (d > maxDiff) maxDiff = d;
    }
    const st = maxDiff / k;
    this.pValue = this.pvalueByH[maxDiff] as number;
    this.drift = this.pValue <= this.alpha && st > 0.1;
    return this;
  }
}
