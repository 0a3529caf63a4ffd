/**
 * The pipeline's drift monitor: watches signals of the processor's stream (the transaction
 * amount, on a log scale, and the model's score) one observation at a time with a streaming
 * detector (ADWIN or Page–Hinkley, River's semantics), and confirms an alarm with a batch test
 * before raising an alert: two-sample KS of the signal's reference window (the first
 * `referenceSize` observations after a (re)start) against its most recent `recentSize`
 * observations, drift when p < `pvalue`. A streaming detector alone cries wolf now and then on a
 * heavy-tailed stream (a burst of card-testing payments moves the mean for a moment); the batch
 * check asks whether the whole recent window really differs from the reference. An alarm comes
 * early, when the recent window still holds mostly old data, so it stays pending for
 * `recentSize` more observations and the test is repeated every `recentSize / 5` of them; an
 * alarm that is never confirmed counts as unconfirmed.
 *
 * Pure and synchronous: time is the caller's (`observe(x, t)`), so tests run it on any clock.
 * After an alert the monitor stays quiet until `reset()` (the loop resets it once it has acted).
 */
import { ks2samp } from './batch/ks.ts';
import { createDetector, type DetectorName } from './streaming/index.ts';
import type { StreamingDetector } from './streaming/types.ts';
import { withDefaults } from '../../results/defaults.ts';

export type MonitorSignal = 'amount' | 'score';

export interface DriftMonitorOptions {
  /** streaming detector (default 'adwin') */
  detector?: Extract<DetectorName, 'adwin' | 'page-hinkley'>;
  /** its options (River's names, camelCase; default River's defaults) */
  detectorOptions?: Record<string, unknown>;
  /** watched signals (default both) */
  signals?: MonitorSignal[];
  /** observations in the reference window (default 1000) */
  referenceSize?: number;
  /** observations in the recent window the batch test compares (default 500) */
  recentSize?: number;
  /** KS p-value below which an alarm is confirmed (default 0.001) */
  pvalue?: number;
}

export const DRIFT_MONITOR_DEFAULTS = {
  detector: 'adwin' as const,
  signals: ['amount', 'score'] as MonitorSignal[],
  referenceSize: 1000,
  recentSize: 500,
  pvalue: 0.001,
};

export interface MonitorObservation {
  amount: number;
  score: number;
}

export interface DriftAlert {
  /** caller's time of the observation that confirmed the drift */
  t: number;
  /** observations seen since the monitor (re)started */
  index: number;
  signal: MonitorSignal;
  detector: string;
  /** KS statistic and p-value, reference vs recent */
  statistic: number;
  pvalue: number;
  referenceSize: number;
  recentSize: number;
}

export interface MonitorStats {
  observations: number;
  /** detector alarms, confirmed or not */
  alarms: number;
  /** alarms the batch test did not confirm */
  unconfirmed: number;
  alerts: number;
}

class SignalWatch {
  readonly reference: number[] = [];
  private readonly recent: Float64Array;
  private head = 0;
  private filled = 0;
  constructor(
    readonly signal: MonitorSignal,
    readonly detector: StreamingDetector,
    readonly refSize: number,
    recentSize: number,
  ) {
    this.recent = new Float64Array(recentSize);
  }
  /** observation count until which an alarm waits for its confirmation (0: none pending) */
  pendingUntil = 0;
  /** true when the detector alarmed on this value with both windows full */
  push(x: number): boolean {
    if (this.reference.length < this.refSize) {
      this.reference.push(x);
      this.detector.update(x);
      return false;
    }
    this.recent[this.head] = x;
    this.head = (this.head + 1) % this.recent.length;
    this.filled = Math.min(this.filled + 1, this.recent.length);
    this.detector.update(x);
    return this.detector.driftDetected && this.filled === this.recent.length;
  }
  recentValues(): Float64Array {
    return this.recent;
  }
}

export class DriftMonitor {
  readonly options: Required<Omit<DriftMonitorOptions, 'detectorOptions'>> &
    Pick<DriftMonitorOptions, 'detectorOptions'>;
  private watches: SignalWatch[] = [];
  private n = 0;
  private alerted: DriftAlert | undefined;
  private readonly s: MonitorStats = { observations: 0, alarms: 0, unconfirmed: 0, alerts: 0 };

  constructor(opts: DriftMonitorOptions = {}) {
    this.options = withDefaults(DRIFT_MONITOR_DEFAULTS, opts);
    const o = this.options;
    if (o.signals.length === 0) throw new RangeError('DriftMonitor needs at least one signal');
    if (!(o.referenceSize >= 10 && o.recentSize >= 10))
      throw new RangeError('DriftMonitor windows need ≥ 10 observations each');
    this.reset();
  }

  /** start over: new detectors, the next `referenceSize` observations become the reference */
  reset(): void {
    const o = this.options;
    this.watches = o.signals.map(
      (s) => new SignalWatch(s, createDetector(o.detector, o.detectorOptions), o.referenceSize, o.recentSize),
    );
    this.n = 0;
    this.alerted = undefined;
  }

  /** the alert raised since the last reset, if any */
  get alert(): DriftAlert | undefined {
    return this.alerted;
  }

  stats(): MonitorStats {
    return { ...this.s };
  }

  /** one observation; returns the alert when this observation confirmed a drift */
  observe(x: MonitorObservation, t: number): DriftAlert | undefined {
    this.s.observations++;
    this.n++;
    if (this.alerted) return undefined;
    const every = Math.max(1, Math.floor(this.options.recentSize / 5));
    for (const w of this.watches) {
      const v = w.signal === 'amount' ? Math.log1p(Math.max(0, x.amount)) : x.score;
      if (!Number.isFinite(v)) continue;
      const alarm = w.push(v);
      if (alarm) {
        this.s.alarms++;
        if (!w.pendingUntil) w.pendingUntil = this.n + this.options.recentSize;
      }
      if (!w.pendingUntil) continue;
      const left = w.pendingUntil - this.n;
      if (!alarm && left % every !== 0) continue;
      const ks = ks2samp(w.reference, w.recentValues());
      if (!(ks.pvalue < this.options.pvalue)) {
        if (left <= 0) {
          this.s.unconfirmed++;
          w.pendingUntil = 0;
        }
        continue;
      }
      w.pendingUntil = 0;
      this.s.alerts++;
      this.alerted = {
        t,
        index: this.n,
        signal: w.signal,
        detector: w.detector.name,
        statistic: ks.statistic,
        pvalue: ks.pvalue,
        referenceSize: w.reference.length,
        recentSize: this.options.recentSize,
      };
      return this.alerted;
    }
    return undefined;
  }
}
