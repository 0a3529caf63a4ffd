/**
 * findCapacity: the highest arrival rate a scenario's system sustains under an SLO, for a live
 * scenario (http, kafka, pipeline or function target: its one arrival-rate executor is run at
 * each probe's rate for `step`) or a simulation (its arrivals become a Poisson stream at the
 * probe's rate for `step` of simulated time). Each probe is a whole run through runScenario,
 * judged by judge.ts; search.ts picks the rates.
 */
import { PipelabError } from '../../errors.ts';
import { CAPACITY_SCHEMA, type CapacityCriteria, type CapacityResult } from '../../results/capacity.ts';
import { formatDuration, tryParseDuration } from '../../results/duration.ts';
import type { RunSummary } from '../../results/types.ts';
import { version } from '../../results/version.ts';
import type { ExecutorConfig } from '../executors/index.ts';
import { runScenario } from '../runner/index.ts';
import type { Scenario, ScenarioInput } from '../scenario/index.ts';
import { validateScenario } from '../scenario/index.ts';
import { isSimulationScenario, loadAnyScenario, type SimulationScenario } from '../sim/scenario.ts';
import { DEFAULT_CRITERIA, judgeProbe, parseSlo, sloMetric } from './judge.ts';
import { type ProbeFn, type SearchOptions, searchCapacity } from './search.ts';

export interface CapacityOptions extends Omit<SearchOptions, 'startRate' | 'seed'> {
  /** the SLO, k6 threshold syntax on a latency: `p(99)<500`, or `latency:p(95)<200` naming the metric */
  slo: string;
  /** first rate tried, per second (default: the scenario's own rate, or 100) */
  startRate?: number;
  /** length of each probe, k6 duration (default 30s live, 2m simulated) */
  step?: string;
  criteria?: Partial<CapacityCriteria>;
  seed?: number;
  /** service overrides for live scenarios, as `pipelab run --kafka ...` */
  services?: Record<string, string>;
}

type Loaded = { kind: 'live'; scenario: Scenario } | { kind: 'simulation'; scenario: SimulationScenario };

async function load(input: string | Scenario | ScenarioInput | SimulationScenario, o: CapacityOptions) {
  const overrides = o.services ? { services: o.services } : {};
  if (typeof input === 'string') return (await loadAnyScenario(input, overrides)) as Loaded;
  if (isSimulationScenario(input)) return { kind: 'simulation', scenario: input } as Loaded;
  const s = input as Scenario;
  if (typeof s.warmupMs === 'number' && typeof s.overrides === 'object') return { kind: 'live', scenario: s } as Loaded;
  return { kind: 'live', scenario: validateScenario(input, overrides) } as Loaded;
}

function parseStep(step: string | undefined, fallbackMs: number): number {
  if (step === undefined) return fallbackMs;
  const ms = tryParseDuration(step);
  if (ms === undefined || ms < 2000)
    throw new PipelabError('INVALID_ARGUMENT', `invalid --step ${JSON.stringify(step)}: expected a duration ≥ 2s`, {
      hint: 'each probe runs this long, e.g. --step 20s (live) or --step 2m (simulated time)',
    });
  return ms;
}

/** the live scenario's one arrival-rate executor, made constant: each probe offers one steady rate */
function arrivalExecutor(s: Scenario): { name: string; e: ExecutorConfig; perSec: number } {
  const entries = Object.entries(s.executors);
  const arrival = entries.filter(([, e]) => e.executor.endsWith('arrival-rate'));
  if (entries.length !== 1 || arrival.length !== 1)
    throw new PipelabError(
      'INVALID_SCENARIO',
      `capacity search needs a scenario with exactly one executor, an arrival-rate one; ${s.name} has ` +
        `${entries.map(([n, e]) => `${n} (${e.executor})`).join(', ')}`,
      {
        hint:
          'the search offers one steady rate per probe: give the scenario one constant-arrival-rate (or ' +
          'ramping-arrival-rate) executor, e.g. executors: { main: { executor: "constant-arrival-rate", rate: 100, ' +
          'duration: "30s", maxVUs: 500 } }',
      },
    );
  const [name, e] = arrival[0]!;
  const unit = 1000 / (tryParseDuration((e as { timeUnit?: string }).timeUnit ?? '1s') ?? 1000);
  const perSec =
    e.executor === 'constant-arrival-rate'
      ? e.rate * unit
      : e.executor === 'ramping-arrival-rate'
        ? Math.max(e.startRate ?? 0, ...e.stages.map((st) => st.target)) * unit
        : 100;
  return { name, e, perSec };
}

function liveProbe(s: Scenario, stepMs: number, o: CapacityOptions, judge: Judge): ProbeFn {
  if (s.warmupMs * 2 > stepMs)
    throw new PipelabError(
      'INVALID_ARGUMENT',
      `--step ${formatDuration(stepMs)} leaves no measured window after the warm-up of ${s.warmup}`,
      { hint: `use a step of at least ${formatDuration(s.warmupMs * 4)}` },
    );
  const { name, e } = arrivalExecutor(s);
  // everything but the schedule is kept (VUs, tags, graceful stop); the schedule is one steady rate
  const { stages: _s, startRate: _r, ...rest } = e as ExecutorConfig & { stages?: unknown; startRate?: unknown };
  const steady: Scenario = {
    ...s,
    thresholds: {},
    executors: {
      [name]: {
        ...rest,
        executor: 'constant-arrival-rate',
        rate: 1,
        timeUnit: '1s',
        duration: formatDuration(stepMs),
      } as ExecutorConfig,
    },
  };
  return async (rate, seed) => {
    const wall = performance.now();
    const summary = await runScenario(steady, { overrides: { rate, seed }, signal: o.signal });
    if (summary.aborted?.by === 'signal') throw o.signal?.reason ?? new Error('aborted');
    return { ...judge(summary, rate, stepMs), wallMs: performance.now() - wall };
  };
}

