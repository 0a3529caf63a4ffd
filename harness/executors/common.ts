/**
 * Runtime shared by the executors: recording an iteration, the open-model (arrival-rate)
 * scheduler and the closed-model VU loops. Executor files only plan; they run through here.
 */
import type { CounterMetric, GaugeMetric, RateMetric, Tags, TrendMetric } from '../metrics/api.ts';
import type { ExecutorResult } from '../../results/types.ts';
import type { IterationContext, IterationOutcome, Target } from '../targets/api.ts';
import { setMaxListeners } from 'node:events';
import type { Clock } from './clock.ts';
import type { BasePlan, ExecutorContext, LiveStats } from './types.ts';

const FAILED: IterationOutcome = { ok: false };
/** at most this many iterations are started per scheduler wake-up before yielding to completions and I/O */
const MAX_BATCH = 2048;
/** closed-model VUs yield to the event loop every this many iterations (a target that never awaits I/O would starve timers) */
const YIELD_EVERY = 64;
/** consecutive iterations that took no clock time before a closed-model executor gives up (virtual clock + a target that never sleeps) */
const MAX_ZERO_TIME_ITERATIONS = 100_000;

/** an AbortController whose signal many in-flight iterations may listen to at once */
export function sharedController(): AbortController {
  const c = new AbortController();
  setMaxListeners(0, c.signal);
  return c;
}

export function callTarget(target: Target, it: IterationContext): Promise<IterationOutcome> {
  try {
    return target.iterate(it);
  } catch (e) {
    return Promise.reject(e);
  }
}

/** the standard metrics of one executor: latency, iterations, errors, dropped_iterations */
export class Recorder {
  private readonly latency: TrendMetric;
  private readonly iterations: CounterMetric;
  private readonly errors: RateMetric;
  private readonly droppedIterations: CounterMetric;
  private readonly vusGauge: GaugeMetric;

  constructor(
    ctx: ExecutorContext<unknown>,
    private readonly live: LiveStats,
    private readonly tags: Tags = ctx.tags,
  ) {
    this.latency = ctx.metrics.trend('latency');
    this.iterations = ctx.metrics.counter('iterations');
    this.errors = ctx.metrics.rate('errors');
    this.droppedIterations = ctx.metrics.counter('dropped_iterations');
    this.vusGauge = ctx.metrics.gauge('vus_executor');
  }

  complete(latencyMs: number, endMs: number, outcome: IterationOutcome): void {
    const tags = outcome.tags ? { ...this.tags, ...outcome.tags } : this.tags;
    this.latency.add(latencyMs, endMs, tags);
    this.iterations.add(1, endMs, tags);
    this.errors.add(!outcome.ok, endMs, tags);
    this.live.iterations++;
    if (!outcome.ok) this.live.errors++;
  }

  drop(nowMs: number): void {
    this.droppedIterations.add(1, nowMs, this.tags);
    this.live.dropped++;
  }

  vus(n: number, nowMs: number): void {
    this.live.vus = n;
    this.vusGauge.set(n, nowMs, this.tags);
  }
}

/** waits until `busy()` is 0 or `graceMs` has passed; returns how many were still in flight */
async function drain(
  clock: Clock,
  busy: () => number,
  onIdle: (cb: (() => void) | undefined) => void,
  graceMs: number,
): Promise<number> {
  if (busy() === 0) return 0;
  const stop = new AbortController();
  const idle = new Promise<void>((resolve) => onIdle(resolve));
  await Promise.race([idle, clock.sleep(graceMs, stop.signal)]);
  stop.abort();
  onIdle(undefined);
  return busy();
}

export interface ArrivalPlan extends BasePlan {
  model: 'open';
  expectedIterations: number;
  preAllocatedVUs: number;
  /** offset in ms from the executor's start at which iteration i (0-based) is due */
  timeOf(i: number): number;
}

/**
 * Open model (k6 arrival-rate executors, wrk2's corrected latency): iteration i starts at its
 * planned time whether or not earlier ones finished; its latency is measured from that intended
 * time, so a stalled target shows up in the percentiles instead of silently slowing the load.
 * Each wake-up starts every iteration already due (a batch per tick, no timer per iteration).
 * A free VU runs it; with none free a new VU is added up to maxVUs (VUs cost nothing to create
 * here, unlike k6, so the iteration runs on it), beyond that it is dropped (dropped_iterations).
 */
