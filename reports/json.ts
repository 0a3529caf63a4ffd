/**
 * summary.json: the RunSummary as is, with a stable key order so two runs diff cleanly and a
 * reader finds the same field in the same place: top-level fields in the documented order
 * (docs/reports.md), then inside objects `type`/`t`/`name` first and the rest alphabetically.
 * Arrays keep their order (time series, thresholds and executors are ordered data).
 */
import type { RunSummary } from '../results/types.ts';

const TOP_ORDER = [
  'schema',
  'harness',
  'scenario',
  'seed',
  'config',
  'services',
  'startedAt',
  'endedAt',
  'durationMs',
  'warmupMs',
  'aborted',
  'metrics',
  'timeseries',
  'thresholds',
  'executors',
  'system',
  'extra',
];
const FIRST = ['type', 't', 'name', 'metric', 'expression', 'ok'];

function rank(order: string[], k: string): number {
  const i = order.indexOf(k);
  return i === -1 ? order.length : i;
}

function sortKeys(v: unknown, order: string[]): unknown {
  if (Array.isArray(v)) return v.map((x) => sortKeys(x, FIRST));
  if (v === null || typeof v !== 'object') return v;
  const keys = Object.keys(v).sort((a, b) => rank(order, a) - rank(order, b) || (a < b ? -1 : a > b ? 1 : 0));
  const out: Record<string, unknown> = {};
  for (const k of keys) {
    const x = (v as Record<string, unknown>)[k];
    if (x !== undefined) out[k] = sortKeys(x, FIRST);
  }
  return out;
}

/** summary.json text (2-space indent, trailing newline) */
export function formatJson(summary: RunSummary): string {
  return `${JSON.stringify(sortKeys(summary, TOP_ORDER), null, 2)}\n`;
}
