/**
 * HDDM_A — drift detection with Hoeffding's bounds, moving-average test (Frías-Blanco et al.,
 * IEEE TKDE 27(3), 2015), River's `drift.binary.HDDMA` (after MOA). Input in [0, 1] (1 = error).
 * Keeps the global mean Z and a cut-point mean X (the prefix whose mean + Hoeffding bound was
 * smallest); drift when Z − X ≥ sqrt(m/2 · ln(2/δ_drift)), m = (n_Z − n_X)/(n_X · n_Z); warning
 * likewise with δ_warning. One-sided (increases) by default; `twoSided` also watches decreases.
 * Constant memory.
 */
import { RunningMean, type StreamingDetector } from './types.ts';

export interface HddmAOptions {
  driftConfidence?: number;
  warningConfidence?: number;
  twoSided?: boolean;
}

export const HDDM_A_DEFAULTS: Required<HddmAOptions> = { driftConfidence: 0.001, warningConfidence: 0.005, twoSided: false };

export class HddmA implements StreamingDetector {
  readonly name = 'hddm-a';
  readonly opts: Required<HddmAOptions>;
  private z = new RunningMean();
  private xMin = new RunningMean();
  private xMax = new RunningMean();
  private drift = false;
  private warning = false;

  constructor(opts: HddmAOptions = {}) {
    this.opts = { ...HDDM_A_DEFAULTS, ...opts };
  }
  get driftDetected(): boolean {
    return this.drift;
  }
  get warningDetected(): boolean {
    return this.warning;
  }
  reset(): void {
    this.z = new RunningMean();
    this.xMin = new RunningMean();
    this.xMax = new RunningMean();
    this.drift = this.warning = false;
  }
  private bound(n: number): number {
    return Math.sqrt((1 / (2 * n)) * Math.log(1 / this.opts.driftConfidence));
  }
  private meanIncr(confidence: number): boolean {
    if (this.xMin.n === this.z.n) return false;
    const m = ((this.z.n - this.xMin.n) / this.xMin.n) * (1 / this.z.n);
    return this.z.mean - this.xMin.mean >= Math.sqrt((m / 2) * Math.log(2 / confidence));
  }
  private meanDecr(confidence: number): boolean {
    if (this.xMax.n === this.z.n) return false;
    const m = ((this.z.n - this.xMax.n) / this.xMax.n) * (1 / this.z.n);
    return this.xMax.mean - this.z.mean >= Math.sqrt((m / 2) * Math.log(2 / confidence));
  }
  update(x: number): this {
    if (this.drift) this.reset();
    this.z.update(x);
    if (this.xMin.n === 0) this.xMin = this.z.clone();
    if (this.xMax.n === 0) this.xMax = this.z.clone();
    const epsZ = this.bound(this.z.n);
    if (this.xMin.mean + this.bound(this.xMin.n) >= this.z.mean + epsZ) this.xMin = this.z.clone();
    if (this.xMax.mean - this.bound(this.xMax.n) <= this.z.mean - epsZ) this.xMax = this.z.clone();
    const { driftConfidence, warningConfidence } = this.opts;
    if (this.meanIncr(driftConfidence)) {
      this.warning = false;
      this.drift = true;
    } else if (this.meanIncr(warningConfidence)) {
      this.warning = true;
      this.drift = false;
    } else {
      this.warning = false;
      this.drift = false;
    }
    if (this.opts.twoSided) {
      if (this.meanDecr(driftConfidence)) this.drift = true;
      else if (this.meanDecr(warningConfidence)) this.warning = true;
    }
    return this;
  }
}
