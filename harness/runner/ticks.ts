/**
 * The runner's once-a-second loop while executors run: the vus gauge, threshold checks (an
 * abortOnFail failure stops the run), and the caller's progress callback.
 */
import type { Clock } from '../executors/clock.ts';
import type { LiveStats } from '../executors/types.ts';
import type { MetricsRegistry } from '../metrics/api.ts';
import type { Scenario, ScenarioPlan } from '../scenario/load.ts';
import type { CompiledThresholds } from '../thresholds/api.ts';
import type { Progress, RunObserver } from './api.ts';

export interface TickDeps {
  scenario: Scenario;
  plan: ScenarioPlan;
  clock: Clock;
  tickMs: number;
  registry: MetricsRegistry;
  thresholds: CompiledThresholds;
  lives: LiveStats[];
  /** resolves when every executor has ended */
  all: Promise<void>;
  stop: AbortSignal;
  abortByThreshold: (reason: string) => void;
  onProgress?: (p: Progress) => void;
  observers?: RunObserver[];
}

/** the seconds of latency a tick's progress reads (its p99): the registry keeps them, no more */
const PROGRESS_WINDOW_S = 1;

/** returns when every executor has ended; the vus gauge reads 0 from then */
export async function superviseRun(d: TickDeps): Promise<number> {
  const { clock, registry, lives, stop } = d;
  registry.retainWindow(PROGRESS_WINDOW_S, 'latency');
  let done = false;
  let failure: { e: unknown } | undefined;
  // the executors' end wakes the tick's sleep: raced each tick, `all` (which settles only at the end)
  // kept a reaction per tick for the whole run
  const ended = new AbortController();
  d.all
    .catch((e: unknown) => {
      failure = { e };
    })
    .finally(() => {
      done = true;
      ended.abort();
    });
  const vusGauge = registry.gauge('vus');
  let lastIterations = 0;
  let lastTick = 0;
  let sentPoints = 0;
  for (const o of d.observers ?? [])
    o.start?.({
      scenario: d.scenario.name,
      seed: d.scenario.seed,
      totalMs: d.plan.totalMs,
      warmupMs: d.scenario.warmupMs,
    });
  const sum = (k: keyof LiveStats): number => lives.reduce((a, l) => a + l[k], 0);
  vusGauge.set(0, 0);
  while (!done) {
    await clock.sleepUntil(lastTick + d.tickMs, ended.signal);
    if (done) break;
    const now = clock.now();
    vusGauge.set(sum('vus'), now);
    if (!stop.aborted) {
      const failed = d.thresholds.check(registry, now);
      if (failed) d.abortByThreshold(`threshold ${failed.metric}: ${failed.expression} failed (abortOnFail)`);
    }
    if (d.onProgress || d.observers?.length) {
      const iterations = sum('iterations');
      const progress = progressOf(d, now, iterations, lastIterations, lastTick);
      d.onProgress?.(progress);
      sentPoints = tellObservers(d, progress, sentPoints);
      lastIterations = iterations;
    }
    lastTick = now;
  }
  if (failure) throw failure.e;
  const endMs = clock.now();
  vusGauge.set(0, endMs);
  // the seconds since the last tick: observers see every second the summary will hold
  if (d.observers?.length)
    tellObservers(d, progressOf(d, endMs, sum('iterations'), lastIterations, lastTick), sentPoints);
  return endMs;
}

function progressOf(d: TickDeps, now: number, iterations: number, lastIterations: number, lastTick: number): Progress {
  const sum = (k: keyof LiveStats): number => d.lives.reduce((a, l) => a + l[k], 0);
  const win = d.registry.window('latency', now, PROGRESS_WINDOW_S);
  const { plan, scenario, stop } = d;
  return {
    phase: stop.aborted || now >= plan.totalMs ? 'stopping' : now < scenario.warmupMs ? 'warmup' : 'steady',
    elapsedMs: now,
    totalMs: plan.totalMs,
    iterations,
    errors: sum('errors'),
    ratePerSec: ((iterations - lastIterations) * 1000) / Math.max(1, now - lastTick),
    p99Ms: win && win.type === 'trend' ? win.p99 : 0,
    vus: sum('vus'),
    dropped: sum('dropped'),
  };
}

/** hands observers the one-second points from second `sent` on; returns the next second to send */
function tellObservers(d: TickDeps, progress: Progress, sent: number): number {
  const observers = d.observers ?? [];
  if (!observers.length) return sent;
  // one-second points whatever the summary's interval, and only the new ones (no copy of the run)
  const points = d.registry.secondsSince
    ? d.registry.secondsSince(progress.elapsedMs, sent)
    : d.registry.timeseries(progress.elapsedMs).slice(sent);
  const tick = { progress, points, metrics: d.registry.list() };
  for (const o of observers) o.tick(tick);
  return points.length ? points[points.length - 1]!.t / 1000 + 1 : sent;
}
