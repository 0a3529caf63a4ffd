/**
 * Simulation scenarios: a file in scenarios/ whose default export is `defineSimulation({...})`,
 * a pipeline model config plus what a run needs (thresholds in k6 syntax, a cost spec, the load
 * change to measure reactions from). `defineSimulation` marks the object with
 * `kind: 'simulation'`, so `pipelab run` / `pipelab validate` (and `loadAnyScenario`) tell it
 * from a live scenario and run the simulator instead of load executors. The run evaluates the
 * thresholds on the simulator's metrics registry and returns a standard RunSummary.
 */
import { Rng, toSeed } from '../../generators/rng.ts';
import { PipelabError, type Issue } from '../../errors.ts';
import { loadCatalogue, hourlyPrice, type Catalogue } from './cost/catalogue.ts';
import { runCost, DEFAULT_COST_SPEC, type CostSpec } from './cost/cost.ts';
import type { RunSummary, MetricType } from '../../results/types.ts';
import { tryParseDuration } from '../../results/duration.ts';
import {
  importScenarioFile,
  scenarioFileStem,
  validateScenario,
  type Scenario,
  type ScenarioOverrides,
} from '../scenario/load.ts';
import type { ThresholdsConfig } from '../thresholds/api.ts';
import { compileThresholds, parseMetricKey } from '../thresholds/index.ts';
import { toArrivalProcess } from './arrivals.ts';
import { resolveConfig, type PipelineSimConfig } from './config.ts';
import { simulate, type SimExtra, type SimulateOptions } from './simulate.ts';

export const SIMULATION_KIND = 'simulation';

export interface SimulationScenario extends PipelineSimConfig {
  /** set by defineSimulation: tells `pipelab run` this file is a simulation */
  kind?: typeof SIMULATION_KIND;
  name: string;
  description?: string;
  /** k6 thresholds on the simulated metrics (e2e_latency, stage_*, events_processed, consumer_lag, ...) */
  thresholds?: ThresholdsConfig;
  /** instance types per group for the cost figures of the report */
  cost?: CostSpec;
  /** when the load changes (e.g. a spike starts), ms: reaction times are measured from here */
  loadChangeAtMs?: number;
  /** where reports go (default reports/out/<name>-<timestamp>/), as for live scenarios */
  report?: { outDir?: string };
}

/** marks the scenario as a simulation (`kind: 'simulation'`) and types it as it is written */
export function defineSimulation(s: Omit<SimulationScenario, 'kind'>): SimulationScenario {
  return { ...s, kind: SIMULATION_KIND };
}

export function isSimulationScenario(x: unknown): x is SimulationScenario {
  return !!x && typeof x === 'object' && (x as { kind?: unknown }).kind === SIMULATION_KIND;
}

/** the metrics a simulated run records, by type (thresholds are checked against these) */
export const SIM_METRIC_TYPES: Record<string, MetricType> = {
  e2e_latency: 'trend',
  stage_queue: 'trend',
  stage_process: 'trend',
  stage_features: 'trend',
  stage_inference: 'trend',
  stage_sink: 'trend',
  events_generated: 'counter',
  events_processed: 'counter',
  consumer_lag: 'gauge',
  replicas_consumers: 'gauge',
  ready_consumers: 'gauge',
  replicas_modelServers: 'gauge',
  replicas_featureStore: 'gauge',
  cpu_utilisation: 'gauge',
  model_utilisation: 'gauge',
  cache_hit_rate: 'gauge',
  arrival_rate: 'gauge',
};

const FIELDS = [
  'kind',
  'name',
  'description',
  'thresholds',
  'cost',
  'loadChangeAtMs',
  'report',
  'seed',
  'durationMs',
  'warmupMs',
  'arrivals',
  'keys',
  'partitions',
  'keyOrdering',
  'consumers',
  'featureStore',
  'modelServer',
  'sink',
  'hosts',
  'cpu',
  'autoscaling',
  'slo',
  'seriesIntervalMs',
  'primeControllers',
  'stageHistograms',
  'maxDecisions',
];

