/**
 * Closed model (k6 constant-vus, ramping-vus, per-vu-iterations): each VU loops one iteration
 * after another; latency is measured from the iteration's actual start. A slow target slows the
 * load (which is what hides stalls: compare the open model in common.ts).
 */
import type { ExecutorResult } from '../../results/types.ts';
import type { IterationOutcome } from '../targets/api.ts';
import { FAILED, Recorder, callTarget, drain, sharedController } from './common.ts';
import type { BasePlan, ExecutorContext } from './types.ts';

/**
 * closed-model VUs yield to the event loop every this many iterations (a target that never awaits I/O would starve
 * timers)
 */
const YIELD_EVERY = 64;
/**
 * consecutive iterations that took no clock time before a closed-model executor gives up (virtual clock + a target that
 * never sleeps)
 */
const MAX_ZERO_TIME_ITERATIONS = 100_000;

/** VU count over time for the closed model: `vus` VUs from `atMs` (offset from executor start) */
export interface VuStep {
  atMs: number;
  vus: number;
}

export interface VuPlan extends BasePlan {
  model: 'closed';
  /** VU count changes; the first step is at 0 */
  curve: VuStep[];
  /** ramping-vus: how long a VU above the target may finish its iteration */
  gracefulRampDownMs: number;
  /** per-vu-iterations: iterations each VU runs (undefined: loop until the end) */
  iterationsPerVu?: number;
}

interface Vu {
  id: number;
  running: boolean;
  /** iteration in flight (-1 none) */
  current: number;
  hard: AbortController;
}

export function runVus(ctx: ExecutorContext<unknown>, plan: VuPlan): Promise<ExecutorResult> {
  return new ClosedRun(ctx, plan).run();
}

class ClosedRun {
  private readonly rec: Recorder;
  private readonly end: number;
  private readonly stopAll = sharedController();
  private readonly vus: Vu[] = [];
  private wanted = 0;
  private busy = 0;
  private started = 0;
  private completed = 0;
  private zeroTime = 0;
  private failure: unknown;
  private finished = false;
  private idleCb: (() => void) | undefined;
  private readonly interruptedIts = new Set<number>();
  /** aborted when every VU has stopped: ends waitScheduled's sleep */
  private wake = sharedController();

  constructor(
    private readonly ctx: ExecutorContext<unknown>,
    private readonly plan: VuPlan,
  ) {
    this.rec = new Recorder(ctx, ctx.live);
    this.end = plan.startMs + plan.durationMs;
  }

  async run(): Promise<ExecutorResult> {
    const { ctx, plan, stopAll } = this;
    const { clock, signal } = ctx;
    const onOuter = (): void => stopAll.abort();
    signal.addEventListener('abort', onOuter, { once: true });
    await this.walkCurve();
    await this.waitScheduled();
    stopAll.abort();
    signal.removeEventListener('abort', onOuter);

    const interrupted = await drain(
      clock,
      () => this.busy,
      (cb) => {
        this.idleCb = cb;
      },
      plan.gracefulStopMs,
    );
    this.finished = true;
    if (interrupted > 0) for (const v of this.vus) v.hard.abort();
    ctx.live.busy -= this.busy;
    this.rec.vus(0, clock.now());
    if (this.failure !== undefined) throw this.failure;
    const { started, completed } = this;
    return { name: ctx.name, type: plan.type, scheduled: started, completed, dropped: 0, maxSchedulerLagMs: 0 };
  }

  /** the VU curve: each step sets the wanted VU count at its time */
  private async walkCurve(): Promise<void> {
    const { clock } = this.ctx;
    for (const step of this.plan.curve) {
      const at = this.plan.startMs + step.atMs;
      if (at >= this.end) break;
      if (at > clock.now()) await clock.sleepUntil(at, this.stopAll.signal);
      if (this.stopAll.signal.aborted) break;
      this.setWanted(step.vus);
    }
  }

