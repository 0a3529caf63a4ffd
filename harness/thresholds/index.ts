/**
 * Thresholds (contract: ./api.ts; grammar: ./parse.ts and docs/thresholds.md).
 *
 * Everything is parsed by compileThresholds() at validation time, so a bad threshold stops a
 * run before any load. During the run the runner calls check() about once a second: it walks
 * the sliding windows completed since the last call and returns a failing abortOnFail
 * threshold once its delayAbortEval has passed. final() evaluates everything.
 *
 * No data (decided here, documented in docs/thresholds.md):
 *  - count and rate aggregations on a metric with no samples evaluate with 0 (k6 does the same
 *    for counters and rates), with a note;
 *  - avg/min/max/med/p(N)/value with no samples fail with observed NaN and a note;
 *  - check() never aborts on "no data" (during warm-up nothing has been measured yet);
 *  - windowed: windows without samples are skipped for all but count/rate; a run shorter than
 *    the window is evaluated once over the whole measured run, with a note.
 */
import { PipelabError, type Issue } from '../../errors.ts';
import type { MetricsRegistry } from '../metrics/api.ts';
import { subMetricKey } from '../metrics/registry.ts';
import { parseDurationResult } from '../../results/duration.ts';
import type { MetricData, MetricType, ThresholdResult } from '../../results/types.ts';
import type { CompiledThresholds, ThresholdSpec, ThresholdsConfig } from './api.ts';
import {
  aggregationAllowed,
  allowedText,
  parseExpression,
  parseMetricKey,
  pointer,
  type ParsedExpression,
} from './parse.ts';
import { compare, observe, worse } from './observe.ts';

export { parseExpression, parseMetricKey } from './parse.ts';

/** extra seconds of per-second histograms kept beyond the window, so a late check() loses nothing */
const WINDOW_SLACK_SECONDS = 30;

export interface CompileOptions {
  /** metric types known at validation time (built-ins, declared custom metrics): enables type checks now */
  metricTypes?: Record<string, MetricType>;
}

interface Threshold {
  path: string;
  /** the key as written, e.g. `latency{status:200}` */
  key: string;
  name: string;
  filter: Record<string, string>;
  expression: string;
  parsed: ParsedExpression;
  abortOnFail: boolean;
  delayAbortMs: number;
  // run state
  regKey: string;
  nextEndSec: number;
  windows: number;
  worst: number;
  firstFail?: { window: [number, number]; observed: number };
  abortedAtMs?: number;
}

export function compileThresholds(
  config: ThresholdsConfig,
  opts: CompileOptions = {},
): { ok: true; value: CompiledThresholds } | { ok: false; issues: Issue[] } {
  const issues: Issue[] = [];
  const list: Threshold[] = [];
  if (config === undefined || config === null) return { ok: true, value: new Compiled([]) };
  if (typeof config !== 'object' || Array.isArray(config)) {
    return {
      ok: false,
      issues: [{ path: '/thresholds', message: 'thresholds must be an object: { metric: ["p(99)<500", ...] }' }],
    };
  }
  for (const [rawKey, specs] of Object.entries(config)) {
    const keyPath = pointer('thresholds', rawKey);
    const k = parseMetricKey(rawKey);
    if (!k.ok) issues.push({ path: keyPath, message: k.message });
    if (!Array.isArray(specs)) {
      issues.push({ path: keyPath, message: `must be an array of thresholds, e.g. ['p(99)<500']` });
      continue;
    }
    specs.forEach((spec: ThresholdSpec, i: number) => {
      const path = pointer('thresholds', rawKey, i);
      const s = normalizeSpec(spec, path, issues);
      if (!s) return;
      const e = parseExpression(s.threshold);
      if (!e.ok) {
        issues.push({ path: s.exprPath, message: e.message });
        return;
      }
      if (!k.ok) return;
      const type = opts.metricTypes?.[k.value.name];
      if (type && !aggregationAllowed(e.value.aggregation, type)) {
        issues.push({ path: s.exprPath, message: typeMessage(e.value, k.value.name, type) });
        return;
      }
      list.push({
        path,
        key: rawKey.trim(),
        name: k.value.name,
        filter: k.value.filter,
        expression: s.threshold.trim(),
        parsed: e.value,
        abortOnFail: s.abortOnFail,
        delayAbortMs: s.delayAbortMs,
        regKey: k.value.name,
        nextEndSec: 0,
        windows: 0,
        worst: NaN,
      });
    });
  }
  if (issues.length) return { ok: false, issues };
  return { ok: true, value: new Compiled(list) };
}

/** compileThresholds, throwing PipelabError THRESHOLD_SYNTAX (exit 104) with every issue */
export function compileThresholdsOrThrow(config: ThresholdsConfig, opts?: CompileOptions): CompiledThresholds {
  const r = compileThresholds(config, opts);
  if (!r.ok) {
    throw new PipelabError(
      'THRESHOLD_SYNTAX',
      `invalid thresholds (${r.issues.length} problem${r.issues.length > 1 ? 's' : ''})`,
      {
        issues: r.issues,
        hint:
          "write thresholds like k6: { latency: ['p(99)<500', 'p(99)<800 in every 10s window'], " +
          "errors: ['rate<0.01'] } (see docs/thresholds.md)",
      },
    );
  }
  return r.value;
}

