/**
 * pipelab scenario → k6 `options` (scenarios, thresholds, tags) as a plain JSON-able object,
 * plus what could not be carried over. The script renderer (k6-script.ts) prints this object
 * as is, so tests can compare it directly with the expected mapping.
 *
 * What maps (k6 docs: "Scenarios", "Thresholds", "Built-in metrics"):
 * - executors → options.scenarios with the same k6 executor names and fields; durations are
 *   normalised ('1.5s' → '1500ms'); k6 wants whole-number rates (Go null.Int), so a fractional
 *   rate is turned into a whole one per a longer timeUnit (2.5/s → 5 per 2s);
 *   arrival-rate executors get their resolved preAllocatedVUs/maxVUs (k6 requires the former).
 * - metrics: latency → http_req_duration (its `count` → http_reqs), errors → http_req_failed,
 *   iterations, dropped_iterations and vus keep their names; the tag filter `executor:X`
 *   becomes `scenario:X` (k6 tags every sample with its scenario), other filters are kept.
 * - not carried over (warned): sliding-window thresholds ("in every 10s window"), trend/gauge
 *   aggregations k6 lacks, metrics k6 does not record, the warm-up.
 */
import { PipelabError } from '../../errors.ts';
import type { ExecutorConfig } from '../executors/index.ts';
import { vuBounds } from '../executors/constant-arrival-rate.ts';
import type { Scenario } from '../scenario/index.ts';
import { formatDuration, parseDuration } from '../../results/duration.ts';
import { parseExpression, parseMetricKey } from '../thresholds/index.ts';
import type { ThresholdSpec } from '../thresholds/api.ts';
import type { Config as HttpConfig } from '../targets/http.ts';

/** k6 `options.scenarios[name]` (the fields of @types/k6's Scenario union that we produce) */
export type K6Scenario = {
  executor: ExecutorConfig['executor'];
  startTime?: string;
  gracefulStop?: string;
  tags?: Record<string, string>;
} & Record<string, unknown>;

export type K6Threshold = string | { threshold: string; abortOnFail?: boolean; delayAbortEval?: string };

export interface K6Options {
  scenarios: Record<string, K6Scenario>;
  thresholds?: Record<string, K6Threshold[]>;
  tags?: Record<string, string>;
}

/** something in the scenario the k6 script cannot express, with where it was and why */
export interface K6Dropped {
  path: string;
  what: string;
  why: string;
}

export interface K6Mapping {
  options: K6Options;
  dropped: K6Dropped[];
  /** one line per dropped item, for stderr */
  warnings: string[];
}

/** our built-in metric → the k6 built-in metric recording the same thing for an HTTP target */
export const K6_METRICS: Record<string, string> = {
  latency: 'http_req_duration',
  errors: 'http_req_failed',
  iterations: 'iterations',
  dropped_iterations: 'dropped_iterations',
  vus: 'vus',
};

/** aggregations k6 computes per metric type (k6 metrics/thresholds.go: the sinks' keys) */
const K6_AGGREGATIONS: Record<string, readonly string[]> = {
  http_req_duration: ['avg', 'min', 'max', 'med', 'p'],
  http_req_failed: ['rate'],
  iterations: ['count', 'rate'],
  dropped_iterations: ['count', 'rate'],
  vus: ['value'],
};

const dur = (d: string): string => formatDuration(parseDuration(d));

/** throws unless the scenario's target is http: only HTTP requests have a k6 equivalent here */
export function assertHttpTarget(s: Scenario): HttpConfig {
  if (s.target.type !== 'http') {
    throw new PipelabError(
      'UNSUPPORTED_EXPORT',
      `scenario ${s.name} has a "${s.target.type}" target: only http targets can be exported to k6`,
      {
        issues: [
          {
            path: '/target/type',
            message: `"${s.target.type}" runs inside pipelab and has no k6 equivalent; k6 scripts make HTTP requests`,
          },
        ],
        hint: 'export a scenario whose target is { type: "http", url, ... }, e.g. scenarios/http-example.ts',
      },
    );
  }
  return s.target;
}

/** k6 options for a validated scenario with an http target */
export function k6Options(s: Scenario): K6Mapping {
  assertHttpTarget(s);
  const dropped: K6Dropped[] = [];
  const scenarios: Record<string, K6Scenario> = {};
  for (const [name, e] of Object.entries(s.executors)) scenarios[name] = k6Scenario(e, `/executors/${name}`, dropped);
  const options: K6Options = { scenarios };
  const thresholds = k6Thresholds(s.thresholds, dropped);
  if (Object.keys(thresholds).length) options.thresholds = thresholds;
  if (Object.keys(s.tags).length) options.tags = { ...s.tags };
  if (s.warmupMs > 0) {
    dropped.push({
      path: '/warmup',
      what: `warmup: '${s.warmup}'`,
      why: 'k6 has no warm-up exclusion: the first seconds count in its figures and thresholds',
    });
  }
  return {
    options,
    dropped,
    warnings: dropped.map((d) => `warning: ${d.path} ${d.what}: ${d.why}; not in the k6 script`),
  };
}

function common(e: ExecutorConfig): Pick<K6Scenario, 'startTime' | 'gracefulStop' | 'tags'> {
  return {
    ...(e.startTime !== undefined ? { startTime: dur(e.startTime) } : {}),
    ...(e.gracefulStop !== undefined ? { gracefulStop: dur(e.gracefulStop) } : {}),
    ...(e.tags !== undefined ? { tags: { ...e.tags } } : {}),
  };
}