  /**
   * until the scheduled part ends (or every VU ran out of iterations): one sleep, which the stop or
   * the last VU to stop ends (vuStopped). It raced a Promise.all of the VU loops every second, and each
   * left a reaction on every loop until the loops ended: with 500 VUs, 500 more a second for the run
   */
  private async waitScheduled(): Promise<void> {
    const { clock } = this.ctx;
    const { stopAll } = this;
    const onStop = (): void => this.wake.abort();
    stopAll.signal.addEventListener('abort', onStop, { once: true });
    while (!stopAll.signal.aborted && clock.now() < this.end && !this.allStopped()) {
      // a wake from VUs that stopped before a later curve step started others
      if (this.wake.signal.aborted) this.wake = sharedController();
      // aborting drops the sleeper, so a virtual clock does not jump ahead to it
      await clock.sleepUntil(this.end, this.wake.signal);
    }
    stopAll.signal.removeEventListener('abort', onStop);
  }

  private allStopped(): boolean {
    return this.vus.every((v) => !v.running);
  }

  private vuStopped(): void {
    if (this.allStopped()) this.wake.abort();
  }

  private keepGoing(vu: Vu, n: number): boolean {
    const per = this.plan.iterationsPerVu;
    return (
      !this.stopAll.signal.aborted &&
      vu.id <= this.wanted &&
      this.ctx.clock.now() < this.end &&
      (per === undefined || n < per)
    );
  }

  /** one VU: iterations back to back while it is wanted and the run lasts */
  private async loop(vu: Vu): Promise<void> {
    const { ctx } = this;
    const { clock, target, live } = ctx;
    let n = 0;
    while (this.keepGoing(vu, n)) {
      const t0 = clock.now();
      const iteration = ctx.nextIteration();
      vu.current = iteration;
      this.busy++;
      live.busy++;
      this.started++;
      let outcome: IterationOutcome;
      try {
        outcome =
          (await callTarget(target, { vu: vu.id, iteration, intendedStartMs: t0, signal: vu.hard.signal })) ?? FAILED;
      } catch {
        outcome = FAILED;
      }
      // an interrupted iteration may end after its VU was restarted: leave the new one's state alone
      if (this.finished || this.interruptedIts.has(iteration)) return;
      vu.current = -1;
      this.busy--;
      live.busy--;
      this.completed++;
      const t1 = clock.now();
      this.checkTimeMoves(t0, t1);
      this.rec.complete(t1 - t0, t1, outcome);
      n++;
      if (this.busy === 0 && this.idleCb) this.idleCb();
      if (n % YIELD_EVERY === 0) await clock.yield();
    }
    vu.running = false;
    this.vuStopped();
  }

  /** on a virtual clock, a target that never sleeps takes no time: the loop would never end */
  private checkTimeMoves(t0: number, t1: number): void {
    if (t1 !== t0) {
      this.zeroTime = 0;
      return;
    }
    if (++this.zeroTime > MAX_ZERO_TIME_ITERATIONS)
      throw new Error(
        `${MAX_ZERO_TIME_ITERATIONS} iterations in a row took no time on this clock: with a virtual ` +
          `clock, targets must spend time through ctx.sleep`,
      );
  }

  private setWanted(n: number): void {
    const now = this.ctx.clock.now();
    const down = n < this.wanted;
    this.wanted = n;
    for (let id = 1; id <= n; id++) {
      let vu = this.vus[id - 1];
      if (!vu) {
        vu = { id, running: false, current: -1, hard: sharedController() };
        this.vus.push(vu);
      }
      if (!vu.running) {
        const v = vu;
        v.running = true;
        void this.loop(v).catch((e: unknown) => {
          this.failure ??= e;
          v.running = false;
          this.stopAll.abort();
          this.vuStopped();
        });
      }
    }
    this.rec.vus(n, now);
    if (down && this.plan.gracefulRampDownMs >= 0) this.rampDown(n);
  }

  /** VUs above the target finish their iteration; past gracefulRampDown it is interrupted */
  private rampDown(n: number): void {
    const { clock, live } = this.ctx;
    for (const vu of this.vus.slice(n)) {
      if (vu.current < 0) continue;
      const it = vu.current;
      void clock.sleep(this.plan.gracefulRampDownMs, this.stopAll.signal).then(() => {
        if (vu.current === it && vu.id > this.wanted && !this.finished) {
          this.interruptedIts.add(it);
          this.busy--;
          live.busy--;
          vu.current = -1;
          vu.running = false;
          vu.hard.abort();
          vu.hard = sharedController();
          if (this.busy === 0 && this.idleCb) this.idleCb();
          this.vuStopped();
        }
      });
    }
  }
}
