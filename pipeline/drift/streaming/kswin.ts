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
 * Both window segments are kept sorted as the window slides, so a test costs O(windowSize)
 * with no sort. Memory: O(windowSize).
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

/**
 * Values of one window segment kept sorted, each tagged with its sequence number (the how-many-th
 * value since the reset), so the segment slides in O(size) without re-sorting.
 */
class SortedSegment {
  readonly vals: Float64Array;
  readonly seqs: Float64Array;
  size = 0;
  constructor(capacity: number) {
    this.vals = new Float64Array(capacity);
    this.seqs = new Float64Array(capacity);
  }
  clear(): void {
    this.size = 0;
  }
  insert(v: number, seq: number): void {
    let lo = 0,
      hi = this.size;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((this.vals[mid] as number) <= v) lo = mid + 1;
      else hi = mid;
    }
    this.vals.copyWithin(lo + 1, lo, this.size);
    this.seqs.copyWithin(lo + 1, lo, this.size);
    this.vals[lo] = v;
    this.seqs[lo] = seq;
    this.size++;
  }
  remove(seq: number): void {
    let i = 0;
    while ((this.seqs[i] as number) !== seq) i++;
    this.vals.copyWithin(i, i + 1, this.size);
    this.seqs.copyWithin(i, i + 1, this.size);
    this.size--;
  }
}

/** our Rng as an integer source: one 32-bit draw per index (Rng.int spends two on 53 bits) */
function rngIntSource(seed: number): IntSource {
  const r = new Rng(seed);
  return { int: (n: number) => Math.floor((r.nextU32() * n) / 4294967296) };
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
  /** sequence number of the next value */
  private seqNext = 0;
  private drift = false;
  /** last p-value computed (0 before the window fills, as River) */
  pValue = 0;
  /** observations since the last reset */
  n = 0;
  private readonly pool: Int32Array;
  private readonly mask: Uint8Array;
  private readonly sampleA: Float64Array;
  /** the older windowSize − statSize values, sorted */
  private readonly old: SortedSegment;
  /** the newest statSize values, sorted */
  private readonly newest: SortedSegment;
  /** pvalueByH[h] = exact p for D = h/statSize */
  private readonly pvalueByH: Float64Array;

  constructor(opts: KswinOptions = {}) {
    this.alpha = opts.alpha ?? KSWIN_DEFAULTS.alpha;
    this.windowSize = opts.windowSize ?? KSWIN_DEFAULTS.windowSize;
    this.statSize = opts.statSize ?? KSWIN_DEFAULTS.statSize;
    this.seed = opts.seed ?? KSWIN_DEFAULTS.seed;
    if (this.alpha < 0 || this.alpha > 1) throw new RangeError('KSWIN: alpha must be between 0 and 1');
    if (this.windowSize < this.statSize) throw new RangeError('KSWIN: statSize must be smaller than windowSize');
    if (this.windowSize - this.statSize < this.statSize)
      throw new RangeError('KSWIN: windowSize must be at least 2·statSize');
    this.makeRng = opts.rng ?? rngIntSource;
    this.buf = new Float64Array(this.windowSize);
    this.pool = new Int32Array(this.windowSize - this.statSize);
    this.mask = new Uint8Array(this.windowSize - this.statSize);
    this.sampleA = new Float64Array(this.statSize);
    this.old = new SortedSegment(this.windowSize - this.statSize);
    this.newest = new SortedSegment(this.statSize);
    this.pvalueByH = new Float64Array(this.statSize + 1);
    for (let h = 0; h <= this.statSize; h++)
      this.pvalueByH[h] = ksExactPvalue(this.statSize, this.statSize, h / this.statSize).p;
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
    this.seqNext = 0;
    this.n = 0;
    this.pValue = 0;
    this.drift = false;
    this.old.clear();
    this.newest.clear();
    this.rng = this.makeRng(this.seed);
  }

  private at(i: number): number {
    const k = this.start + i;
    return this.buf[k < this.windowSize ? k : k - this.windowSize] as number;
  }

  private push(x: number): void {
    const W = this.windowSize,
      oldLen = W - this.statSize;
    const seq = this.seqNext++;
    if (this.len < W) {
      this.buf[(this.start + this.len) % W] = x;
      this.len++;
      if (this.len === W) {
        // the window just filled: sort both segments once
        for (let i = 0; i < W; i++) (i < oldLen ? this.old : this.newest).insert(this.at(i), seq - (W - 1) + i);
      }
      return;
    }
    // slide: the oldest leaves, the oldest of the newest joins the old part, x joins the newest
    const firstSeq = seq - W;
    const moving = this.at(oldLen);
    this.old.remove(firstSeq);
    this.newest.remove(firstSeq + oldLen);
    this.old.insert(moving, firstSeq + oldLen);
    this.buf[this.start] = x;
    this.start = this.start + 1 === W ? 0 : this.start + 1;
    this.newest.insert(x, seq);
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
    // Python's random.sample pool algorithm: pick j < old − i, take pool[j], move the last in;
    // the picks are marked, then read back in value order from the sorted old segment
    for (let i = 0; i < old; i++) this.pool[i] = i;
    for (let i = 0; i < k; i++) {
      const j = this.rng.int(old - i);
      this.mask[this.pool[j] as number] = 1;
      this.pool[j] = this.pool[old - i - 1] as number;
    }
    const firstSeq = this.seqNext - this.windowSize;
    const a = this.sampleA;
    let m = 0;
    for (let t = 0; t < old; t++) {
      const j = (this.old.seqs[t] as number) - firstSeq;
      if (this.mask[j]) {
        a[m++] = this.old.vals[t] as number;
        this.mask[j] = 0;
      }
    }
    const b = this.newest.vals;
    // equal sizes: D = max |i − j| / k over the merge walk
    let i = 0,
      j = 0,
      maxDiff = 0;
    while (i < k || j < k) {
      const av = i < k ? (a[i] as number) : Infinity;
      const bv = j < k ? (b[j] as number) : Infinity;
      const v = Math.min(av, bv);
      while (i < k && (a[i] as number) <= v) i++;
      while (j < k && (b[j] as number) <= v) j++;
      const d = i > j ? i - j : j - i;
      if (d > maxDiff) maxDiff = d;
    }
    const st = maxDiff / k;
    this.pValue = this.pvalueByH[maxDiff] as number;
    this.drift = this.pValue <= this.alpha && st > 0.1;
    return this;
  }
}
