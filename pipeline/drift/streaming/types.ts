/**
 * The streaming detector contract, River's semantics: call `update(x)` with one observation,
 * then read `driftDetected` (and `warningDetected`). A detector that flagged drift resets its
 * state at the start of the *next* update, so `driftDetected` is true for exactly the update
 * that found the change.
 */
export interface StreamingDetector {
  /** registry name ('adwin', 'page-hinkley', ...) */
  readonly name: string;
  update(x: number): this;
  readonly driftDetected: boolean;
  /** detectors without a warning zone always report false */
  readonly warningDetected: boolean;
  /** forget everything (a fresh detector with the same parameters) */
  reset(): void;
}

/** River's stats.Mean: Welford's running mean, n counts updates */
export class RunningMean {
  n = 0;
  mean = 0;
  update(x: number): void {
    this.n += 1;
    this.mean += (x - this.mean) / this.n;
  }
  clone(): RunningMean {
    const m = new RunningMean();
    m.n = this.n;
    m.mean = this.mean;
    return m;
  }
}

/** River's stats.Var (ddof 1 by default): Welford's sum of squares */
export class RunningVar {
  private readonly m = new RunningMean();
  private s = 0;
  constructor(private readonly ddof = 1) {}
  update(x: number): void {
    const old = this.m.mean;
    this.m.update(x);
    this.s += (x - old) * (x - this.m.mean);
  }
  get n(): number {
    return this.m.n;
  }
  get mean(): number {
    return this.m.mean;
  }
  get variance(): number {
    return this.m.n > this.ddof ? this.s / (this.m.n - this.ddof) : 0;
  }
}
