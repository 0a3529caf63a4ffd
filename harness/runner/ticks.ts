/**
 * The runner's once-a-second loop while executors run: the vus gauge, threshold checks (an
 * abortOnFail failure stops the run), and the caller's progress callback.
 */
import type { Clock } from '../executors/clock.ts';
import type { LiveStats } from '../executors/types.ts';
import type { MetricsRegistry } from '../metrics/api.ts';
import type { Scenario, ScenarioPlan } from '../scenario/load.ts';
import type { CompiledThresholds } from '../thresholds/api.ts';
import type { Progress } from './api.ts';

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
}

/** returns when every executor has ended; the vus gauge reads 0 from then */
export async function superviseRun(d: TickDeps): Promise<number> {
  const { clock, registry, lives, stop } = d;
  let done = false;
  const all = d.all.then(() => {
    done = true;
  });
  const vusGauge = registry.gauge('vus');
  let lastIterations = 0;
  let lastTick = 0;
  const sum = (k: keyof LiveStats): number => lives.reduce((a, l) => a + l[k], 0);
  vusGauge.set(0, 0);
  while (!done) {
    const wake = new AbortController();
    await Promise.race([clock.sleepUntil(lastTick + d.tickMs, wake.signal), all]);
    wake.abort();
    if (done) break;
    const now = clock.now();
    vusGauge.set(sum('vus'), now);
    if (!stop.aborted) {
      const failed = d.thresholds.check(registry, now);
      if (failed) d.abortByThreshold(`threshold ${failed.metric}: ${failed.expression} failed (abortOnFail)`);
    }
    if (d.onProgress) {
      const iterations = sum('iterations');
      const win = registry.window('latency', now, 1);
      const { plan, scenario } = d;
      d.onProgress({
        phase: stop.aborted || now >= plan.totalMs ? 'stopping' : now < scenario.warmupMs ? 'warmup' : 'steady',
        elapsedMs: now,
        totalMs: plan.totalMs,
        iterations,
        errors: sum('errors'),
        ratePerSec: ((iterations - lastIterations) * 1000) / Math.max(1, now - lastTick),
        p99Ms: win && win.type === 'trend' ? win.p99 : 0,
        vus: sum('vus'),
        dropped: sum('dropped'),
      });
      lastIterations = iterations;
    }
    lastTick = now;
  }
  const endMs = clock.now();
  vusGauge.set(0, endMs);
  return endMs;
}
