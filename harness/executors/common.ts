/**
 * Runtime shared by the executors: recording an iteration, the open-model (arrival-rate)
 * scheduler (closed.ts has the closed-model VU loops). Executor files only plan; they run through here.
 */
import type { CounterMetric, GaugeMetric, RateMetric, Tags, TrendMetric } from '../metrics/api.ts';
import type { ExecutorResult } from '../../results/types.ts';
import type { IterationContext, IterationOutcome, Target } from '../targets/api.ts';
import { setMaxListeners } from 'node:events';
import type { Clock } from './clock.ts';
import type { BasePlan, ExecutorContext, LiveStats } from './types.ts';

export const FAILED: IterationOutcome = { ok: false };
/** at most this many iterations are started per scheduler wake-up before yielding to completions and I/O */
const MAX_BATCH = 2048;
/**
 * how late (ms) the open model's next iteration must be before a completion starts what is due,
 * instead of the scheduler's next timer wake-up (~1 ms). Sent on the tick, requests leave in
 * batches and the server and the driver wake once per batch; sent as each response arrives, both
 * woke about once per request: at 35k/s, 50 connections, a node:http server took 61-62 % of a core
 * against 51-54 %, the driver 63-64 % against 54-56 % (bench conditions, 2026-12-06 23:05 UTC)
 */
const LATE_MS = 2;
/**
 * At rates where the next iteration is due within this (ms) and the target reads in batches
 * (Target.readsInBatches: the http target's raw engine), the open model holds the thread
 * (Clock.hold) until at most this long after its last wake-up instead of sleeping on a ~1 ms timer;
 * then one loop turn reads every response that arrived meanwhile and starts what is due. A loop
 * asleep on a timer is woken by each response (280k epoll waits for 315k requests at 35k/s on 50
 * connections); held 0.3 ms, 31k (2026-12-07 02:05 UTC). Longer holds send bigger batches, so the
 * server under test, idle between them, is woken less often, but every response waits longer in the
 * kernel: 0.6 against 0.3 ms (2026-12-07 07:27-07:46 UTC, 50 connections, alternating each second)
 * cost the node:http server 0.980x the CPU a request at 57k/s and 0.957x at 35k/s, and added 0.35-0.45
 * ms to every p50 (0.86 against 0.48 ms at 35k/s, 1.0 against 0.56 at 5k/s): a server answering in
 * half a millisecond would read twice as slow for 2 % of its CPU at 85 % load. Kept at 0.3.
 */
const HOLD_MS = 0.3;
/**
 * A held tick also ends once this share of the target's slots (Target.slots) has come due. A slot
 * a tick fills is free again at the next tick at the earliest (responses are read once a loop turn),
 * so a tick that gathers more than the free slots leaves the rest waiting a whole tick
 */
const HOLD_SHARE = 0.6;

/** an AbortController whose signal many in-flight iterations may listen to at once */
export function sharedController(): AbortController {
  const c = new AbortController();
  setMaxListeners(0, c.signal);
  return c;
}

