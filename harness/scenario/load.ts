/**
 * Scenario loading: import a scenario file (default export), validate it against the schema,
 * apply CLI/API overrides, compile thresholds. Everything a user can get wrong is found here,
 * before any load starts, and reported all at once with paths (`/executors/main/rate: ...`).
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';
import type { z } from 'zod';
import { toSeed } from '../../generators/rng.ts';
import { PipelabError, type ErrorCode, type Issue } from '../../errors.ts';
import { EXECUTOR_TYPES, planExecutor, type ExecutorConfig } from '../executors/index.ts';
import type { BasePlan } from '../executors/types.ts';
import { ExecutionSegment } from '../executors/segment.ts';
import { FAULT_KINDS, type FaultSpec } from '../faults/schema.ts';
import { checkFaultsFit } from '../faults/fit.ts';
import { TARGET_TYPES, type TargetConfig } from '../targets/schemas.ts';
import type { CompiledThresholds, ThresholdsConfig } from '../thresholds/api.ts';
import { formatDuration, parseDuration, tryParseDuration } from '../../results/duration.ts';
import { scenarioSchema, type ScenarioInput } from './schema.ts';
import { compileThresholds } from './thresholds.ts';
import { importUserModule, scenarioUrl } from './typescript.ts';

const DEFAULT_SEED = 1;

/**
 * CLI / API overrides applied on top of a scenario file (seed, duration, rate, services; recorded in summary.config)
 */
export interface ScenarioOverrides {
  seed?: number | string;
  /** k6 duration string ('30s', '2m', '1h30m') applied to every executor that has a duration */
  duration?: string;
  /** iterations per second for arrival-rate executors (scales ramping stages proportionally) */
  rate?: number;
  /** service overrides, e.g. { kafka: 'localhost:9092', redis: 'redis://...' } */
  services?: Record<string, string>;
  /** this process's share of the work, k6's `--execution-segment` ('0:1/4') */
  executionSegment?: string;
  /** the whole partition, k6's `--execution-segment-sequence` ('0,1/4,1/2,3/4,1') */
  executionSegmentSequence?: string;
}

/** a validated scenario with defaults and overrides applied */
export interface Scenario {
  name: string;
  description?: string;
  /** the file it came from, when loaded from one */
  file?: string;
  seed: number;
  tags: Record<string, string>;
  warmup: string;
  warmupMs: number;
  target: TargetConfig;
  executors: Record<string, ExecutorConfig>;
  thresholds: ThresholdsConfig;
  services: Record<string, string>;
  report: { outDir?: string };
  /** the fault timeline (docs/faults.md); [] when none */
  faults: FaultSpec[];
  /** the overrides that were applied (recorded in summary.config) */
  overrides: ScenarioOverrides;
  /** processes `pipelab run` spreads the executors over (`--workers` overrides it) */
  workers?: number;
  /** this process's share of the work when segmented (executionSegment override) */
  segment?: ExecutionSegment;
}

/** types a scenario file: returns its argument (k6-style `export default defineScenario({...})`) */
export function defineScenario(input: ScenarioInput): ScenarioInput {
  return input;
}

const pointer = (path: readonly PropertyKey[]): string => `/${path.map(String).join('/')}`;

interface Collected {
  issues: Issue[];
  code: ErrorCode;
}

/** zod issues → our issues, with messages naming allowed values and known types */
function collect(error: z.ZodError): Collected {
  let code: ErrorCode = 'INVALID_SCENARIO';
  const issues: Issue[] = [];
  for (const i of error.issues) {
    const path = pointer(i.path);
    if (
      i.code === 'invalid_union' &&
      'discriminator' in i &&
      (i as { note?: string }).note === 'No matching discriminator'
    ) {
      const disc = (i as unknown as { discriminator: string }).discriminator;
      const value = valueAt(lastInput, i.path);
      if (disc === 'kind') {
        issues.push({
          path: path.endsWith('/kind') ? path : `${path}/kind`,
          message:
            value === undefined
              ? `missing "kind" (one of: ${FAULT_KINDS.join(', ')})`
              : `unknown fault kind ${JSON.stringify(value)} (known: ${FAULT_KINDS.join(', ')})`,
        });
        continue;
      }
      if (disc === 'executor') {
        if (code === 'INVALID_SCENARIO') code = 'UNKNOWN_EXECUTOR';
        issues.push({
          path,
          message:
            value === undefined
              ? `missing "executor" (one of: ${EXECUTOR_TYPES.join(', ')})`
              : `unknown executor ${JSON.stringify(value)} (known: ${EXECUTOR_TYPES.join(', ')})`,
        });
      } else {
        if (code === 'INVALID_SCENARIO') code = 'UNKNOWN_TARGET';
        issues.push({
          path,
          message:
            value === undefined
              ? `missing "type" (one of: ${TARGET_TYPES.join(', ')})`
              : `unknown target type ${JSON.stringify(value)} (known: ${TARGET_TYPES.join(', ')})`,
        });
      }
      continue;
    }
    if (i.code === 'invalid_type' && valueAt(lastInput, i.path) === undefined) {
      issues.push({ path, message: 'required' });
      continue;
    }
    issues.push({ path, message: i.message });
  }
  return { issues, code };
}

