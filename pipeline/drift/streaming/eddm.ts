/**
 * EDDM — Early Drift Detection Method (Baena-García et al., 2006), River's `drift.binary.EDDM`.
 * Input: 1 = error. Tracks the mean p′ and standard deviation s′ (ddof 1) of the distance
 * between consecutive errors; keeps the maximum of p′ + 2s′; once more than warm_start errors
 * were seen, level = (p′ + 2s′)/max: drift when < β (0.9), warning when < α (0.95).
 * Checks happen only on errors. Constant memory.
 */
import { RunningVar, type StreamingDetector } from './types.ts';
import { withDefaults } from '../../../results/defaults.ts';

export interface EddmOptions {
  warmStart?: number;
  alpha?: number;
  beta?: number;
}

export const EDDM_DEFAULTS: Required<EddmOptions> = { warmStart: 30, alpha: 0.95, beta: 0.9 };

export class Eddm implements StreamingDetector {
  readonly name = 'eddm';
  readonly opts: Required<EddmOptions>;
  private distances = new RunningVar(1);
  private n = 0;
  private lastError = 0;
  private nErrors = 0;
  private p2sMax = -1;
  private drift = false;
  private warning = false;

  constructor(opts: EddmOptions = {}) {
    this.opts = withDefaults(EDDM_DEFAULTS, opts) as Required<typeof opts>;
    if (this.opts.alpha < this.opts.beta) throw new RangeError('EDDM: alpha must be ≥ beta');
  }
  get driftDetected(): boolean {
    return this.drift;
  }
  get warningDetected(): boolean {
    return this.warning;
  }
  reset(): void {
    this.distances = new RunningVar(1);
    this.n = this.lastError = this.nErrors = 0;
    this.p2sMax = -1;
    this.drift = this.warning = false;
  }
  update(x: number): this {
    if (this.drift) this.reset();
    this.n += 1;
    if (x === 1) {
      this.nErrors += 1;
      this.distances.update(this.n - this.lastError);
      if (this.n > this.opts.warmStart) {
        const p2s = this.distances.mean + 2 * Math.sqrt(this.distances.variance);
        if (p2s > this.p2sMax) this.p2sMax = p2s;
        else if (this.nErrors > this.opts.warmStart) {
          const level = p2s / this.p2sMax;
          if (level < this.opts.beta) this.drift = true;
          else this.warning = level < this.opts.alpha;
        }
      }
      this.lastError = this.n;
    }
    return this;
  }
}