function k6Scenario(e: ExecutorConfig, path: string, dropped: K6Dropped[]): K6Scenario {
  switch (e.executor) {
    case 'constant-arrival-rate': {
      const { pre, max } = vuBounds(e);
      const [rate, timeUnit] = wholeRates([e.rate], e.timeUnit ?? '1s', path, dropped);
      return {
        executor: e.executor,
        rate: rate[0],
        timeUnit,
        duration: dur(e.duration),
        preAllocatedVUs: pre,
        maxVUs: max,
        ...common(e),
      };
    }
    case 'ramping-arrival-rate': {
      const { pre, max } = vuBounds(e);
      const [values, timeUnit] = wholeRates(
        [e.startRate ?? 0, ...e.stages.map((st) => st.target)],
        e.timeUnit ?? '1s',
        path,
        dropped,
      );
      return {
        executor: e.executor,
        startRate: values[0],
        timeUnit,
        stages: e.stages.map((st, i) => ({ target: values[i + 1], duration: dur(st.duration) })),
        preAllocatedVUs: pre,
        maxVUs: max,
        ...common(e),
      };
    }
    case 'constant-vus':
      return { executor: e.executor, vus: e.vus ?? 1, duration: dur(e.duration), ...common(e) };
    case 'ramping-vus':
      return {
        executor: e.executor,
        startVUs: e.startVUs ?? 1,
        stages: e.stages.map((st) => ({ target: st.target, duration: dur(st.duration) })),
        ...(e.gracefulRampDown !== undefined ? { gracefulRampDown: dur(e.gracefulRampDown) } : {}),
        ...common(e),
      };
    case 'per-vu-iterations':
      return {
        executor: e.executor,
        vus: e.vus ?? 1,
        iterations: e.iterations ?? 1,
        ...(e.maxDuration !== undefined ? { maxDuration: dur(e.maxDuration) } : {}),
        ...common(e),
      };
  }
}

const MAX_UNIT_FACTOR = 1000;
const isWhole = (x: number) => Math.abs(x - Math.round(x)) < 1e-9;

/**
 * k6 rates are integers per timeUnit. Multiply the timeUnit by the smallest factor that makes
 * every rate whole (0.5/s → 1 per 2s); past 1000× round instead, and say so.
 */
function wholeRates(values: number[], timeUnit: string, path: string, dropped: K6Dropped[]): [number[], string] {
  const unitMs = parseDuration(timeUnit);
  for (let f = 1; f <= MAX_UNIT_FACTOR; f++) {
    if (values.every((v) => isWhole(v * f))) return [values.map((v) => Math.round(v * f)), formatDuration(unitMs * f)];
  }
  dropped.push({
    path,
    what: `rates ${values.join(', ')} per ${timeUnit}`,
    why: 'k6 rates are whole numbers per timeUnit; rounded',
  });
  return [values.map((v) => Math.max(Math.round(v), 0)), dur(timeUnit)];
}

function formatKey(name: string, filter: Record<string, string>): string {
  const tags = Object.entries(filter).map(([k, v]) => `${k === 'executor' ? 'scenario' : k}:${v}`);
  return tags.length ? `${name}{${tags.join(',')}}` : name;
}

function k6Thresholds(config: Record<string, ThresholdSpec[]>, dropped: K6Dropped[]): Record<string, K6Threshold[]> {
  const out: Record<string, K6Threshold[]> = {};
  for (const [key, specs] of Object.entries(config)) {
    const parsedKey = parseMetricKey(key);
    specs.forEach((spec, i) => {
      const path = `/thresholds/${key}/${i}`;
      const text = typeof spec === 'string' ? spec : spec.threshold;
      const what = `${key}: '${text.trim()}'`;
      const expr = parseExpression(text);
      if (!parsedKey.ok || !expr.ok) return; // validation rejected these already
      if (expr.value.windowSeconds !== undefined) {
        dropped.push({
          path,
          what,
          why: `k6 has no sliding-window thresholds ("in every ${expr.value.windowSeconds}s window")`,
        });
        return;
      }
      let metric = K6_METRICS[parsedKey.value.name];
      if (metric === undefined) {
        dropped.push({ path, what, why: `k6 does not record "${parsedKey.value.name}" for an HTTP script` });
        return;
      }
      const agg = expr.value.aggregation.kind;
      // a trend's count in pipelab = number of requests; k6 trends have no count, http_reqs does
      if (metric === 'http_req_duration' && agg === 'count') metric = 'http_reqs';
      else if (!K6_AGGREGATIONS[metric]!.includes(agg)) {
        dropped.push({
          path,
          what,
          why:
            `k6 computes only ` +
            `${K6_AGGREGATIONS[metric]!.map((a) => (a === 'p' ? 'p(N)' : a)).join(', ')} for ${metric}`,
        });
        return;
      }
      const k6Key = formatKey(metric, parsedKey.value.filter);
      const threshold = text.trim();
      const t: K6Threshold =
        typeof spec === 'string'
          ? threshold
          : {
              threshold,
              ...(spec.abortOnFail !== undefined ? { abortOnFail: spec.abortOnFail } : {}),
              ...(spec.delayAbortEval !== undefined ? { delayAbortEval: dur(spec.delayAbortEval) } : {}),
            };
      const list = out[k6Key] ?? [];
      list.push(t);
      out[k6Key] = list;
    });
  }
  return out;
}