function simProbe(s: SimulationScenario, stepMs: number, judge: Judge): ProbeFn {
  const warmupMs = Math.min(s.warmupMs ?? 0, Math.floor(stepMs / 4)) || Math.floor(stepMs / 10);
  return async (rate, seed) => {
    const wall = performance.now();
    const summary = await runScenario({
      ...s,
      seed,
      durationMs: stepMs,
      warmupMs,
      thresholds: {},
      arrivals: { kind: 'poisson', rate },
    });
    return { ...judge(summary, rate, stepMs), wallMs: performance.now() - wall };
  };
}

type Judge = (s: RunSummary, rate: number, loadMs: number) => ReturnType<typeof judgeProbe>;

function startRateOf(l: Loaded): number {
  if (l.kind === 'live') return arrivalExecutor(l.scenario).perSec;
  const a = l.scenario.arrivals as { rate?: number; base?: number };
  return a.rate ?? a.base ?? 100;
}

/** the search; the result is what capacity.json holds (write it with reports' writeCapacityReport) */
export async function findCapacity(
  input: string | Scenario | ScenarioInput | SimulationScenario,
  options: CapacityOptions,
): Promise<CapacityResult> {
  const slo = parseSlo(options.slo);
  const criteria: CapacityCriteria = { ...DEFAULT_CRITERIA, ...options.criteria };
  const loaded = await load(input, options);
  const stepMs = parseStep(options.step, loaded.kind === 'live' ? 30_000 : 120_000);
  let metric = slo.metric;
  const judge: Judge = (s, rate, loadMs) => {
    metric ??= sloMetric(slo, s);
    return judgeProbe(s, rate, loadMs, slo, criteria);
  };
  const probe =
    loaded.kind === 'live'
      ? liveProbe(loaded.scenario, stepMs, options, judge)
      : simProbe(loaded.scenario, stepMs, judge);
  const startedAt = new Date().toISOString();
  const found = await searchCapacity(probe, {
    ...options,
    startRate: options.startRate ?? startRateOf(loaded),
    seed: options.seed ?? loaded.scenario.seed ?? 1,
  });
  const s = loaded.scenario;
  const target = loaded.kind === 'live' ? loaded.scenario.target.type : 'simulation';
  return resultOf(found, {
    schema: CAPACITY_SCHEMA,
    harness: { name: 'pipelab', version },
    scenario: {
      name: s.name ?? 'simulation',
      ...((s as { file?: string }).file ? { file: (s as { file?: string }).file } : {}),
      kind: loaded.kind,
      target,
    },
    slo: { metric: metric ?? slo.metric ?? 'latency', expression: slo.expression },
    criteria,
    tolerance: options.tolerance ?? 0.05,
    confirmations: options.confirmations ?? 2,
    stepMs,
    startedAt,
  });
}

type Head = Omit<
  CapacityResult,
  'capacityPerSec' | 'failedAtPerSec' | 'stable' | 'limitedBy' | 'note' | 'knee' | 'probes' | 'endedAt'
>;

function resultOf(found: Awaited<ReturnType<typeof searchCapacity>>, head: Head): CapacityResult {
  const { probes, capacityPerSec: cap, failedAtPerSec: hi, stable } = found;
  const at = probes.filter((p) => p.rate === cap && p.ok);
  const kneeProbe = at[at.length - 1];
  const failedProbe = probes.filter((p) => p.rate === hi && !p.ok).pop();
  let limitedBy: CapacityResult['limitedBy'] = found.limitedBy;
  if (!limitedBy && failedProbe && failedProbe.failures.every((f) => f === 'generator')) limitedBy = 'load-generator';
  const pct = `${(head.tolerance * 100).toFixed(0)} %`;
  const why = failedProbe ? ` At ${hi}/s: ${failedProbe.reasons.join('; ')}.` : '';
  const note =
    cap === null
      ? `No rate met ${head.slo.expression} (down to ${probes[probes.length - 1]?.rate}/s).${why}`
      : `${cap}/s is the highest offered rate that met ${head.slo.metric} ${head.slo.expression} with no growing ` +
        `backlog, nothing lost and an unsaturated load generator ` +
        `(passed ${at.length} probe${at.length === 1 ? '' : 's'} at that rate)` +
        `${stable ? `; stable within ${pct}` : `; not stable (${limitedBy})`}.${why}` +
        (limitedBy === 'load-generator'
          ? ' The load generator, not the system, failed first: the true capacity may be higher.'
          : '');
  return {
    ...head,
    capacityPerSec: cap,
    failedAtPerSec: hi,
    stable,
    ...(limitedBy ? { limitedBy } : {}),
    note,
    knee: kneeProbe
      ? { rate: kneeProbe.rate, p99: kneeProbe.latency.p99, achievedPerSec: kneeProbe.achievedPerSec }
      : null,
    probes,
    endedAt: new Date().toISOString(),
  };
}