// the input being validated, so messages can quote the offending value (validation is synchronous)
let lastInput: unknown;
function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let v = root;
  for (const k of path) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<PropertyKey, unknown>)[k];
  }
  return v;
}

/** validate a scenario object (from a file or a notebook); throws PipelabError listing every problem */
export function validateScenario(input: unknown, overrides: ScenarioOverrides = {}, file?: string): Scenario {
  const where = file ? `scenario ${file}` : 'scenario';
  if ((input as { kind?: unknown } | null)?.kind === 'simulation') {
    // a defineSimulation file has no target or executors: say what it is instead of listing them as missing
    throw new PipelabError('INVALID_SCENARIO', `${where} is a simulation scenario (defineSimulation), not a live one`, {
      hint:
        'run it with `pipelab run`, or load it with loadSimulation / loadAnyScenario and ' +
        'runSimulation (docs/simulation.md)',
    });
  }
  const parsed = scenarioSchema.safeParse(input);
  const issues: Issue[] = [];
  let code: ErrorCode = 'INVALID_SCENARIO';
  if (!parsed.success) {
    lastInput = input;
    const c = collect(parsed.error);
    lastInput = undefined;
    issues.push(...c.issues);
    code = c.code;
  }
  // thresholds: compiled now so a bad expression fails before any load starts
  const thresholdsInput = (input as { thresholds?: unknown } | null)?.thresholds;
  if (parsed.success && parsed.data.thresholds) {
    const t = compileThresholds(parsed.data.thresholds);
    if (!t.ok) {
      for (const i of t.issues)
        issues.push({
          path: i.path.startsWith('/thresholds') ? i.path : `/thresholds${i.path.startsWith('/') ? '' : '/'}${i.path}`,
          message: i.message,
        });
    }
  } else if (
    !parsed.success &&
    thresholdsInput &&
    typeof thresholdsInput === 'object' &&
    !parsed.error.issues.some((i) => i.path[0] === 'thresholds')
  ) {
    // the rest is invalid but the thresholds are well-formed: still report their problems
    const t = compileThresholds(thresholdsInput as ThresholdsConfig);
    if (!t.ok)
      for (const i of t.issues)
        issues.push({ path: i.path.startsWith('/thresholds') ? i.path : `/thresholds${i.path}`, message: i.message });
  }
  if (parsed.success) issues.push(...crossChecks(parsed.data));
  if (issues.length > 0 || !parsed.success) {
    const n = issues.length;
    throw new PipelabError(code, `${where} is invalid (${n} problem${n === 1 ? '' : 's'})`, {
      issues,
      hint: hintFor(code),
    });
  }
  const d = parsed.data;
  const scenario: Scenario = {
    name: d.name,
    ...(d.description !== undefined ? { description: d.description } : {}),
    ...(file !== undefined ? { file } : {}),
    seed: d.seed === undefined ? DEFAULT_SEED : toSeed(d.seed),
    tags: d.tags ?? {},
    warmup: d.warmup ?? '0s',
    warmupMs: parseDuration(d.warmup ?? '0s'),
    target: d.target,
    executors: d.executors,
    thresholds: d.thresholds ?? {},
    services: d.services ?? {},
    report: d.report ?? {},
    faults: d.faults ?? [],
    ...(d.workers !== undefined ? { workers: d.workers } : {}),
    overrides: {},
  };
  return applyOverrides(scenario, overrides);
}

function hintFor(code: ErrorCode): string {
  if (code === 'UNKNOWN_EXECUTOR') return `executors are k6's: ${EXECUTOR_TYPES.join(', ')}. See docs/scenarios.md`;
  if (code === 'UNKNOWN_TARGET') return `targets: ${TARGET_TYPES.join(', ')}. See docs/scenarios.md`;
  return 'fix the fields listed above; every field is described in docs/scenarios.md';
}

