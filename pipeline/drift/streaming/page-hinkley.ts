/**
 * Page–Hinkley test (Page 1954, "Continuous inspection schemes"), River's two-sided variant:
 * dev = x − x̄ (mean including x); S⁺ = α·S⁺ + dev − δ, S⁻ = α·S⁻ + dev + δ; track min S⁺ (from
 * +∞) and max S⁻ (from −1, as River does); after min_instances observations drift when
 * S⁺ − min S⁺ > λ ("up"), max S⁻ − S⁻ > λ ("down"), or either ("both", the default).
 * Constant memory.
 */
import { RunningMean, type StreamingDetector } from './types.ts';
import { withDefaults } from '../../../results/defaults.ts';

export interface PageHinkleyOptions {
  minInstances?: number;
  delta?: number;
  threshold?: number;
  alpha?: number;
  mode?: 'up' | 'down' | 'both';
}

export const PAGE_HINKLEY_DEFAULTS: Required<PageHinkleyOptions> = {
  minInstances: 30,
  delta: 0.005,
  threshold: 50,
  alpha: 1 - 0.0001,
  mode: 'both',
};

export class PageHinkley implements StreamingDetector {
  readonly name = 'page-hinkley';
  readonly opts: Required<PageHinkleyOptions>;
  private mean = new RunningMean();
  private sumIncrease = 0;
  private sumDecrease = 0;
  private minIncrease = Infinity;
  private maxDecrease = -1;
  private drift = false;

  constructor(opts: PageHinkleyOptions = {}) {
    this.opts = withDefaults(PAGE_HINKLEY_DEFAULTS, opts) as Required<typeof opts>;
  }
  get driftDetected(): boolean {
    return this.drift;
  }
  get warningDetected(): boolean {
    return false;
  }
  reset(): void {
    this.mean = new RunningMean();
    this.sumIncrease = 0;
    this.sumDecrease = 0;
    this.minIncrease = Infinity;
    this.maxDecrease = -1;
    this.drift = false;
  }
  update(x: number): this {
    if (this.drift) this.reset();
    const { alpha, delta, threshold, minInstances, mode } = this.opts;
    this.mean.update(x);
    const dev = x - this.mean.mean;
    this.sumIncrease = alpha * this.sumIncrease + dev - delta;
    this.sumDecrease = alpha * this.sumDecrease + dev + delta;
    if (this.sumIncrease < this.minIncrease) this.minIncrease = this.sumIncrease;
    if (this.sumDecrease > this.maxDecrease) this.maxDecrease = this.sumDecrease;
    if (this.mean.n >= minInstances) {
      const up = this.sumIncrease - this.minIncrease > threshold;
      const down = this.maxDecrease - this.sumDecrease > threshold;
      this.drift = mode === 'up' ? up : mode === 'down' ? down : up || down;
    }
    return this;
  }
}
