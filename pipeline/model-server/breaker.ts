/**
 * Circuit breaker (closed → open → half-open → closed), count-based like resilience4j's: over
 * the last `windowSize` calls, when at least `minCalls` were made and the failure rate or the
 * slow-call rate reaches its threshold, the breaker opens. While open every call goes straight
 * to the fallback. After `resetTimeoutMs` it half-opens and lets `halfOpenCalls` trial calls
 * through: all succeed → closed; any failure or slow call → open again. A call slower than
 * `timeoutMs` is abandoned (fallback answers) and counts as a failure. Clock and timers are
 * injectable for virtual-time tests.
 */
import { realTimers, type Timers } from './batcher.ts';
import { withDefaults } from '../../results/defaults.ts';

export type BreakerState = 'closed' | 'open' | 'half-open';

export interface BreakerOptions {
  windowSize?: number;
  minCalls?: number;
  failureRateThreshold?: number;
  slowCallMs?: number;
  slowCallRateThreshold?: number;
  /** a call taking longer is abandoned and counted as failed */
  timeoutMs?: number;
  resetTimeoutMs?: number;
  halfOpenCalls?: number;
  clock?: () => number;
  timers?: Timers;
  onStateChange?(from: BreakerState, to: BreakerState): void;
}

export const BREAKER_DEFAULTS: Required<Omit<BreakerOptions, 'clock' | 'timers' | 'onStateChange'>> = {
  windowSize: 20,
  minCalls: 5,
  failureRateThreshold: 0.5,
  slowCallMs: 100,
  slowCallRateThreshold: 0.8,
  timeoutMs: 250,
  resetTimeoutMs: 5000,
  halfOpenCalls: 3,
};

export class CircuitBreaker {
  private st: BreakerState = 'closed';
  /** outcomes of recent calls: 0 ok, 1 failed, 2 slow */
  private window: number[] = [];
  private openedAt = 0;
  private trials = 0;
  private trialOk = 0;
  private readonly o: typeof BREAKER_DEFAULTS;
  private readonly clock: () => number;
  private readonly timers: Timers;
  readonly counts = { calls: 0, failures: 0, slow: 0, timeouts: 0, rejected: 0, fallbacks: 0 };

  constructor(private readonly opts: BreakerOptions = {}) {
    this.o = withDefaults(BREAKER_DEFAULTS, opts);
    this.clock = opts.clock ?? (() => performance.now());
    this.timers = opts.timers ?? realTimers;
  }

  get state(): BreakerState {
    if (this.st === 'open' && this.clock() - this.openedAt >= this.o.resetTimeoutMs) this.to('half-open');
    return this.st;
  }

  private to(s: BreakerState): void {
    if (s === this.st) return;
    const from = this.st;
    this.st = s;
    if (s === 'open') this.openedAt = this.clock();
    if (s === 'half-open') {
      this.trials = 0;
      this.trialOk = 0;
    }
    if (s === 'closed') this.window = [];
    this.opts.onStateChange?.(from, s);
  }

  /** may a call go through now? (half-open admits a limited number of trials) */
  private admit(): boolean {
    const s = this.state;
    if (s === 'closed') return true;
    if (s === 'open') return false;
    if (this.trials >= this.o.halfOpenCalls) return false;
    this.trials++;
    return true;
  }

  private record(outcome: 0 | 1 | 2): void {
    if (outcome === 1) this.counts.failures++;
    if (outcome === 2) this.counts.slow++;
    if (this.st === 'half-open') {
      if (outcome !== 0) {
        this.to('open');
        return;
      }
      if (++this.trialOk >= this.o.halfOpenCalls) this.to('closed');
      return;
    }
    if (this.st !== 'closed') return;
    this.window.push(outcome);
    if (this.window.length > this.o.windowSize) this.window.shift();
    const n = this.window.length;
    if (n < this.o.minCalls) return;
    const failed = this.window.filter((x) => x === 1).length / n;
    const slow = this.window.filter((x) => x === 2).length / n;
    if (failed >= this.o.failureRateThreshold || slow >= this.o.slowCallRateThreshold) this.to('open');
  }

  /** run fn through the breaker; the fallback answers when open, on error or on timeout (execMany of one) */
  async exec<T>(
    fn: () => Promise<T>,
    fallback: (why: 'open' | 'error' | 'timeout') => T,
  ): Promise<{ value: T; fallback: boolean }> {
    let fellBack = false;
    const [value] = await this.execMany<T>(
      1,
      (_, settle) => {
        fn().then(
          (v) => settle(true, v),
          () => settle(false),
        );
      },
      (_, why) => {
        fellBack = true;
        return fallback(why);
      },
    );
    return { value: value as T, fallback: fellBack };
  }

  /**
   * n calls through the breaker at once with one timer for all of them: each is admitted, counted
   * and recorded as n concurrent exec() calls would be (the fallback answers a rejected, failed or
   * timed-out one), without a timer, a race and promises per call. `start(i, settle)` begins call
   * i; its first settle counts. Resolves with every call's answer once all are in or the timer fires.
   */
  execMany<T>(
    n: number,
    start: (i: number, settle: (ok: boolean, value?: T) => void) => void,
    fallback: (i: number, why: 'open' | 'error' | 'timeout') => T,
  ): Promise<T[]> {
    const out = new Array<T>(n);
    const done = new Uint8Array(n);
    let waiting = 0;
    let starting = true;
    let timer: unknown;
    let resolve!: (v: T[]) => void;
    const all = new Promise<T[]>((r) => (resolve = r));
    const t0 = this.clock();
    const settle = (i: number, ok: boolean, value?: T) => {
      if (done[i]) return;
      done[i] = 1;
      if (ok) {
        this.record(this.clock() - t0 >= this.o.slowCallMs ? 2 : 0);
        out[i] = value as T;
      } else {
        this.record(1);
        this.counts.fallbacks++;
        out[i] = fallback(i, 'error');
      }
      if (--waiting === 0 && !starting) {
        this.timers.clearTimeout(timer);
        resolve(out);
      }
    };
    for (let i = 0; i < n; i++) {
      this.counts.calls++;
      if (!this.admit()) {
        this.counts.rejected++;
        this.counts.fallbacks++;
        out[i] = fallback(i, 'open');
        done[i] = 1;
        continue;
      }
      waiting++;
      if (timer === undefined)
        timer = this.timers.setTimeout(() => this.expire(out, done, fallback, resolve), this.o.timeoutMs);
      try {
        start(i, (ok, v) => settle(i, ok, v));
      } catch {
        settle(i, false);
      }
    }
    starting = false;
    if (waiting === 0) {
      if (timer !== undefined) this.timers.clearTimeout(timer);
      resolve(out);
    }
    return all;
  }

  /** execMany's timer: every call still out is abandoned, counted as a timeout and answered by the fallback */
  private expire<T>(
    out: T[],
    done: Uint8Array,
    fallback: (i: number, why: 'timeout') => T,
    resolve: (v: T[]) => void,
  ): void {
    for (let i = 0; i < done.length; i++) {
      if (done[i]) continue;
      done[i] = 1;
      this.counts.timeouts++;
      this.record(1);
      this.counts.fallbacks++;
      out[i] = fallback(i, 'timeout');
    }
    resolve(out);
  }
}

export const BREAKER_STATE_VALUE: Record<BreakerState, number> = { closed: 0, 'half-open': 1, open: 2 };
