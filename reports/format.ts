/**
 * Shared formatting for every report writer (console, Markdown, HTML, JUnit): how a number, a
 * duration and a metric row look, so the four outputs never disagree about a figure.
 */
import type { MetricData, RunSummary, TrendData } from '../results/types.ts';

/** milliseconds with a unit that keeps 3–4 significant digits: 0.412ms, 12.3ms, 1.52s */
export function fmtMs(ms: number): string {
  if (!Number.isFinite(ms)) return String(ms);
  if (ms >= 60_000) return `${(ms / 60_000).toFixed(2)}m`;
  if (ms >= 1000) return `${(ms / 1000).toFixed(2)}s`;
  if (ms >= 100) return `${ms.toFixed(0)}ms`;
  if (ms >= 10) return `${ms.toFixed(1)}ms`;
  if (ms >= 1) return `${ms.toFixed(2)}ms`;
  if (ms > 0) return `${(ms * 1000).toFixed(0)}µs`;
  return '0ms';
}

/** a plain count or figure: integers as is (with thousands separators), floats to 2 decimals */
export function fmtNum(n: number): string {
  if (!Number.isFinite(n)) return String(n);
  if (Number.isInteger(n)) return n.toLocaleString('en-US');
  const abs = Math.abs(n);
  return n.toLocaleString('en-US', { maximumFractionDigits: abs >= 100 ? 1 : abs >= 1 ? 2 : 4 });
}

export function fmtPct(share: number): string {
  return `${(share * 100).toFixed(share > 0 && share < 0.001 ? 3 : 2)}%`;
}

/** the observed values of a threshold, e.g. `p(99)=67.7ms`: trend aggregations in ms, Rate metrics in % */
export function fmtObserved(metric: string, observed: Record<string, number>, summary?: RunSummary): string {
  const type = (summary?.metrics[metric] ?? summary?.metrics[metric.replace(/\{.*$/, '')])?.type;
  return Object.entries(observed)
    .map(([k, v]) => {
      if (type === 'trend' && k !== 'count') return `${k}=${fmtMs(v)}`;
      if (type === 'rate' && k === 'rate') return `${k}=${fmtPct(v)}`;
      return `${k}=${fmtNum(v)}`;
    })
    .join(' ');
}

export const TREND_COLUMNS = ['avg', 'min', 'med', 'max', 'p(90)', 'p(95)', 'p(99)'] as const;

export function trendCells(m: TrendData): Record<(typeof TREND_COLUMNS)[number], number> {
  return { avg: m.mean, min: m.min, med: m.p50, max: m.max, 'p(90)': m.p90, 'p(95)': m.p95, 'p(99)': m.p99 };
}

/** metric names sorted with untagged parents first and their sub-metrics right after them */
export function sortedMetricNames(metrics: Record<string, MetricData>): string[] {
  return Object.keys(metrics).sort((a, b) => {
    const pa = a.replace(/\{.*$/, ''),
      pb = b.replace(/\{.*$/, '');
    if (pa !== pb) return pa < pb ? -1 : 1;
    return a.length - b.length || (a < b ? -1 : a > b ? 1 : 0);
  });
}

/** one line describing a non-trend metric: `1,985  165.4/s`, `0.35% (7 of 1,985)`, `3 min=3 max=20` */
export function describeScalar(m: Exclude<MetricData, TrendData>): string {
  switch (m.type) {
    case 'counter':
      return `${fmtNum(m.count)}  ${fmtNum(m.rate)}/s`;
    case 'rate':
      return `${fmtPct(m.rate)}  (${fmtNum(m.passes)} of ${fmtNum(m.passes + m.fails)})`;
    case 'gauge':
      return `${fmtNum(m.value)}  min=${fmtNum(m.min)} max=${fmtNum(m.max)}`;
  }
}

/** the services and the mode each ran in, e.g. `target: embedded (function)` */
export function serviceLines(summary: RunSummary): string[] {
  return Object.entries(summary.services).map(([k, s]) => `${k}: ${s.mode}${s.detail ? ` (${s.detail})` : ''}`);
}

/**
 * The warning every report puts at the top when the load generator was the bottleneck, or
 * undefined when it was not (or the run is simulated).
 */
export function saturationWarning(s: RunSummary): string | undefined {
  const g = s.loadGenerator;
  if (!g?.saturated) return undefined;
  return (
    'load generator saturated: pipelab itself was a bottleneck, so latency and throughput measure it as ' +
    `much as the system under test (${g.reasons.join('; ')})`
  );
}