/** `SimulationOverrides.durationMs` is kept for code that shortens a run in ms */
export type SimulationOverrides = ScenarioOverrides & { durationMs?: number };

/** validate a simulation scenario object; throws one PipelabError (exit 104) listing every problem */
export function validateSimulation(
  input: unknown,
  overrides: SimulationOverrides = {},
  file?: string,
): SimulationScenario {
  const where = file ? `simulation scenario ${file}` : 'simulation scenario';
  if (!input || typeof input !== 'object' || Array.isArray(input)) {
    throw new PipelabError('INVALID_SCENARIO', `${where} is not an object`, {
      hint:
        "export default defineSimulation({ name: 'x', durationMs: 60_000, arrivals: { kind: " +
        "'poisson', rate: 1000 } })",
    });
  }
  const s = input as Record<string, unknown>;
  const issues: Issue[] = [];
  for (const k of Object.keys(s))
    if (!FIELDS.includes(k))
      issues.push({ path: `/${k}`, message: `unknown field "${k}" (allowed: ${FIELDS.join(', ')})` });
  if (typeof s.name !== 'string' || !/^[A-Za-z0-9._-]+$/.test(s.name))
    issues.push({
      path: '/name',
      message: s.name === undefined ? 'required' : 'expected a name of letters, digits, ".", "_" or "-"',
    });
  if (s.durationMs === undefined)
    issues.push({ path: '/durationMs', message: 'required (simulated run length in ms, e.g. 15 * 60_000)' });
  if (s.arrivals === undefined)
    issues.push({ path: '/arrivals', message: "required (e.g. { kind: 'poisson', rate: 1000 })" });
  else {
    try {
      toArrivalProcess(s.arrivals as PipelineSimConfig['arrivals'], new Rng(1));
    } catch (e) {
      if (e instanceof PipelabError && e.issues.length)
        issues.push(
          ...e.issues.map((i) => ({
            path: i.path.startsWith('/arrivals') ? i.path : `/arrivals${i.path}`,
            message: i.message,
          })),
        );
      else issues.push({ path: '/arrivals', message: (e as Error).message });
    }
  }
  if (s.loadChangeAtMs !== undefined && !(typeof s.loadChangeAtMs === 'number' && s.loadChangeAtMs >= 0))
    issues.push({ path: '/loadChangeAtMs', message: 'expected a number of ms ≥ 0' });
  if (s.thresholds !== undefined) issues.push(...thresholdIssues(s.thresholds as ThresholdsConfig));
  if (s.autoscaling !== undefined) issues.push(...autoscalingIssues(s.autoscaling));
  if (s.cost !== undefined) issues.push(...costIssues(s.cost, loadCatalogue()));

  const out = { ...(s as unknown as SimulationScenario) };
  const argIssues = applySimOverrides(out, overrides);
  if (s.durationMs !== undefined && s.arrivals !== undefined) {
    try {
      resolveConfig(out);
    } catch (e) {
      if (e instanceof PipelabError) issues.push(...e.issues);
      else throw e;
    }
  }
  if (issues.length) {
    throw new PipelabError(
      'INVALID_SCENARIO',
      `${where} is invalid (${issues.length} problem${issues.length === 1 ? '' : 's'})`,
      {
        issues,
        hint: 'fix the fields listed above; the model config is described in docs/simulation.md',
      },
    );
  }
  if (argIssues.length)
    throw new PipelabError(
      'INVALID_ARGUMENT',
      `invalid override${argIssues.length > 1 ? 's' : ''} for simulation scenario ${out.name}`,
      { issues: argIssues, hint: 'check --seed and --duration (--rate does not apply to simulations)' },
    );
  return out;
}

