/**
 * DDM — Drift Detection Method (Gama, Medas, Castillo & Rodrigues, SBIA 2004), River's
 * `drift.binary.DDM`. Input: 1 = error, 0 = correct. p = running error rate, s = sqrt(p(1−p)/n);
 * after warm_start observations keep (p_min, s_min) where p + s is smallest; warning when
 * p + s > p_min + 2·s_min, drift when > p_min + 3·s_min. Constant memory.
 */
import type { StreamingDetector } from './types.ts';
import { withDefaults } from '../../../results/defaults.ts';

export interface DdmOptions {
  warmStart?: number;
  warningThreshold?: number;
  driftThreshold?: number;
}

export const DDM_DEFAULTS: Required<DdmOptions> = { warmStart: 30, warningThreshold: 2, driftThreshold: 3 };

export class Ddm implements StreamingDetector {
  readonly name = 'ddm';
  readonly opts: Required<DdmOptions>;
  // running error rate (River's stats.Mean: mean += (x − mean)/n)
  private n = 0;
  private mean = 0;
  private pMin = Infinity;
  private sMin = Infinity;
  private psMin = Infinity;
  private drift = false;
  private warning = false;

  constructor(opts: DdmOptions = {}) {
    this.opts = withDefaults(DDM_DEFAULTS, opts) as Required<typeof opts>;
  }
  get driftDetected(): boolean {
    return this.drift;
  }
  get warningDetected(): boolean {
    return this.warning;
  }
  reset(): void {
    this.n = 0;
    this.mean = 0;
    this.pMin = this.sMin = this.psMin = Infinity;
    this.drift = this.warning = false;
  }
  update(x: number): this {
    if (this.drift) this.reset();
    this.n += 1;
    this.mean += (x - this.mean) / this.n;
    const p = this.mean;
    const n = this.n;
    const s = Math.sqrt((p * (1 - p)) / n);
    if (n > this.opts.warmStart) {
      if (p + s <= this.psMin) {
        this.pMin = p;
        this.sMin = s;
        this.psMin = p + s;
      }
      this.warning = p + s > this.pMin + this.opts.warningThreshold * this.sMin;
      if (p + s > this.pMin + this.opts.driftThreshold * this.sMin) {
        this.drift = true;
        this.warning = false;
      }
    }
    return this;
  }
}
