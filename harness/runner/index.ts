/**
 * runScenario: the one entry point the CLI, notebooks and tests use to run a scenario
 * (contract: ./api.ts). It validates, prepares metrics and thresholds, sets up the target, runs
 * every executor concurrently (each from its startTime), reports progress and checks thresholds
 * about once a second, stops cleanly on an abortOnFail threshold or the caller's signal, and
 * returns the full RunSummary (summary.json).
 */
import { Rng } from '../../generators/rng.ts';
import { RealClock, type Clock } from '../executors/clock.ts';
import { EXIT_CODES } from '../../errors.ts';
import { runExecutor } from '../executors/index.ts';
import { newLiveStats, type LiveStats } from '../executors/types.ts';
import { createRegistry } from '../metrics/index.ts';
import { startSystemSampler } from '../metrics/system.ts';
import {
  SUMMARY_SCHEMA,
  type ExecutorResult,
  type RunSummary,
  type ServiceInfo,
  type ThresholdResult,
} from '../../results/types.ts';
import {
  configOf,
  planScenario,
  thresholdsOf,
  validateScenario,
  applyOverrides,
  type Scenario,
} from '../scenario/load.ts';
import type { ScenarioInput } from '../scenario/schema.ts';
import type { HttpTarget } from '../targets/http.ts';
import { createTarget } from '../targets/index.ts';
import { version } from '../../results/version.ts';
import type { Progress, RunOptions } from './api.ts';

export type { Progress, RunOptions, ScenarioOverrides } from './api.ts';

export interface RunnerOptions extends RunOptions {
  /** run time source; tests pass a VirtualClock (default: the real clock) */
  clock?: Clock;
  /** interval of progress callbacks and threshold checks, ms (default 1000) */
  tickMs?: number;
}

function isScenario(x: Scenario | ScenarioInput): x is Scenario {
  return typeof (x as Scenario).warmupMs === 'number' && typeof (x as Scenario).overrides === 'object';
}

