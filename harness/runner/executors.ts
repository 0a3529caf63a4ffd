/**
 * Runs every executor of a scenario concurrently, each from its startTime, against one target;
 * an http target with constant-vus is driven by its own engine (autocannon) instead. An executor
 * that throws aborts the run and still reports what it scheduled (zeros).
 */
import type { Clock } from '../executors/clock.ts';
import { runExecutor } from '../executors/index.ts';
import { newLiveStats, type LiveStats } from '../executors/types.ts';
import type { MetricsRegistry } from '../metrics/api.ts';
import type { ExecutorResult } from '../../results/types.ts';
import type { Scenario, ScenarioPlan } from '../scenario/load.ts';
import type { Target, TargetContext } from '../targets/api.ts';
import type { HttpTarget } from '../targets/http.ts';

export interface ExecutorsRun {
  /** resolves when every executor has ended */
  all: Promise<void>;
  /** live counters per executor, read by the once-a-second loop */
  lives: LiveStats[];
  /** per executor, in the order they ended (sort by the scenario's order before reporting) */
  results: ExecutorResult[];
}

export interface ExecutorsDeps {
  scenario: Scenario;
  plan: ScenarioPlan;
  clock: Clock;
  target: Target;
  targetCtx: TargetContext;
  registry: MetricsRegistry;
  stop: AbortSignal;
  abort: (reason: string) => void;
}

export function startExecutors(d: ExecutorsDeps): ExecutorsRun {
  const { scenario, plan, clock, target, targetCtx, registry, stop } = d;
  let seq = 0;
  const nextIteration = (): number => seq++;
  const lives: LiveStats[] = [];
  const results: ExecutorResult[] = [];
  const running = Object.entries(scenario.executors).map(async ([name, config], idx) => {
    const p = plan.executors[idx]!;
    const live = newLiveStats();
    lives.push(live);
    const tags = { ...scenario.tags, ...(config.tags ?? {}), executor: name };
    const empty: ExecutorResult = {
      name,
      type: config.executor,
      scheduled: 0,
      completed: 0,
      dropped: 0,
      maxSchedulerLagMs: 0,
    };
    if (p.startMs > clock.now()) await clock.sleepUntil(p.startMs, stop);
    if (stop.aborted) return void results.push(empty);
    try {
      const drive = (target as HttpTarget).drive;
      if (drive && config.executor === 'constant-vus') {
        live.vus = scenario.segment ? scenario.segment.count(config.vus ?? 1) : (config.vus ?? 1);
        const r = await drive({ connections: live.vus, durationMs: p.durationMs, ctx: targetCtx, tags, signal: stop });
        live.vus = 0;
        results.push({ ...empty, scheduled: r.requests, completed: r.requests });
      } else {
        const ctx = {
          name,
          config,
          clock,
          target,
          metrics: registry,
          tags,
          signal: stop,
          nextIteration,
          live,
          ...(scenario.segment ? { segment: scenario.segment } : {}),
        };
        results.push(await runExecutor(ctx));
      }
    } catch (e) {
      d.abort(`executor ${name} failed: ${(e as Error)?.message ?? e}`);
      results.push(empty);
    }
  });
  return { all: Promise.all(running).then(() => undefined), lives, results };
}