function normalizeSpec(
  spec: ThresholdSpec,
  path: string,
  issues: Issue[],
): { threshold: string; exprPath: string; abortOnFail: boolean; delayAbortMs: number } | undefined {
  if (typeof spec === 'string') return { threshold: spec, exprPath: path, abortOnFail: false, delayAbortMs: 0 };
  if (!spec || typeof spec !== 'object' || Array.isArray(spec)) {
    issues.push({ path, message: `must be a string like 'p(99)<500' or { threshold, abortOnFail?, delayAbortEval? }` });
    return undefined;
  }
  let bad = false;
  for (const k of Object.keys(spec)) {
    if (!['threshold', 'abortOnFail', 'delayAbortEval'].includes(k)) {
      issues.push({
        path: `${path}/${k}`,
        message: `unknown field "${k}": allowed are threshold, abortOnFail, delayAbortEval`,
      });
      bad = true;
    }
  }
  if (typeof spec.threshold !== 'string') {
    issues.push({ path: `${path}/threshold`, message: `threshold must be a string like 'p(99)<500'` });
    bad = true;
  }
  if (spec.abortOnFail !== undefined && typeof spec.abortOnFail !== 'boolean') {
    issues.push({ path: `${path}/abortOnFail`, message: 'abortOnFail must be true or false' });
    bad = true;
  }
  let delayAbortMs = 0;
  if (spec.delayAbortEval !== undefined) {
    const d =
      typeof spec.delayAbortEval === 'string'
        ? parseDurationResult(spec.delayAbortEval)
        : ({ ok: false, message: 'delayAbortEval must be a duration string like 10s or 1m30s' } as const);
    if (!d.ok) {
      issues.push({ path: `${path}/delayAbortEval`, message: d.message });
      bad = true;
    } else delayAbortMs = d.value;
  }
  if (bad) return undefined;
  return {
    threshold: spec.threshold,
    exprPath: `${path}/threshold`,
    abortOnFail: spec.abortOnFail ?? false,
    delayAbortMs,
  };
}

function typeMessage(e: ParsedExpression, name: string, type: MetricType): string {
  return `"${e.aggregationText}" is not an aggregation of ${type} metric "${name}": ${allowedText(type)}`;
}

class Compiled implements CompiledThresholds {
  constructor(private readonly list: Threshold[]) {}

  /** the parsed thresholds, in config order (for validate output and docs) */
  get thresholds(): readonly {
    path: string;
    metric: string;
    expression: string;
    abortOnFail: boolean;
    windowSeconds?: number;
  }[] {
    return this.list.map((t) => ({
      path: t.path,
      metric: t.key,
      expression: t.expression,
      abortOnFail: t.abortOnFail,
      windowSeconds: t.parsed.windowSeconds,
    }));
  }

  prepare(registry: MetricsRegistry): void {
    const types = typesOf(registry);
    const issues: Issue[] = [];
    for (const t of this.list) {
      t.regKey = Object.keys(t.filter).length ? registry.track(t.name, t.filter) : t.name;
      if (t.parsed.windowSeconds) registry.retainWindow(t.parsed.windowSeconds + WINDOW_SLACK_SECONDS, t.regKey);
      const type = types.get(t.name);
      if (type && !aggregationAllowed(t.parsed.aggregation, type))
        issues.push({ path: t.path, message: typeMessage(t.parsed, t.name, type) });
    }
    if (issues.length) {
      throw new PipelabError('THRESHOLD_SYNTAX', 'thresholds do not fit the metric types', {
        issues,
        hint: 'trend: avg|min|max|med|p(N)|count; counter: count|rate; rate: rate; gauge: value|min|max',
      });
    }
  }

  check(registry: MetricsRegistry, nowMs: number): ThresholdResult | undefined {
    const already = this.list.find((t) => t.abortedAtMs !== undefined);
    if (already) return this.result(already, registry, nowMs);
    const endSec = Math.floor(nowMs / 1000);
    for (const t of this.list) if (t.parsed.windowSeconds) this.walkWindows(t, registry, endSec);
    let snap: Record<string, MetricData> | undefined;
    const types = typesOf(registry);
    for (const t of this.list) {
      if (!t.abortOnFail || nowMs < t.delayAbortMs) continue;
      let failing: boolean;
      if (t.parsed.windowSeconds) failing = t.firstFail !== undefined;
      else {
        snap ??= registry.snapshot(nowMs);
        const o = observe(snap[t.regKey], t.parsed.aggregation, types.get(t.name));
        // never abort on "no data": only on a measured value that breaks the threshold
        failing = !Number.isNaN(o.value) && o.note === undefined && !compare(o.value, t.parsed.op, t.parsed.value);
      }
      if (failing) {
        t.abortedAtMs = nowMs;
        return this.result(t, registry, nowMs, snap);
      }
    }
    return undefined;
  }

