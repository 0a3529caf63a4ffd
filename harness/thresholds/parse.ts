/**
 * Threshold grammar (k6's syntax plus sliding windows). Whitespace (ws) is allowed wherever
 * shown; everything is case-sensitive, as in k6.
 *
 *   thresholds   := { metric-key: [ spec, ... ], ... }
 *   spec         := expression-string
 *                 | { threshold: expression-string, abortOnFail?: boolean, delayAbortEval?: duration }
 *   metric-key   := name [ '{' tag-filter ( ',' tag-filter )* '}' ]
 *   name         := [A-Za-z_][A-Za-z0-9_.]*
 *   tag-filter   := ws* tag ws* ':' ws* value ws*        (tag: [A-Za-z0-9_.-]+, value: any text
 *                                                         without ',' '}' — e.g. status:200)
 *   expression   := ws* aggregation ws* operator ws* number [ ws+ window ] ws*
 *   aggregation  := 'avg' | 'min' | 'max' | 'med' | 'count' | 'rate' | 'value'
 *                 | 'p(' ws* number ws* ')'              (0 ≤ N ≤ 100, decimals allowed: p(99.9))
 *   operator     := '<=' | '>=' | '===' | '==' | '!=' | '<' | '>'
 *   number       := [ '-' ] digits [ '.' digits ]
 *   window       := 'in' ws+ 'every' ws+ duration ws+ 'window'   (a whole number of seconds ≥ 1)
 *   duration     := ( number unit )+  with unit 'ms' | 's' | 'm' | 'h'  (k6 style: '10s', '1m30s';
 *                   the one grammar of results/duration.ts)
 *
 * Aggregations allowed per metric type (k6):
 *   trend   avg | min | max | med | p(N) | count
 *   counter count | rate            (rate = count per second over the measured window)
 *   rate    rate                    (share of true samples)
 *   gauge   value | min | max
 */
import { parseDurationResult } from '../../results/duration.ts';
import type { MetricType } from '../../results/types.ts';

export type Aggregation =
  | { kind: 'avg' | 'min' | 'max' | 'med' | 'count' | 'rate' | 'value' }
  | { kind: 'p'; p: number };
export type Operator = '<' | '<=' | '>' | '>=' | '==' | '===' | '!=';

export interface ParsedExpression {
  aggregation: Aggregation;
  /** as shown in results, e.g. `p(99)`, `avg` */
  aggregationText: string;
  op: Operator;
  value: number;
  /** sliding window length in whole seconds, when the expression has `in every <d> window` */
  windowSeconds?: number;
}

export interface ParsedKey {
  name: string;
  filter: Record<string, string>;
}

const AGGREGATIONS_BY_TYPE: Record<MetricType, readonly string[]> = {
  trend: ['avg', 'min', 'max', 'med', 'p(N)', 'count'],
  counter: ['count', 'rate'],
  rate: ['rate'],
  gauge: ['value', 'min', 'max'],
};
const ALL_AGGREGATIONS = ['avg', 'min', 'max', 'med', 'p(N)', 'count', 'rate', 'value'];

/** is this aggregation allowed for a metric of this type? */
export function aggregationAllowed(a: Aggregation, type: MetricType): boolean {
  const name = a.kind === 'p' ? 'p(N)' : a.kind;
  return AGGREGATIONS_BY_TYPE[type].includes(name);
}

export function allowedText(type: MetricType): string {
  return `${type} metrics allow ${AGGREGATIONS_BY_TYPE[type].join(', ')}`;
}

type Result<T> = { ok: true; value: T } | { ok: false; message: string };

const NAME_RE = /^[A-Za-z_][A-Za-z0-9_.]*$/;