/** rules that span fields */
function crossChecks(d: z.output<typeof scenarioSchema>): Issue[] {
  const issues: Issue[] = [...checkFaultsFit(d.faults ?? [], d.target.type)];
  if (d.target.type === 'http' && d.target.engine === 'autocannon') {
    for (const [name, e] of Object.entries(d.executors)) {
      if (e.executor !== 'constant-vus') {
        issues.push({
          path: `/executors/${name}/executor`,
          message:
            `the autocannon engine drives a closed model: use "constant-vus" (vus = connections), ` +
            `or engine "undici" for ${e.executor}`,
        });
      }
    }
  }
  return issues;
}

/** apply overrides (seed, duration, rate, services); invalid overrides are INVALID_ARGUMENT */
export function applyOverrides(s: Scenario, o: ScenarioOverrides): Scenario {
  const issues: Issue[] = [];
  const out: Scenario = {
    ...s,
    executors: { ...s.executors },
    services: { ...s.services },
    overrides: { ...s.overrides, ...o },
  };
  if (o.seed !== undefined) {
    if (typeof o.seed === 'number' ? !Number.isInteger(o.seed) || o.seed < 0 : o.seed === '')
      issues.push({ path: '/overrides/seed', message: 'expected an integer ≥ 0 or a non-empty string' });
    else out.seed = toSeed(o.seed);
  }
  if (o.duration !== undefined) {
    const ms = tryParseDuration(o.duration);
    if (ms === undefined || ms <= 0)
      issues.push({
        path: '/overrides/duration',
        message: `expected a duration like "30s", "2m" or "1h30m", got ${JSON.stringify(o.duration)}`,
      });
    else for (const [name, e] of Object.entries(out.executors)) out.executors[name] = withDuration(e, ms);
  }
  if (o.rate !== undefined) {
    if (!(typeof o.rate === 'number' && o.rate > 0 && Number.isFinite(o.rate)))
      issues.push({
        path: '/overrides/rate',
        message: `expected a positive number of iterations per second, got ${JSON.stringify(o.rate)}`,
      });
    else {
      let applied = 0;
      for (const [name, e] of Object.entries(out.executors)) {
        const r = withRate(e, o.rate);
        if (r !== e) applied++;
        out.executors[name] = r;
      }
      if (applied === 0)
        issues.push({
          path: '/overrides/rate',
          message:
            'this scenario has no arrival-rate executor (constant-arrival-rate or ramping-arrival-rate) ' +
            'to apply a rate to',
        });
    }
  }
  if (o.services) Object.assign(out.services, o.services);
  const seg = out.overrides;
  if (seg.executionSegmentSequence !== undefined && seg.executionSegment === undefined)
    issues.push({
      path: '/overrides/executionSegmentSequence',
      message: 'a sequence needs --execution-segment too (which step of it this process runs)',
    });
  else if (seg.executionSegment !== undefined)
    out.segment = new ExecutionSegment(seg.executionSegment, seg.executionSegmentSequence);
  if (issues.length)
    throw new PipelabError(
      'INVALID_ARGUMENT',
      `invalid override${issues.length > 1 ? 's' : ''} for scenario ${s.name}`,
      { issues, hint: 'check --seed, --duration, --rate and --execution-segment(-sequence)' },
    );
  return out;
}

function scaleStages<T extends { duration: string }>(stages: T[], totalMs: number): T[] {
  const cur = stages.reduce((a, st) => a + parseDuration(st.duration), 0);
  if (cur === 0) return stages;
  return stages.map((st) => ({
    ...st,
    duration: formatDuration(Math.round((parseDuration(st.duration) * totalMs) / cur)),
  }));
}

/** --duration: sets `duration`, scales ramping stages to the new total, caps per-vu-iterations' maxDuration */
function withDuration(e: ExecutorConfig, ms: number): ExecutorConfig {
  const d = formatDuration(ms);
  switch (e.executor) {
    case 'constant-arrival-rate':
    case 'constant-vus':
      return { ...e, duration: d };
    case 'ramping-arrival-rate':
    case 'ramping-vus':
      return { ...e, stages: scaleStages(e.stages, ms) } as ExecutorConfig;
    case 'per-vu-iterations':
      return { ...e, maxDuration: d };
  }
}

/** --rate (iterations/s): constant-arrival-rate runs at it; ramping stages scale so their peak equals it */
function withRate(e: ExecutorConfig, perSec: number): ExecutorConfig {
  if (e.executor === 'constant-arrival-rate') return { ...e, rate: perSec, timeUnit: '1s' };
  if (e.executor === 'ramping-arrival-rate') {
    const peak = Math.max(e.startRate ?? 0, ...e.stages.map((s) => s.target));
    if (peak === 0) return e;
    const unitPerSec = 1000 / parseDuration(e.timeUnit ?? '1s');
    const f = perSec / (peak * unitPerSec);
    return {
      ...e,
      ...(e.startRate !== undefined ? { startRate: e.startRate * f } : {}),
      stages: e.stages.map((s) => ({ ...s, target: s.target * f })),
    };
  }
  return e;
}