/** overrides, as for live scenarios (--seed, --duration), applied to `out`; --rate has no meaning here */
function applySimOverrides(out: SimulationScenario, overrides: SimulationOverrides): Issue[] {
  const argIssues: Issue[] = [];
  if (overrides.seed !== undefined) {
    if (
      typeof overrides.seed === 'number'
        ? !Number.isInteger(overrides.seed) || overrides.seed < 0
        : overrides.seed === ''
    )
      argIssues.push({ path: '/overrides/seed', message: 'expected an integer ≥ 0 or a non-empty string' });
    else out.seed = toSeed(overrides.seed);
  } else if (typeof out.seed === 'string') out.seed = toSeed(out.seed);
  let durationMs = overrides.durationMs;
  if (overrides.duration !== undefined) {
    durationMs = tryParseDuration(overrides.duration);
    if (durationMs === undefined || durationMs <= 0)
      argIssues.push({
        path: '/overrides/duration',
        message: `expected a duration like "30s", "2m" or "1h30m", got ${JSON.stringify(overrides.duration)}`,
      });
  }
  if (overrides.rate !== undefined)
    argIssues.push({
      path: '/overrides/rate',
      message: 'a simulation scenario has no arrival-rate executor: change its `arrivals` instead',
    });
  if (durationMs !== undefined && durationMs > 0) {
    out.durationMs = durationMs;
    // a shortened run keeps a warm-up that fits: a tenth of the new duration at most
    if ((out.warmupMs ?? 0) >= durationMs) out.warmupMs = Math.floor(durationMs / 10);
  }
  return argIssues;
}

const SCALED_GROUPS = ['consumers', 'processors', 'modelServers', 'featureStore'];

/** what the model would refuse at its start, found now with the rest (groups, KEDA vs a consumers HPA) */
function autoscalingIssues(a: unknown): Issue[] {
  if (!a || typeof a !== 'object')
    return [{ path: '/autoscaling', message: 'expected { policies?: ScalingPolicy[], keda?: {...} }' }];
  const { policies, keda } = a as { policies?: unknown; keda?: unknown };
  const issues: Issue[] = [];
  if (policies !== undefined && !Array.isArray(policies))
    issues.push({ path: '/autoscaling/policies', message: 'expected an array, e.g. seedPolicies()' });
  (Array.isArray(policies) ? policies : []).forEach((p: { group?: unknown; hpa?: unknown }, i) => {
    if (!SCALED_GROUPS.includes(String(p?.group)))
      issues.push({
        path: `/autoscaling/policies/${i}/group`,
        message:
          `${JSON.stringify(p?.group)} is not a group of the model (one of ` +
          `${SCALED_GROUPS.join(', ')}; processors scale the consumers)`,
      });
    else if (keda !== undefined && (p.group === 'consumers' || p.group === 'processors'))
      issues.push({
        path: `/autoscaling/policies/${i}/group`,
        message: 'the KEDA scaler (autoscaling.keda) owns the consumers: drop this policy or the keda block',
      });
    if (!p?.hpa || typeof p.hpa !== 'object')
      issues.push({
        path: `/autoscaling/policies/${i}/hpa`,
        message: 'required: the HPA spec ({ maxReplicas, metrics: [...] })',
      });
  });
  return issues;
}

function thresholdIssues(config: ThresholdsConfig): Issue[] {
  const c = compileThresholds(config, { metricTypes: SIM_METRIC_TYPES });
  const issues: Issue[] = c.ok
    ? []
    : c.issues.map((i) => ({
        path: i.path.startsWith('/thresholds') ? i.path : `/thresholds${i.path}`,
        message: i.message,
      }));
  if (config && typeof config === 'object') {
    for (const key of Object.keys(config)) {
      const k = parseMetricKey(key);
      if (k.ok && !(k.value.name in SIM_METRIC_TYPES))
        issues.push({
          path: `/thresholds/${key}`,
          message:
            `a simulated run has no metric "${k.value.name}" (known: ` + `${Object.keys(SIM_METRIC_TYPES).join(', ')})`,
        });
    }
  }
  return issues;
}

function costIssues(cost: unknown, cat: Catalogue): Issue[] {
  if (!cost || typeof cost !== 'object')
    return [
      {
        path: '/cost',
        message: "expected { group: { instance: 'c6i.xlarge', pricing?: 'onDemand' | 'spot' | 'reserved' } }",
      },
    ];
  const issues: Issue[] = [];
  for (const [g, spec] of Object.entries(cost as Record<string, { instance?: unknown; pricing?: unknown }>)) {
    try {
      hourlyPrice(cat, String(spec?.instance), spec?.pricing as never);
    } catch (e) {
      issues.push({
        path: `/cost/${g}`,
        message: `${(e as Error).message} (known: ${Object.keys(cat.instances).join(', ')})`,
      });
    }
  }
  return issues;
}

