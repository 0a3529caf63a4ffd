/**
 * HDDM_A — drift detection with Hoeffding's bounds, moving-average test (Frías-Blanco et al.,
 * IEEE TKDE 27(3), 2015), River's `drift.binary.HDDMA` (after MOA). Input in [0, 1] (1 = error).
 * Keeps the global mean Z and a cut-point mean X (the prefix whose mean + Hoeffding bound was
 * smallest); drift when Z − X ≥ sqrt(m/2 · ln(2/δ_drift)), m = (n_Z − n_X)/(n_X · n_Z); warning
 * likewise with δ_warning. One-sided (increases) by default; `twoSided` also watches decreases.
 * Constant memory.
 */
import type { StreamingDetector } from './types.ts';
import { withDefaults } from '../../../results/defaults.ts';

export interface HddmAOptions {
  driftConfidence?: number;
  warningConfidence?: number;
  twoSided?: boolean;
}

export const HDDM_A_DEFAULTS: Required<HddmAOptions> = {
  driftConfidence: 0.001,
  warningConfidence: 0.005,
  twoSided: false,
};

export class HddmA implements StreamingDetector {
  readonly name = 'hddm-a';
  readonly opts: Required<HddmAOptions>;
  // global mean Z and the two cut points X_min / X_max, each as (count, mean); River keeps
  // stats.Mean clones, we keep the two numbers (no allocation per update)
  private zN = 0;
  private zMean = 0;
  private minN = 0;
  private minMean = 0;
  private maxN = 0;
  private maxMean = 0;
  private drift = false;
  private warning = false;
  private readonly logInvDrift: number;
  private readonly log2Drift: number;
  private readonly log2Warning: number;

  constructor(opts: HddmAOptions = {}) {
    this.opts = withDefaults(HDDM_A_DEFAULTS, opts) as Required<typeof opts>;
    this.logInvDrift = Math.log(1 / this.opts.driftConfidence);
    this.log2Drift = Math.log(2 / this.opts.driftConfidence);
    this.log2Warning = Math.log(2 / this.opts.warningConfidence);
  }
  get driftDetected(): boolean {
    return this.drift;
  }
  get warningDetected(): boolean {
    return this.warning;
  }
  reset(): void {
    this.zN = this.zMean = this.minN = this.minMean = this.maxN = this.maxMean = 0;
    this.drift = this.warning = false;
  }
  /** Hoeffding bound for n values, at the drift confidence (as River/MOA) */
  private bound(n: number): number {
    return Math.sqrt((1 / (2 * n)) * this.logInvDrift);
  }
  private meanIncr(logTwoOverConfidence: number): boolean {
    if (this.minN === this.zN) return false;
    const m = ((this.zN - this.minN) / this.minN) * (1 / this.zN);
    return this.zMean - this.minMean >= Math.sqrt((m / 2) * logTwoOverConfidence);
  }
  private meanDecr(logTwoOverConfidence: number): boolean {
    if (this.maxN === this.zN) return false;
    const m = ((this.zN - this.maxN) / this.maxN) * (1 / this.zN);
    return this.maxMean - this.zMean >= Math.sqrt((m / 2) * logTwoOverConfidence);
  }
  update(x: number): this {
    if (this.drift) this.reset();
    this.zN += 1;
    this.zMean += (x - this.zMean) / this.zN;
    if (this.minN === 0) {
      this.minN = this.zN;
      this.minMean = this.zMean;
    }
    if (this.maxN === 0) {
      this.maxN = this.zN;
      this.maxMean = this.zMean;
    }
    const epsZ = this.bound(this.zN);
    if (this.minMean + this.bound(this.minN) >= this.zMean + epsZ) {
      this.minN = this.zN;
      this.minMean = this.zMean;
    }
    if (this.maxMean - this.bound(this.maxN) <= this.zMean - epsZ) {
      this.maxN = this.zN;
      this.maxMean = this.zMean;
    }
    if (this.meanIncr(this.log2Drift)) {
      this.warning = false;
      this.drift = true;
    } else if (this.meanIncr(this.log2Warning)) {
      this.warning = true;
      this.drift = false;
    } else {
      this.warning = false;
      this.drift = false;
    }
    if (this.opts.twoSided) {
      if (this.meanDecr(this.log2Drift)) this.drift = true;
      else if (this.meanDecr(this.log2Warning)) this.warning = true;
    }
    return this;
  }
}