export async function runArrivals(ctx: ExecutorContext<unknown>, plan: ArrivalPlan): Promise<ExecutorResult> {
  const { clock, target, signal } = ctx;
  const live = ctx.live;
  const rec = new Recorder(ctx, live);
  const hard = sharedController();
  const start = plan.startMs;
  const total = plan.expectedIterations;
  const maxVUs = plan.maxVUs;
  const freeVus: number[] = [];
  let allocated = plan.preAllocatedVUs;
  for (let v = allocated; v >= 1; v--) freeVus.push(v);
  rec.vus(allocated, clock.now());

  let busy = 0,
    completed = 0,
    dropped = 0,
    maxLag = 0,
    i = 0;
  let finished = false;
  let idleCb: (() => void) | undefined;

  const startOne = (intended: number): void => {
    const vu = freeVus.pop() as number;
    busy++;
    live.busy++;
    const it: IterationContext = { vu, iteration: ctx.nextIteration(), intendedStartMs: intended, signal: hard.signal };
    const done = (outcome: IterationOutcome): void => {
      if (finished) return; // interrupted after gracefulStop: not counted
      busy--;
      live.busy--;
      freeVus.push(vu);
      completed++;
      const end = clock.now();
      rec.complete(end - intended, end, outcome);
      if (busy === 0 && idleCb) idleCb();
    };
    callTarget(target, it).then(
      (o) => done(o ?? FAILED),
      () => done(FAILED),
    );
  };

  while (i < total && !signal.aborted) {
    let now = clock.now();
    let due = start + plan.timeOf(i);
    if (due > now) {
      await clock.sleepUntil(due, signal);
      if (signal.aborted) break;
      now = clock.now();
    }
    let batch = 0;
    while (due <= now) {
      const lag = now - due;
      if (lag > maxLag) maxLag = lag;
      if (freeVus.length > 0) startOne(due);
      else if (allocated < maxVUs) {
        allocated++;
        freeVus.push(allocated);
        rec.vus(allocated, now);
        startOne(due);
      } else {
        dropped++;
        rec.drop(now);
      }
      if (++i >= total || ++batch >= MAX_BATCH) break;
      due = start + plan.timeOf(i);
    }
    if (batch >= MAX_BATCH) await clock.yield();
  }

  // gracefulStop counts from the end of the scheduled duration (k6), not from the last arrival
  const end = start + plan.durationMs;
  if (!signal.aborted && clock.now() < end) await clock.sleepUntil(end, signal);
  const interrupted = await drain(
    clock,
    () => busy,
    (cb) => (idleCb = cb),
    plan.gracefulStopMs,
  );
  finished = true;
  if (interrupted > 0) hard.abort();
  live.busy -= busy;
  return { name: ctx.name, type: plan.type, scheduled: i, completed, dropped, maxSchedulerLagMs: maxLag };
}

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

/**
 * Closed model (k6 constant-vus, ramping-vus, per-vu-iterations): each VU loops one iteration
 * after another; latency is measured from the iteration's actual start. A slow target slows the
 * load (which is what hides stalls: compare the open model above).
 */
