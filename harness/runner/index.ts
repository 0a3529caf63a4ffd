/**
 * runScenario: the one entry point the CLI, notebooks and tests use to run a scenario
 * (contract: ./api.ts). It validates, prepares metrics and thresholds, sets up the target, runs
 * every executor concurrently (each from its startTime), reports progress and checks thresholds
 * about once a second, stops cleanly on an abortOnFail threshold or the caller's signal, and
 * returns the full RunSummary (summary.json).
 */
import { Rng } from '../../generators/rng.ts';
import { type Clock, heldMs, RealClock, RunClock } from '../executors/clock.ts';
import { createRegistry, type Registry } from '../metrics/index.ts';
import { startSystemSampler } from '../metrics/system.ts';
import {
  SUMMARY_SCHEMA,
  type ExecutorResult,
  type FaultRecord,
  type LoadGeneratorReport,
  type MetricData,
  type RunSummary,
  type ServiceInfo,
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
import { isSimulationScenario, runSimulation, validateSimulation, type SimulationScenario } from '../sim/scenario.ts';
import type { CompiledThresholds } from '../thresholds/api.ts';
import type { Target, TargetContext } from '../targets/api.ts';
import { createTarget } from '../targets/index.ts';
import { runFaults, type RunFaults } from '../faults/run.ts';
import { withImpact } from '../../results/faults.ts';
import { version } from '../../results/version.ts';
import { redactSummary } from '../../results/redact.ts';
import { assessLoadGenerator, SATURATED_METRIC } from '../../results/saturation.ts';
import type { RunOptions } from './api.ts';
import { startExecutors } from './executors.ts';

export { exitCodeFor } from '../../results/exit-code.ts';
import { superviseRun } from './ticks.ts';

/** the most points a run's time series keeps: 34 minutes a second apart, then merged in pairs */
const TIMESERIES_MAX_POINTS = 2048;

export type { LiveTick, Progress, RunObserver, RunOptions, ScenarioOverrides } from './api.ts';

export interface RunnerOptions extends RunOptions {
  /** run time source; tests pass a VirtualClock (default: the real clock) */
  clock?: Clock;
  /** interval of progress callbacks and threshold checks, ms (default 1000) */
  tickMs?: number;
}

function isScenario(x: Scenario | ScenarioInput): x is Scenario {
  return typeof (x as Scenario).warmupMs === 'number' && typeof (x as Scenario).overrides === 'object';
}

/**
 * Run a scenario: a live one (defineScenario, loadScenario) against its target, or a simulated
 * one (defineSimulation) through the discrete-event model. Both return the same RunSummary shape
 * and the CLI's `pipelab run` goes through here for both.
 */
export async function runScenario(
  input: Scenario | ScenarioInput | SimulationScenario,
  options: RunnerOptions = {},
): Promise<RunSummary> {
  if (isSimulationScenario(input)) return runSimulated(input, options);
  const scenario = isScenario(input)
    ? applyOverrides(input, options.overrides ?? {})
    : validateScenario(input as ScenarioInput, options.overrides);
  const thresholds = thresholdsOf(scenario);
  // a real clock starts once the target is set up: setup time is not load time
  const runClock = options.clock ? undefined : new RunClock();
  const clock = options.clock ?? (runClock as RunClock);
  const registry = createRegistry({ warmupMs: scenario.warmupMs, maxPoints: TIMESERIES_MAX_POINTS });
  registry.setWarmup(scenario.warmupMs);
  thresholds.prepare(registry);

  const stop = new AbortController();
  let aborted: RunSummary['aborted'];
  const abort = (by: NonNullable<RunSummary['aborted']>['by'], reason: string): void => {
    if (aborted) return;
    aborted = { by, reason, atMs: clock.now() };
    stop.abort();
  };

  const target = createTarget(scenario.target);
  const live = followClock(() => clock);
  const faults = runFaults(scenario.faults, { clock: live, metrics: registry, seed: scenario.seed });
  const targetCtx = contextOf(scenario, live, registry, stop.signal, faults);
  await setUp(target, targetCtx, faults, scenario.target.type, registry);
  runClock?.start();

  const startedAtEpoch = Date.now();
  const system = startSystemSampler({ registry, now: () => clock.now(), measureFromMs: scenario.warmupMs });
  const onSignal = (): void => abort('signal', 'stopped by the user (interrupt)');
  let tornDown = false;
  try {
    if (options.signal?.aborted) onSignal();
    options.signal?.addEventListener('abort', onSignal, { once: true });
    const plan = planScenario(scenario);
    const elu0 = performance.eventLoopUtilization();
    const held0 = heldMs();
    faults.start();
    const run = startExecutors({
      scenario,
      plan,
      clock,
      target,
      targetCtx,
      registry,
      stop: stop.signal,
      abort: (reason) => abort('error', reason),
    });
    const endMs = await superviseRun({
      scenario,
      plan,
      clock,
      tickMs: options.tickMs ?? 1000,
      registry,
      thresholds,
      lives: run.lives,
      all: run.all,
      stop: stop.signal,
      abortByThreshold: (reason) => abort('threshold', reason),
      onProgress: options.onProgress,
      observers: options.observers,
    });
    // time the open model held the thread (Clock.hold) counts as idle: the loop was free for it
    const u = performance.eventLoopUtilization(elu0);
    const elu = Math.max(0, u.active - (heldMs() - held0)) / (u.idle + u.active || 1);
    options.signal?.removeEventListener('abort', onSignal);
    tornDown = true;
    const faultRecords = await faults.stop();
    const ended = await endTarget(target);
    // the sampler records gauges into the registry: stop it before the figures are read and the registry closed
    const systemSummary = system.stop();
    const loadGenerator = generatorReport(clock, elu, systemSummary, run.results, registry, endMs);
    return summaryOf({
      scenario,
      registry,
      thresholds,
      endMs,
      startedAtEpoch,
      aborted,
      system: systemSummary,
      loadGenerator,
      results: run.results,
      faults: faultRecords,
      ...ended,
    });
  } finally {
    // both idempotent: on an unexpected error nothing keeps running or holding WASM memory
    system.stop();
    registry.close();
    options.signal?.removeEventListener('abort', onSignal);
    stop.abort();
    if (!tornDown) await faults.stop().catch(() => undefined);
    if (!tornDown) await target.teardown().catch(() => undefined);
    await faults.close();
  }
}

function contextOf(
  scenario: Scenario,
  clock: Clock,
  registry: Registry,
  signal: AbortSignal,
  faults: RunFaults,
): TargetContext {
  return {
    metrics: registry,
    now: () => clock.now(),
    rng: new Rng(scenario.seed),
    signal,
    tags: scenario.tags,
    sleep: (ms: number, s?: AbortSignal) => clock.delay(ms, s),
    services: scenario.services,
    proxy: faults.proxy,
  };
}

/** a Clock that always reads the run's current clock (it is re-based after the target's setup) */
function followClock(current: () => Clock): Clock {
  return {
    now: () => current().now(),
    sleepUntil: (t, signal) => current().sleepUntil(t, signal),
    sleep: (ms, signal) => current().sleep(ms, signal),
    yield: () => current().yield(),
    delay: (ms, signal) => current().delay(ms, signal),
  };
}

/** the target's setup, then the faults checked against it; on a failure nothing is left running */
async function setUp(
  target: Target,
  ctx: TargetContext,
  faults: RunFaults,
  targetType: string,
  registry: Registry,
): Promise<void> {
  try {
    await target.setup(ctx);
  } catch (e) {
    registry.close();
    await faults.close();
    throw e;
  }
  try {
    await faults.ready(target, targetType);
  } catch (e) {
    await target.teardown().catch(() => undefined);
    registry.close();
    await faults.close();
    throw e;
  }
}

/**
 * teardown (its error is reported in extra.teardownError, not thrown), then what the target
 * reports. A teardown error leaves the books open: the run is marked incomplete, and so is its
 * accounting, whatever the target managed to tally.
 */
async function endTarget(target: Target): Promise<{
  services: Record<string, ServiceInfo>;
  extra: Record<string, unknown>;
  incomplete?: { reason: string };
}> {
  let teardownError: string | undefined;
  try {
    await target.teardown();
  } catch (e) {
    teardownError = (e as Error)?.message ?? String(e);
  }
  const services: Record<string, ServiceInfo> = { ...target.services() };
  const extra: Record<string, unknown> = { ...(target.extra?.() ?? {}), ...(teardownError ? { teardownError } : {}) };
  if (teardownError === undefined) return { services, extra };
  const reason = `the target's teardown failed: ${teardownError}`;
  const acc = extra.accounting;
  if (acc && typeof acc === 'object')
    extra.accounting = { ...acc, incomplete: (acc as { incomplete?: string }).incomplete ?? reason };
  return { services, extra, incomplete: { reason } };
}

interface SummaryParts {
  scenario: Scenario;
  registry: Registry;
  thresholds: CompiledThresholds;
  endMs: number;
  startedAtEpoch: number;
  aborted: RunSummary['aborted'];
  system: RunSummary['system'];
  loadGenerator: LoadGeneratorReport | undefined;
  results: ExecutorResult[];
  services: Record<string, ServiceInfo>;
  extra: Record<string, unknown>;
  incomplete?: { reason: string };
  faults: FaultRecord[] | undefined;
}

/** reads the registry's figures and closes it */
function summaryOf(p: SummaryParts): RunSummary {
  const { scenario, registry, endMs, startedAtEpoch, aborted, extra } = p;
  const metrics = registry.snapshot(endMs);
  const timeseries = { intervalMs: registry.intervalMs, points: registry.timeseries(endMs) };
  const thresholdResults = p.thresholds.final(registry, endMs);
  registry.close();
  const order = Object.keys(scenario.executors);
  const results = [...p.results].sort((a, b) => order.indexOf(a.name) - order.indexOf(b.name));
  // settings and service details may carry credentials (a Redis URL with a password): never in a summary
  return redactSummary({
    schema: SUMMARY_SCHEMA,
    harness: { name: 'pipelab', version, node: process.version },
    scenario: {
      name: scenario.name,
      ...(scenario.file !== undefined ? { file: scenario.file } : {}),
      ...(scenario.description !== undefined ? { description: scenario.description } : {}),
      tags: scenario.tags,
    },
    seed: scenario.seed,
    ...(scenario.segment
      ? { executionSegment: { segment: scenario.segment.segment, sequence: scenario.segment.sequence } }
      : {}),
    config: configOf(scenario),
    services: p.services,
    startedAt: new Date(startedAtEpoch).toISOString(),
    endedAt: new Date(startedAtEpoch + endMs).toISOString(),
    durationMs: endMs,
    warmupMs: scenario.warmupMs,
    ...(p.incomplete ? { incomplete: p.incomplete } : {}),
    ...(p.faults
      ? {
          faults: withImpact(p.faults, {
            timeseries,
            warmupMs: scenario.warmupMs,
          }),
        }
      : {}),
    ...(aborted ? { aborted } : {}),
    metrics,
    timeseries,
    thresholds: thresholdResults,
    executors: results,
    system: p.system,
    ...(p.loadGenerator ? { loadGenerator: p.loadGenerator } : {}),
    ...(Object.keys(extra).length ? { extra } : {}),
  } satisfies RunSummary);
}

/**
 * A simulation scenario: validated (overrides applied), simulated with its thresholds on the
 * simulated registry, costed. Starts now on the wall clock; the figures depend only on the seed.
 */
function runSimulated(input: SimulationScenario, options: RunnerOptions): RunSummary {
  const overrides = options.overrides ?? {};
  const scenario = validateSimulation(input, overrides, options.file);
  return runSimulation(scenario, {
    overrides,
    ...(options.file !== undefined ? { file: options.file } : {}),
    startedAt: new Date().toISOString(),
    onTick: options.onSimulatedTick,
  });
}

/** p99 of a trend after the warm-up (scheduler_lag, http_req_blocked: all executors), 0 when none */
function p99Of(snapshot: Record<string, MetricData>, name: string): number {
  const t = snapshot[name];
  return t?.type === 'trend' && t.count > 0 ? t.p99 : 0;
}

/**
 * The load generator's headroom (real clock only: a virtual run has none to measure). Also sets
 * the gauge a threshold can fail the run on: load_generator_saturated: ['value==0'].
 */
function generatorReport(
  clock: Clock,
  elu: number,
  system: RunSummary['system'],
  results: ExecutorResult[],
  registry: Registry,
  endMs: number,
): LoadGeneratorReport | undefined {
  if (!(clock instanceof RealClock || clock instanceof RunClock)) return undefined;
  const snap = registry.snapshot(endMs);
  const dropped = snap.dropped_iterations;
  const report = assessLoadGenerator({
    eventLoopUtilization: elu,
    eventLoopDelayP99Ms: system.eventLoopDelayMs.p99,
    cpuPercent: system.cpuPercent.mean,
    maxSchedulerLagMs: Math.max(0, ...results.map((r) => r.maxSchedulerLagMs)),
    schedulerLagP99Ms: p99Of(snap, 'scheduler_lag'),
    droppedIterations: dropped?.type === 'counter' ? dropped.count : 0,
    connectionWaitP99Ms: p99Of(snap, 'http_req_blocked'),
  });
  registry.gauge(SATURATED_METRIC).set(report.saturated ? 1 : 0, endMs);
  return report;
}