/** import a simulation scenario file and validate it with the overrides applied */
export async function loadSimulation(file: string, overrides: SimulationOverrides = {}): Promise<SimulationScenario> {
  const mod = await importScenarioFile(file, { example: EXAMPLE });
  return validateSimulation(mod.default, overrides, file);
}

/** a simulation scenario of this repository, named when a file is missing */
const EXAMPLE = 'scenarios/autoscale-spike.ts';

export type AnyScenario = { kind: 'live'; scenario: Scenario } | { kind: 'simulation'; scenario: SimulationScenario };

/**
 * Import a scenario file once and validate it by its kind: a default export from
 * defineSimulation is a simulation scenario, anything else a live one (validateScenario).
 * `pipelab run` and `pipelab validate` load through this. (Importing a file a second time can
 * fail under tsx for files outside a package, hence one import for both checks.)
 */
export async function loadAnyScenario(file: string, overrides: ScenarioOverrides = {}): Promise<AnyScenario> {
  const mod = await importScenarioFile(file, {
    example: EXAMPLE,
    noDefaultHint:
      `end it with: export default defineScenario({ name: '${scenarioFileStem(file)}', ` +
      `target: {...}, executors: {...} }), or defineSimulation({...}) for a simulation`,
  });
  if (isSimulationScenario(mod.default))
    return { kind: 'simulation', scenario: validateSimulation(mod.default, overrides, file) };
  return { kind: 'live', scenario: validateScenario(mod.default, overrides, file) };
}

/**
 * Which kind of scenario a file holds: 'simulation' when its default export carries
 * `kind: 'simulation'`, else 'live' (including files that do not exist or do not load: the live
 * loader then reports the problem as it always has).
 */
export async function scenarioKind(file: string): Promise<'simulation' | 'live'> {
  try {
    const mod = await importScenarioFile(file, { example: EXAMPLE });
    return isSimulationScenario(mod.default) ? 'simulation' : 'live';
  } catch {
    return 'live';
  }
}

export interface RunSimulationOptions extends Pick<SimulateOptions, 'onTick' | 'startedAt'> {
  /** instance prices for the cost figures (default: the shipped example catalogue) */
  catalogue?: Catalogue;
  /** the overrides applied (recorded in summary.config.overrides) */
  overrides?: ScenarioOverrides;
  file?: string;
}

/**
 * Run a validated simulation scenario: simulate with its thresholds evaluated on the simulated
 * registry (abortOnFail stops the simulation), then add what the standard report shows:
 * scenario file and description, cost (extra.sim.cost) and the load change (extra.sim.loadChangeAtMs).
 * exitCodeFor(summary) gives the usual exit code.
 */
export function runSimulation(s: SimulationScenario, opts: RunSimulationOptions = {}): RunSummary {
  const compiled = compileThresholds(s.thresholds ?? {}, { metricTypes: SIM_METRIC_TYPES });
  if (!compiled.ok) throw new PipelabError('THRESHOLD_SYNTAX', 'invalid thresholds', { issues: compiled.issues });
  const summary = simulate(s, { startedAt: opts.startedAt, onTick: opts.onTick, thresholds: compiled.value });
  summary.scenario = {
    name: s.name,
    ...(opts.file ? { file: opts.file } : {}),
    description: s.description ?? 'simulated pipeline',
    tags: { mode: 'simulated' },
  };
  if (opts.overrides && Object.keys(opts.overrides).length)
    summary.config = { ...(summary.config as object), overrides: opts.overrides };
  const x = summary.extra!.sim as SimExtra;
  if (s.loadChangeAtMs !== undefined) x.loadChangeAtMs = s.loadChangeAtMs;
  const cost = runCost(summary, opts.catalogue ?? loadCatalogue(), s.cost ?? DEFAULT_COST_SPEC);
  if (cost) x.cost = cost;
  return summary;
}