  /**
   * Judged on finished figures (`pipelab merge`): each threshold on `metrics`; a windowed one
   * cannot be re-walked without per-second histograms, so it passes only if it passed in every
   * run in `parts` (the runs' own results, matched by metric and expression), and says so.
   */
  evaluate(metrics: Record<string, MetricData>, parts: ThresholdResult[][]): ThresholdResult[] {
    return this.list.map((t) => {
      const base = { metric: t.key, expression: t.expression, abortOnFail: t.abortOnFail };
      const agg = t.parsed.aggregationText;
      if (t.parsed.windowSeconds) {
        const own = parts.map((p) => p.find((r) => r.metric === t.key && r.expression === t.expression));
        const failed = own.filter((r) => r && !r.ok).length;
        return {
          ...base,
          ok: failed === 0 && own.every(Boolean),
          observed: { [agg]: Math.max(...own.map((r) => r?.observed[agg] ?? Number.NaN)) },
          note: `windowed: judged in each merged run (${failed} of ${parts.length} failed), not on the merged data`,
        };
      }
      const key = Object.keys(t.filter).length ? subMetricKey(t.name, t.filter) : t.name;
      const o = observe(metrics[key], t.parsed.aggregation, undefined, t.name);
      return {
        ...base,
        ok: compare(o.value, t.parsed.op, t.parsed.value),
        observed: { [agg]: o.value },
        ...(o.note ? { note: o.note } : {}),
      };
    });
  }

  final(registry: MetricsRegistry, nowMs: number): ThresholdResult[] {
    const endSec = Math.floor(nowMs / 1000);
    for (const t of this.list) if (t.parsed.windowSeconds) this.walkWindows(t, registry, endSec);
    const snap = registry.snapshot(nowMs);
    return this.list.map((t) => this.result(t, registry, nowMs, snap));
  }

  private result(
    t: Threshold,
    registry: MetricsRegistry,
    nowMs: number,
    snap?: Record<string, MetricData>,
  ): ThresholdResult {
    const base = { metric: t.key, expression: t.expression, abortOnFail: t.abortOnFail };
    const extra: Partial<ThresholdResult> = t.abortedAtMs !== undefined ? { abortedAtMs: t.abortedAtMs } : {};
    const agg = t.parsed.aggregationText;
    if (t.parsed.windowSeconds && t.windows > 0) {
      if (t.firstFail) {
        const note = `first failing window of ${t.windows} evaluated; worst ${agg} ${round(t.worst)}`;
        return {
          ...base,
          ok: false,
          observed: { [agg]: t.firstFail.observed },
          failedWindow: t.firstFail.window,
          note,
          ...extra,
        };
      }
      return {
        ...base,
        ok: true,
        observed: { [agg]: t.worst },
        note: `worst of ${t.windows} windows of ${t.parsed.windowSeconds}s`,
        ...extra,
      };
    }
    const s = snap ?? registry.snapshot(nowMs);
    const o = observe(s[t.regKey], t.parsed.aggregation, typesOf(registry).get(t.name), t.name);
    const r: ThresholdResult = {
      ...base,
      ok: compare(o.value, t.parsed.op, t.parsed.value),
      observed: { [agg]: o.value },
      ...extra,
    };
    const notes = [o.note];
    if (t.parsed.windowSeconds) {
      const measuredMs = nowMs - (registry.warmupMs ?? 0);
      notes.push(
        measuredMs < t.parsed.windowSeconds * 1000
          ? `the measured run is shorter than one ${t.parsed.windowSeconds}s window: evaluated over the ` +
              `whole measured run`
          : `no ${t.parsed.windowSeconds}s window had samples: evaluated over the whole measured run`,
      );
    }
    const note = notes.filter(Boolean).join('; ');
    if (note) r.note = note;
    return r;
  }

  /** evaluate every complete window ending at a second in [nextEndSec, endSec] */
  private walkWindows(t: Threshold, registry: MetricsRegistry, endSec: number): void {
    const w = t.parsed.windowSeconds!;
    const warmupSec = Math.ceil((registry.warmupMs ?? 0) / 1000);
    const type = typesOf(registry).get(t.name);
    let e = Math.max(t.nextEndSec, warmupSec + w);
    for (; e <= endSec; e++) {
      const data = registry.window(t.regKey, e * 1000, w);
      if (!data) continue;
      const o = observe(data, t.parsed.aggregation, type);
      if (Number.isNaN(o.value)) continue; // a window without samples: nothing to judge
      t.windows++;
      if (Number.isNaN(t.worst) || worse(o.value, t.worst, t.parsed.op)) t.worst = o.value;
      if (!t.firstFail && !compare(o.value, t.parsed.op, t.parsed.value)) {
        t.firstFail = { window: [(e - w) * 1000, e * 1000], observed: o.value };
      }
    }
    t.nextEndSec = Math.max(t.nextEndSec, e);
  }
}

const round = (x: number): number => Math.round(x * 1000) / 1000;

function typesOf(registry: MetricsRegistry): Map<string, MetricType> {
  return new Map(registry.list().map((m) => [m.name, m.type]));
}
