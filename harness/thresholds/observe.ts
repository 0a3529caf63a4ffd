/**
 * Reading a threshold's figure from a metric's data and judging it: shared by the live run (on the
 * registry's snapshot and windows) and by `pipelab merge` (on merged summary metrics).
 */
import { percentileFromEncoded } from '../../results/hdr.ts';
import { ACCOUNTING_METRICS } from '../../results/delivery.ts';
import type { MetricData, MetricType } from '../../results/types.ts';
import { aggregationAllowed, allowedText, type Aggregation, type Operator } from './parse.ts';

/** the figure an aggregation reads from a metric's data; NaN (with a note) when there is none */
export function observe(
  data: MetricData | undefined,
  a: Aggregation,
  type?: MetricType,
  name?: string,
): { value: number; note?: string } {
  if (type && !aggregationAllowed(a, type))
    return { value: NaN, note: `not an aggregation of a ${type} metric: ${allowedText(type)}` };
  if (!data && name !== undefined && ACCOUNTING_METRICS.has(name))
    return { value: NaN, note: 'no samples: the books never closed (the accounting is incomplete), not 0' };
  if (!data) {
    if (a.kind === 'count' || a.kind === 'rate')
      return { value: 0, note: 'the metric received no samples: evaluated as 0' };
    return { value: NaN, note: 'the metric received no samples' };
  }
  switch (data.type) {
    case 'trend': {
      if (a.kind === 'count') return { value: data.count };
      if (data.count === 0) return { value: NaN, note: 'no samples in the measured window' };
      switch (a.kind) {
        case 'avg':
          return { value: data.mean };
        case 'min':
          return { value: data.min };
        case 'max':
          return { value: data.max };
        case 'med':
          return { value: data.p50 };
        case 'p':
          return { value: trendPercentile(data, a.p) };
      }
      break;
    }
    case 'counter':
      if (a.kind === 'count') return { value: data.count };
      if (a.kind === 'rate') return { value: data.rate };
      break;
    case 'rate':
      if (a.kind === 'rate') {
        if (data.passes + data.fails === 0) return { value: 0, note: 'no samples: evaluated as 0' };
        return { value: data.rate };
      }
      break;
    case 'gauge':
      if (a.kind === 'value') return { value: data.value };
      if (a.kind === 'min') return { value: data.min };
      if (a.kind === 'max') return { value: data.max };
      break;
  }
  return { value: NaN, note: `not an aggregation of a ${data.type} metric: ${allowedText(data.type)}` };
}

function trendPercentile(d: Extract<MetricData, { type: 'trend' }>, p: number): number {
  switch (p) {
    case 50:
      return d.p50;
    case 90:
      return d.p90;
    case 95:
      return d.p95;
    case 99:
      return d.p99;
    case 99.9:
      return d['p99.9'];
    case 100:
      return d.max;
  }
  return percentileFromEncoded(d.hdr, p);
}

export function compare(observed: number, op: Operator, limit: number): boolean {
  if (Number.isNaN(observed)) return false;
  switch (op) {
    case '<':
      return observed < limit;
    case '<=':
      return observed <= limit;
    case '>':
      return observed > limit;
    case '>=':
      return observed >= limit;
    case '==':
    case '===':
      return observed === limit;
    case '!=':
      return observed !== limit;
  }
}

/** is a further from passing than b, for this operator? (the "worst window" shown when all pass) */
export function worse(a: number, b: number, op: Operator): boolean {
  if (op === '<' || op === '<=') return a > b;
  if (op === '>' || op === '>=') return a < b;
  return false;
}