export async function runScenario(input: Scenario | ScenarioInput, options: RunnerOptions = {}): Promise<RunSummary> {
  const scenario = isScenario(input)
    ? applyOverrides(input, options.overrides ?? {})
    : validateScenario(input, options.overrides);
  const plan = planScenario(scenario);
  const thresholds = thresholdsOf(scenario);
  const clock = options.clock ?? new RealClock();
  const tickMs = options.tickMs ?? 1000;
  const registry = createRegistry({ warmupMs: scenario.warmupMs });
  registry.setWarmup(scenario.warmupMs);
  registry.retainWindow(1);
  thresholds.prepare(registry);

  const stop = new AbortController();
  let aborted: RunSummary['aborted'];
  const abort = (by: NonNullable<RunSummary['aborted']>['by'], reason: string): void => {
    if (aborted) return;
    aborted = { by, reason, atMs: clock.now() };
    stop.abort();
  };

  const target = createTarget(scenario.target);
  const rng = new Rng(scenario.seed);
  const targetCtx = {
    metrics: registry,
    now: () => clock.now(),
    rng,
    signal: stop.signal,
    tags: scenario.tags,
    sleep: (ms: number, signal?: AbortSignal) => clock.delay(ms, signal),
    services: scenario.services,
  };
  try {
    await target.setup(targetCtx);
  } catch (e) {
    registry.close();
    throw e;
  }

  const startedAtEpoch = Date.now();
  const system = startSystemSampler({ registry, now: () => clock.now() });
  const onSignal = (): void => abort('signal', 'stopped by the user (interrupt)');
  let tornDown = false;
  try {
    if (options.signal?.aborted) onSignal();
    options.signal?.addEventListener('abort', onSignal, { once: true });

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
      if (p.startMs > clock.now()) await clock.sleepUntil(p.startMs, stop.signal);
      if (stop.signal.aborted) return void results.push(empty);
      try {
        const drive = (target as HttpTarget).drive;
        if (drive && config.executor === 'constant-vus') {
          live.vus = config.vus ?? 1;
          const r = await drive({
            connections: live.vus,
            durationMs: p.durationMs,
            ctx: targetCtx,
            tags,
            signal: stop.signal,
          });
          live.vus = 0;
          results.push({ ...empty, scheduled: r.requests, completed: r.requests });
        } else {
          results.push(
            await runExecutor({
              name,
              config,
              clock,
              target,
              metrics: registry,
              tags,
              signal: stop.signal,
              nextIteration,
              live,
            }),
          );
        }
      } catch (e) {
        abort('error', `executor ${name} failed: ${(e as Error)?.message ?? e}`);
        results.push(empty);
      }
    });
    let done = false;
    const all = Promise.all(running).then(() => {
      done = true;
    });

    // once a second: the vus gauge, threshold checks (abortOnFail), progress
    const vusGauge = registry.gauge('vus');
    let lastIterations = 0;
    let lastTick = 0;
    const sum = (k: keyof LiveStats): number => lives.reduce((a, l) => a + l[k], 0);
    vusGauge.set(0, 0);
    while (!done) {
      const wake = new AbortController();
      await Promise.race([clock.sleepUntil(lastTick + tickMs, wake.signal), all]);
      wake.abort();
      if (done) break;
      const now = clock.now();
      vusGauge.set(sum('vus'), now);
      if (!stop.signal.aborted) {
        const failed = thresholds.check(registry, now);
        if (failed) abort('threshold', `threshold ${failed.metric}: ${failed.expression} failed (abortOnFail)`);
      }
      if (options.onProgress) {
        const iterations = sum('iterations');
        const win = registry.window('latency', now, 1);
        const progress: Progress = {
          phase:
            stop.signal.aborted || now >= plan.totalMs ? 'stopping' : now < scenario.warmupMs ? 'warmup' : 'steady',
          elapsedMs: now,
          totalMs: plan.totalMs,
          iterations,
          errors: sum('errors'),
          ratePerSec: ((iterations - lastIterations) * 1000) / Math.max(1, now - lastTick),
          p99Ms: win && win.type === 'trend' ? win.p99 : 0,
          vus: sum('vus'),
          dropped: sum('dropped'),
        };
        lastIterations = iterations;
        options.onProgress(progress);
      }
      lastTick = now;
    }
    options.signal?.removeEventListener('abort', onSignal);
    const endMs = clock.now();
    vusGauge.set(0, endMs);

    let teardownError: string | undefined;
    try {
      tornDown = true;
      await target.teardown();
    } catch (e) {
      teardownError = (e as Error)?.message ?? String(e);
    }
    const services: Record<string, ServiceInfo> = { ...target.services() };
    const extra = { ...(target.extra?.() ?? {}), ...(teardownError ? { teardownError } : {}) };

    // the sampler records gauges into the registry: stop it before the figures are read and the registry closed
    const systemSummary = system.stop();
    const metrics = registry.snapshot(endMs);
    const timeseries = registry.timeseries(endMs);
    const thresholdResults: ThresholdResult[] = thresholds.final(registry, endMs);
    registry.close();
    const order = Object.keys(scenario.executors);
    results.sort((a, b) => order.indexOf(a.name) - order.indexOf(b.name));

    return {
      schema: SUMMARY_SCHEMA,
      harness: { name: 'pipelab', version, node: process.version },
      scenario: {
        name: scenario.name,
        ...(scenario.file !== undefined ? { file: scenario.file } : {}),
        ...(scenario.description !== undefined ? { description: scenario.description } : {}),
        tags: scenario.tags,
      },
      seed: scenario.seed,
      config: configOf(scenario),
      services,
      startedAt: new Date(startedAtEpoch).toISOString(),
      endedAt: new Date(startedAtEpoch + endMs).toISOString(),
      durationMs: endMs,
      warmupMs: scenario.warmupMs,
      ...(aborted ? { aborted } : {}),
      metrics,
      timeseries: { intervalMs: 1000, points: timeseries },
      thresholds: thresholdResults,
      executors: results,
      system: systemSummary,
      ...(Object.keys(extra).length ? { extra } : {}),
    };
  } finally {
    // both idempotent: on an unexpected error nothing keeps running or holding WASM memory
    system.stop();
    registry.close();
    options.signal?.removeEventListener('abort', onSignal);
    stop.abort();
    if (!tornDown) await target.teardown().catch(() => undefined);
  }
}

/** k6-compatible process exit code for a finished run (EXIT_CODES) */
export function exitCodeFor(summary: RunSummary): number {
  if (summary.aborted?.by === 'threshold') return EXIT_CODES.ABORTED_BY_THRESHOLD;
  if (summary.aborted?.by === 'signal') return EXIT_CODES.ABORTED_BY_USER;
  if (summary.aborted?.by === 'error') return EXIT_CODES.INTERNAL;
  if (summary.thresholds.some((t) => !t.ok)) return EXIT_CODES.THRESHOLDS_FAILED;
  return EXIT_CODES.OK;
}