export async function runVus(ctx: ExecutorContext<unknown>, plan: VuPlan): Promise<ExecutorResult> {
  const { clock, target, signal } = ctx;
  const live = ctx.live;
  const rec = new Recorder(ctx, live);
  const start = plan.startMs;
  const end = start + plan.durationMs;
  const stopAll = sharedController();
  const onOuter = (): void => stopAll.abort();
  signal.addEventListener('abort', onOuter, { once: true });

  interface Vu {
    id: number;
    running: boolean;
    /** iteration in flight (-1 none) */
    current: number;
    hard: AbortController;
    loop?: Promise<void>;
  }
  const vus: Vu[] = [];
  let wanted = 0;
  let busy = 0,
    started = 0,
    completed = 0,
    zeroTime = 0;
  let failure: unknown;
  let finished = false;
  let idleCb: (() => void) | undefined;
  const interruptedIts = new Set<number>();

  const keepGoing = (vu: Vu, n: number): boolean =>
    !stopAll.signal.aborted &&
    vu.id <= wanted &&
    clock.now() < end &&
    (plan.iterationsPerVu === undefined || n < plan.iterationsPerVu);

  const loop = async (vu: Vu): Promise<void> => {
    let n = 0;
    while (keepGoing(vu, n)) {
      const t0 = clock.now();
      const iteration = ctx.nextIteration();
      vu.current = iteration;
      busy++;
      live.busy++;
      started++;
      let outcome: IterationOutcome;
      try {
        outcome =
          (await callTarget(target, { vu: vu.id, iteration, intendedStartMs: t0, signal: vu.hard.signal })) ?? FAILED;
      } catch {
        outcome = FAILED;
      }
      // an interrupted iteration may end after its VU was restarted: leave the new one's state alone
      if (finished || interruptedIts.has(iteration)) return;
      vu.current = -1;
      busy--;
      live.busy--;
      completed++;
      const t1 = clock.now();
      // on a virtual clock, a target that never sleeps takes no time: the loop would never end
      if (t1 === t0) {
        if (++zeroTime > MAX_ZERO_TIME_ITERATIONS) {
          throw new Error(
            `${MAX_ZERO_TIME_ITERATIONS} iterations in a row took no time on this clock: with a virtual clock, targets must spend time through ctx.sleep`,
          );
        }
      } else zeroTime = 0;
      rec.complete(t1 - t0, t1, outcome);
      n++;
      if (busy === 0 && idleCb) idleCb();
      if (n % YIELD_EVERY === 0) await clock.yield();
    }
    vu.running = false;
  };

  const setWanted = (n: number): void => {
    const now = clock.now();
    const down = n < wanted;
    wanted = n;
    for (let id = 1; id <= n; id++) {
      let vu = vus[id - 1];
      if (!vu) {
        vu = { id, running: false, current: -1, hard: sharedController() };
        vus.push(vu);
      }
      if (!vu.running) {
        vu.running = true;
        vu.loop = loop(vu).catch((e: unknown) => {
          failure ??= e;
          vu.running = false;
          stopAll.abort();
        });
      }
    }
    rec.vus(n, now);
    if (down && plan.gracefulRampDownMs >= 0) {
      // VUs above the target finish their iteration; past gracefulRampDown it is interrupted
      for (const vu of vus.slice(n)) {
        if (vu.current < 0) continue;
        const it = vu.current;
        void clock.sleep(plan.gracefulRampDownMs, stopAll.signal).then(() => {
          if (vu.current === it && vu.id > wanted && !finished) {
            interruptedIts.add(it);
            busy--;
            live.busy--;
            vu.current = -1;
            vu.running = false;
            vu.hard.abort();
            vu.hard = sharedController();
            if (busy === 0 && idleCb) idleCb();
          }
        });
      }
    }
  };

  // walk the VU curve
  for (const step of plan.curve) {
    const at = start + step.atMs;
    if (at >= end) break;
    if (at > clock.now()) await clock.sleepUntil(at, stopAll.signal);
    if (stopAll.signal.aborted) break;
    setWanted(step.vus);
  }
  // wait for the scheduled part to end (or every VU to run out of iterations)
  const allDone = (): boolean => vus.every((v) => !v.running);
  while (!stopAll.signal.aborted && clock.now() < end && !allDone()) {
    const until = Math.min(end, clock.now() + 1000);
    const wake = new AbortController();
    await Promise.race([
      clock.sleepUntil(until, AbortSignal.any([stopAll.signal, wake.signal])),
      Promise.all(vus.map((v) => v.loop)),
    ]);
    wake.abort(); // drop the sleeper so a virtual clock does not jump ahead to it
  }
  stopAll.abort();
  signal.removeEventListener('abort', onOuter);

  const interrupted = await drain(
    clock,
    () => busy,
    (cb) => (idleCb = cb),
    plan.gracefulStopMs,
  );
  finished = true;
  if (interrupted > 0) for (const v of vus) v.hard.abort();
  live.busy -= busy;
  rec.vus(0, clock.now());
  if (failure !== undefined) throw failure;
  return { name: ctx.name, type: plan.type, scheduled: started, completed, dropped: 0, maxSchedulerLagMs: 0 };
}
