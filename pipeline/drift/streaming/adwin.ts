/**
 * ADWIN — ADaptive WINdowing (Bifet & Gavaldà, "Learning from time-changing data with adaptive
 * windowing", SDM 2007), with River's defaults and bucket bookkeeping (river/drift/adwin_c.pyx):
 * an exponential histogram whose row r holds up to max_buckets+1 buckets of 2^r items (row 0 =
 * newest); when a row overflows its two oldest buckets merge into the next row. Every `clock`
 * updates, once width > grace_period, every cut point between buckets is tested, oldest first:
 * drift when |μ0 − μ1| > ε, ε = sqrt(2·m·σ²·δ′) + (2/3)·δ′·m, δ′ = ln(2·ln(width)/δ),
 * m = 1/(n0−mwl+1) + 1/(n1−mwl+1), σ² = variance/width; each cut found drops the oldest bucket
 * and the scan restarts. As in River, the last bucket of each row is never a cut point.
 * Memory: O(max_buckets · log(width)).
 */
import type { StreamingDetector } from './types.ts';
import { withDefaults } from '../../../results/defaults.ts';

export interface AdwinOptions {
  delta?: number;
  clock?: number;
  maxBuckets?: number;
  minWindowLength?: number;
  gracePeriod?: number;
}

export const ADWIN_DEFAULTS: Required<AdwinOptions> = {
  delta: 0.002,
  clock: 32,
  maxBuckets: 5,
  minWindowLength: 5,
  gracePeriod: 10,
};

class Row {
  count = 0;
  readonly total: Float64Array;
  readonly variance: Float64Array;
  constructor(cap: number) {
    this.total = new Float64Array(cap);
    this.variance = new Float64Array(cap);
  }
  insert(t: number, v: number): void {
    this.total[this.count] = t;
    this.variance[this.count] = v;
    this.count++;
  }
  /** drop the k oldest buckets (shift left) */
  compress(k: number): void {
    this.total.copyWithin(0, k);
    this.variance.copyWithin(0, k);
    this.total.fill(0, this.total.length - k);
    this.variance.fill(0, this.variance.length - k);
    this.count -= k;
  }
}

export class Adwin implements StreamingDetector {
  readonly name = 'adwin';
  readonly opts: Required<AdwinOptions>;
  private rows: Row[] = [];
  private total = 0;
  private variance = 0;
  private width = 0;
  private tick = 0;
  private drift = false;
  /** number of cuts made since the last reset */
  nDetections = 0;

  constructor(opts: AdwinOptions = {}) {
    this.opts = withDefaults(ADWIN_DEFAULTS, opts) as Required<typeof opts>;
    this.reset();
  }

  get driftDetected(): boolean {
    return this.drift;
  }
  get warningDetected(): boolean {
    return false;
  }
  /** current window length */
  get windowWidth(): number {
    return this.width;
  }
  /** mean of the current window */
  get estimation(): number {
    return this.width === 0 ? 0 : this.total / this.width;
  }

  reset(): void {
    this.rows = [new Row(this.opts.maxBuckets + 1)];
    this.total = 0;
    this.variance = 0;
    this.width = 0;
    this.tick = 0;
    this.drift = false;
    this.nDetections = 0;
  }

  update(x: number): this {
    if (this.drift) this.reset();
    this.insert(x);
    this.drift = this.detect();
    return this;
  }

  private insert(value: number): void {
    (this.rows[0] as Row).insert(value, 0);
    this.width += 1;
    if (this.width > 1) {
      const d = value - this.total / (this.width - 1);
      this.variance += ((this.width - 1) * d * d) / this.width;
    }
    this.total += value;
    this.compressRows();
  }

  private compressRows(): void {
    const max = this.opts.maxBuckets;
    for (let idx = 0; idx < this.rows.length; idx++) {
      const row = this.rows[idx] as Row;
      if (row.count !== max + 1) break;
      if (idx + 1 === this.rows.length) this.rows.push(new Row(max + 1));
      const next = this.rows[idx + 1] as Row;
      const n = 2 ** idx;
      const t0 = row.total[0] as number,
        t1 = row.total[1] as number;
      const mu1 = t0 / n,
        mu2 = t1 / n;
      const v12 =
        (row.variance[0] as number) + (row.variance[1] as number) + (n * n * (mu1 - mu2) * (mu1 - mu2)) / (2 * n);
      next.insert(t0 + t1, v12);
      row.compress(2);
      if (next.count <= max) break;
    }
  }

  /** drop the oldest bucket; returns its size */
  private deleteOldest(): number {
    const last = this.rows.length - 1;
    const row = this.rows[last] as Row;
    const n = 2 ** last;
    const u = row.total[0] as number;
    const mu = u / n;
    const v = row.variance[0] as number;
    this.width -= n;
    this.total -= u;
    const muWindow = this.total / this.width;
    this.variance -= v + (n * this.width * (mu - muWindow) * (mu - muWindow)) / (n + this.width);
    row.compress(1);
    if (row.count === 0) this.rows.pop();
    return n;
  }

  private detect(): boolean {
    let change = false;
    this.tick += 1;
    const { clock, gracePeriod, minWindowLength: mwl, delta } = this.opts;
    if (this.tick % clock !== 0 || !(this.width > gracePeriod)) return false;
    let reduce = true;
    while (reduce) {
      reduce = false;
      let exit = false;
      let n0 = 0,
        n1 = this.width,
        u0 = 0,
        u1 = this.total;
      for (let idx = this.rows.length - 1; idx >= 0 && !exit; idx--) {
        const row = this.rows[idx] as Row;
        const size = 2 ** idx;
        for (let k = 0; k < row.count - 1; k++) {
          const t = row.total[k] as number;
          n0 += size;
          n1 -= size;
          u0 += t;
          u1 -= t;
          if (idx === 0 && k === row.count - 1) {
            exit = true;
            break;
          }
          const deltaMean = u0 / n0 - u1 / n1;
          if (n1 >= mwl && n0 >= mwl && this.cut(n0, n1, deltaMean, delta, mwl)) {
            reduce = true;
            change = true;
            if (this.width > 0) {
              this.deleteOldest();
              exit = true;
              break;
            }
          }
        }
      }
    }
    if (change) this.nDetections++;
    return change;
  }

  private cut(n0: number, n1: number, deltaMean: number, delta: number, mwl: number): boolean {
    const deltaPrime = Math.log((2 * Math.log(this.width)) / delta);
    const m = 1 / (n0 - mwl + 1) + 1 / (n1 - mwl + 1);
    const eps = Math.sqrt(2 * m * (this.variance / this.width) * deltaPrime) + (2 / 3) * deltaPrime * m;
    return Math.abs(deltaMean) > eps;
  }
}