export function parseMetricKey(key: string): Result<ParsedKey> {
  const m = /^([^{}]*)(?:\{(.*)\})?$/.exec(key.trim());
  if (!m) return { ok: false, message: `"${key}" is not a metric key: write name or name{tag:value,...}` };
  const name = m[1]!.trim();
  if (!NAME_RE.test(name)) {
    return {
      ok: false,
      message: `"${name}" is not a metric name: use letters, digits, _ and . (e.g. latency, e2e_latency)`,
    };
  }
  const filter: Record<string, string> = {};
  if (m[2] !== undefined) {
    if (m[2].trim() === '')
      return { ok: false, message: `empty tag filter in "${key}": write name{tag:value} or drop the braces` };
    for (const part of m[2].split(',')) {
      const i = part.indexOf(':');
      const tag = (i < 0 ? part : part.slice(0, i)).trim();
      const value = i < 0 ? '' : part.slice(i + 1).trim();
      if (i < 0 || !/^[A-Za-z0-9_.-]+$/.test(tag) || value === '') {
        return {
          ok: false,
          message: `bad tag filter "${part.trim()}" in "${key}": write tag:value, e.g. ${name}{status:200}`,
        };
      }
      filter[tag] = value;
    }
  }
  return { ok: true, value: { name, filter } };
}

// aggregation(args)? operator number, then an optional `in every <duration> window`
const EXPR_RE = new RegExp(
  String.raw`^\s*([A-Za-z_][A-Za-z0-9_.]*(?:\(\s*[^)]*\))?)\s*(===|==|!=|<=|>=|<|>)\s*(-?\d+(?:\.\d+)?)` +
    String.raw`(?:\s+in\s+every\s+(\S+)\s+window)?\s*$`,
);

export function parseExpression(text: string): Result<ParsedExpression> {
  if (typeof text !== 'string' || text.trim() === '') {
    return { ok: false, message: 'empty threshold: write e.g. p(99)<500 or rate<0.01' };
  }
  const m = EXPR_RE.exec(text);
  if (!m) {
    const hint = /\bin\b/.test(text) ? ' (windows are written "<aggregation><op><number> in every 10s window")' : '';
    return {
      ok: false,
      message:
        `cannot parse "${text}": write <aggregation> <operator> <number>, e.g. p(99)<500, with ` +
        `aggregation one of ${ALL_AGGREGATIONS.join(', ')} and operator one of < <= > >= == === !=${hint}`,
    };
  }
  const agg = parseAggregation(m[1]!);
  if (!agg.ok) return agg;
  const out: ParsedExpression = {
    aggregation: agg.value,
    aggregationText: agg.value.kind === 'p' ? `p(${agg.value.p})` : agg.value.kind,
    op: m[2] as Operator,
    value: Number(m[3]),
  };
  if (m[4] !== undefined) {
    const d = parseDurationResult(m[4]);
    if (!d.ok) return d;
    if (d.value < 1000 || d.value % 1000 !== 0) {
      return { ok: false, message: `window "${m[4]}" must be a whole number of seconds, at least 1s (e.g. 10s, 1m)` };
    }
    out.windowSeconds = d.value / 1000;
  }
  return { ok: true, value: out };
}

function parseAggregation(text: string): Result<Aggregation> {
  const p = /^p\(\s*(\d+(?:\.\d+)?)\s*\)$/.exec(text);
  if (p) {
    const n = Number(p[1]);
    if (n < 0 || n > 100) return { ok: false, message: `percentile p(${p[1]}) must be between 0 and 100` };
    return { ok: true, value: { kind: 'p', p: n } };
  }
  if (text.startsWith('p('))
    return { ok: false, message: `"${text}" is not a percentile: write p(N) with a number N, e.g. p(95) or p(99.9)` };
  switch (text) {
    case 'avg':
    case 'min':
    case 'max':
    case 'med':
    case 'count':
    case 'rate':
    case 'value':
      return { ok: true, value: { kind: text } };
  }
  return { ok: false, message: `unknown aggregation "${text}": use one of ${ALL_AGGREGATIONS.join(', ')}` };
}

/** JSON-pointer escaping for a path segment (RFC 6901) */
export function pointer(...segments: (string | number)[]): string {
  return segments.map((s) => `/${String(s).replace(/~/g, '~0').replace(/\//g, '~1')}`).join('');
}