/** compiled thresholds of a validated scenario (never fails: validation compiled them once already) */
export function thresholdsOf(s: Scenario): CompiledThresholds {
  const t = compileThresholds(s.thresholds);
  if (!t.ok) throw new PipelabError('THRESHOLD_SYNTAX', 'invalid thresholds', { issues: t.issues });
  return t.value;
}

export interface ScenarioPlan {
  executors: (BasePlan & { name: string })[];
  /** run time at which the last executor's scheduled part ends (excluding gracefulStop) */
  totalMs: number;
  /** worst case including gracefulStop */
  maxMs: number;
}

/** every executor's plan, without running anything (`pipelab validate` prints this) */
export function planScenario(s: Scenario): ScenarioPlan {
  const plans = Object.entries(s.executors).map(([name, e]) => ({ ...planExecutor(e), name }));
  return {
    executors: plans,
    totalMs: Math.max(0, ...plans.map((p) => p.startMs + p.durationMs)),
    maxMs: Math.max(0, ...plans.map((p) => p.startMs + p.durationMs + p.gracefulStopMs)),
  };
}

export interface ImportScenarioOptions {
  /** a scenario file of the expected kind, named in the hint when the file is missing */
  example: string;
  /** when set, a file without a default export is refused with this hint */
  noDefaultHint?: string;
}

/**
 * Import a scenario file (.ts/.js) once: the one loader behind live and simulation scenarios.
 * A missing file is SCENARIO_NOT_FOUND naming the scenario files beside it; a file that throws
 * while loading is INVALID_SCENARIO with the first lines of its error.
 */
export async function importScenarioFile(file: string, opts: ImportScenarioOptions): Promise<{ default?: unknown }> {
  const abs = resolve(file);
  if (!existsSync(abs) || !statSync(abs).isFile()) {
    const dir = dirname(abs);
    let known = '';
    try {
      known = readdirSync(dir)
        .filter((f) => /\.(ts|js|mjs)$/.test(f))
        .join(', ');
    } catch {
      /* directory missing too */
    }
    throw new PipelabError('SCENARIO_NOT_FOUND', `scenario file not found: ${file}`, {
      hint: known ? `scenario files in ${dir}: ${known}` : `give the path of a scenario file, e.g. ${opts.example}`,
    });
  }
  let mod: { default?: unknown };
  try {
    mod = (await importUserModule(scenarioUrl(abs))) as { default?: unknown };
  } catch (e) {
    const msg = e instanceof Error ? e.message : String(e);
    throw new PipelabError('INVALID_SCENARIO', `scenario file ${file} could not be loaded`, {
      cause: e,
      issues: [{ path: '/', message: msg.split('\n').slice(0, 3).join(' ') }],
      hint: 'fix the error in the file (a syntax error or a failing import); `npx tsc --noEmit` shows type errors too',
    });
  }
  if (opts.noDefaultHint !== undefined && mod.default === undefined)
    throw new PipelabError('INVALID_SCENARIO', `scenario file ${file} has no default export`, {
      hint: opts.noDefaultHint,
    });
  return mod;
}

/** `export default ...` as a scenario file of this name would end */
export const scenarioFileStem = (file: string): string => basename(file).replace(/\.[^.]+$/, '');

/** import a scenario file (.ts/.js, default export), validate it and apply overrides */
export async function loadScenario(file: string, overrides: ScenarioOverrides = {}): Promise<Scenario> {
  const mod = await importScenarioFile(file, {
    example: 'scenarios/smoke.ts',
    noDefaultHint:
      `end it with: export default defineScenario({ name: '${scenarioFileStem(file)}', ` +
      `target: {...}, executors: {...} })`,
  });
  return validateScenario(mod.default, overrides, file);
}

const FUNCTION = '[function]';
/** the resolved config as plain JSON (functions shown as '[function]'), for summary.config */
export function configOf(s: Scenario): unknown {
  const walk = (v: unknown): unknown => {
    if (typeof v === 'function') return FUNCTION;
    if (Array.isArray(v)) return v.map(walk);
    if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x)]));
    return v;
  };
  const { file: _file, segment: _segment, ...rest } = s;
  return walk(rest);
}