/** what a settled iteration promise carried: its outcome, or FAILED for a rejection or nothing */
function asOutcome(o: unknown): IterationOutcome {
  return o !== null && typeof o === 'object' && typeof (o as IterationOutcome).ok === 'boolean'
    ? (o as IterationOutcome)
    : FAILED;
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
  private lag: TrendMetric | undefined;

  private readonly metrics: ExecutorContext<unknown>['metrics'];

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
    this.metrics = ctx.metrics;
  }

  /** executor tags merged with a target's tags, by the target's tags object (targets reuse them, e.g. per status) */
  private readonly merged = new WeakMap<Tags, Tags>();

  private lastExtra: Tags | undefined;
  private lastMerged: Tags = {};

  complete(latencyMs: number, endMs: number, outcome: IterationOutcome): void {
    const tags = outcome.tags ? this.withTags(outcome.tags) : this.tags;
    this.latency.add(latencyMs, endMs, tags);
    this.iterations.add(1, endMs, tags);
    this.errors.add(!outcome.ok, endMs, tags);
    this.live.iterations++;
    if (!outcome.ok) this.live.errors++;
  }

  private withTags(extra: Tags): Tags {
    // most outcomes in a row carry the same tags object (one per status)
    if (extra === this.lastExtra) return this.lastMerged;
    let t = this.merged.get(extra);
    if (!t) {
      t = { ...this.tags, ...extra };
      this.merged.set(extra, t);
    }
    this.lastExtra = extra;
    this.lastMerged = t;
    return t;
  }

  /** open model: how late an iteration started against its plan (the generator's own delay) */
  schedulerLag(lagMs: number, nowMs: number): void {
    // created on first use, so closed-model runs carry no empty scheduler_lag
    this.lag ??= this.metrics.trend('scheduler_lag');
    this.lag.add(lagMs, nowMs, this.tags);
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
export async function drain(
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

/** one open-model VU: its current iteration's intended start, its reused context and completion handler */
interface VuSlot {
  vu: number;
  intended: number;
  it: IterationContext;
  done: (o: unknown) => void;
}

export interface ArrivalPlan extends BasePlan {
  model: 'open';
  expectedIterations: number;
  preAllocatedVUs: number;
  /** offset in ms from the executor's start at which iteration i (0-based) is due */
  timeOf(i: number): number;
}

/**
 * The open model's VUs. A VU runs one iteration at a time, so its completion handler and (fast
 * path) its context are made once per VU and reused: no closure and no context object per
 * iteration. Free VUs wait on a stack; busy and completed are counted here.
 */
class ArrivalVus {
  busy = 0;
  completed = 0;
  /** set after gracefulStop: iterations still running then are interrupted, not counted */
  finished = false;
  idleCb: (() => void) | undefined;
  /** called after each completion with its end time (the scheduler starts what has come due) */
  onComplete: (endMs: number) => void = () => {};
  readonly free: VuSlot[] = [];
  allocated = 0;
  private readonly fast: Target['iterateCallback'];

  constructor(
    private readonly ctx: ExecutorContext<unknown>,
    private readonly rec: Recorder,
    private readonly signal: AbortSignal,
    preAllocated: number,
  ) {
    this.fast = ctx.target.iterateCallback?.bind(ctx.target);
    this.allocated = preAllocated;
    for (let v = preAllocated; v >= 1; v--) this.free.push(this.slot(v));
    rec.vus(preAllocated, ctx.clock.now());
  }

  private slot(vu: number): VuSlot {
    const { clock, live } = this.ctx;
    const s: VuSlot = {
      vu,
      intended: 0,
      it: { vu, iteration: 0, intendedStartMs: 0, signal: this.signal },
      // one handler for both settlements (a rejection's value is no outcome)
      done: (o: unknown): void => {
        if (this.finished) return;
        this.busy--;
        live.busy--;
        this.completed++;
        const end = clock.now();
        this.rec.complete(end - s.intended, end, asOutcome(o));
        this.free.push(s);
        if (this.busy === 0 && this.idleCb) this.idleCb();
        this.onComplete(end);
      },
    };
    return s;
  }

  /** one more VU (below maxVUs: the caller checks) */
  add(now: number): void {
    this.allocated++;
    this.free.push(this.slot(this.allocated));
    this.rec.vus(this.allocated, now);
  }

  /** the iteration intended at `intended` on a free VU (the caller checks there is one) */
  start(intended: number): void {
    const s = this.free.pop() as VuSlot;
    this.busy++;
    this.ctx.live.busy++;
    s.intended = intended;
    const iteration = this.ctx.nextIteration();
    const fast = this.fast;
    if (fast) {
      const it = s.it;
      it.iteration = iteration;
      it.intendedStartMs = intended;
      try {
        fast(it, s.done);
      } catch {
        s.done(FAILED);
      }
    } else {
      const it: IterationContext = { vu: s.vu, iteration, intendedStartMs: intended, signal: this.signal };
      callTarget(this.ctx.target, it).then(s.done, s.done);
    }
  }
}

/**
 * Open model (k6 arrival-rate executors, wrk2's corrected latency): iteration i starts at its
 * planned time whether or not earlier ones finished; its latency is measured from that intended
 * time, so a stalled target shows up in the percentiles instead of silently slowing the load.
 * Each wake-up starts every iteration already due (a batch per tick, no timer per iteration);
 * when the timer is late by more than LATE_MS (a loop busy with responses), the next completion
 * starts them instead. At high rates a target that reads in batches gets a held tick (HOLD_MS, or
 * until HOLD_SHARE of its slots are due).
 * A free VU runs it; with none free a new VU is added up to maxVUs (VUs cost nothing to create
 * here, unlike k6, so the iteration runs on it), beyond that it is dropped (dropped_iterations).
 */
export async function runArrivals(ctx: ExecutorContext<unknown>, plan: ArrivalPlan): Promise<ExecutorResult> {
  const { clock, signal } = ctx;
  const rec = new Recorder(ctx, ctx.live);
  const hard = sharedController();
  const start = plan.startMs;
  const total = plan.expectedIterations;
  const maxVUs = plan.maxVUs;
  const vus = new ArrivalVus(ctx, rec, hard.signal, plan.preAllocatedVUs);
  const free = vus.free;
  let dropped = 0,
    maxLag = 0,
    i = 0;
  let due = total > 0 ? start + plan.timeOf(0) : Number.POSITIVE_INFINITY;
  let pumping = false;
  /** starts the iterations due by `now`, at most MAX_BATCH of them; returns how many */
  const pump = (now: number): number => {
    pumping = true;
    let batch = 0;
    while (due <= now) {
      const lag = now - due;
      if (lag > maxLag) maxLag = lag;
      rec.schedulerLag(lag, now);
      if (free.length > 0) vus.start(due);
      else if (vus.allocated < maxVUs) {
        vus.add(now);
        vus.start(due);
      } else {
        dropped++;
        rec.drop(now);
      }
      batch++;
      due = ++i < total ? start + plan.timeOf(i) : Number.POSITIVE_INFINITY;
      if (batch >= MAX_BATCH) break;
    }
    pumping = false;
    return batch;
  };
  // from a completion handler, when the timer is late (a busy loop): never nested in a pump (a
  // target may complete inside its call)
  vus.onComplete = (end) => {
    if (end >= due + LATE_MS && !pumping && !signal.aborted) pump(end);
  };

  const hold = ctx.target.readsInBatches ? clock.hold?.bind(clock) : undefined;
  /** the iterations a held tick gathers at most */
  const perTick = Math.max(1, Math.floor((ctx.target.slots ?? Number.POSITIVE_INFINITY) * HOLD_SHARE));
  /** when the last hold ended: a loop turn that took HOLD_MS or more holds no further */
  let woke = 0;
  while (i < total && !signal.aborted) {
    let now = clock.now();
    if (hold && due > now && due < now + HOLD_MS) {
      // until HOLD_MS after the last wake-up, or the time perTick iterations (or the last) are due
      hold(Math.min(woke + HOLD_MS, start + plan.timeOf(Math.min(i + perTick, total) - 1)));
      woke = clock.now();
      await clock.yield();
      continue;
    }
    if (due > now) {
      await clock.sleepUntil(due, signal);
      if (signal.aborted) break;
      now = clock.now();
    }
    if (pump(now) >= MAX_BATCH) await clock.yield();
  }

  // gracefulStop counts from the end of the scheduled duration (k6), not from the last arrival
  const end = start + plan.durationMs;
  if (!signal.aborted && clock.now() < end) await clock.sleepUntil(end, signal);
  const interrupted = await drain(
    clock,
    () => vus.busy,
    (cb) => (vus.idleCb = cb),
    plan.gracefulStopMs,
  );
  vus.finished = true;
  if (interrupted > 0) hard.abort();
  ctx.live.busy -= vus.busy;
  return {
    name: ctx.name,
    type: plan.type,
    scheduled: i,
    completed: vus.completed,
    dropped,
    maxSchedulerLagMs: maxLag,
  };
}
