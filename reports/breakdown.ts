/**
 * Where the time went and what went wrong: the per-stage latency breakdown per second (queue,
 * process, features, inference, sink — the pipeline and simulated runs record stage_* trends),
 * Gatling-style response-time ranges of the headline latency, and errors by reason (failed
 * iterations by tagged sub-metric, dropped iterations, dead letters by reason, lost and
 * duplicated events). Reads the RunSummary only.
 */
import { decodeValues } from '../results/hdr.ts';
import type { RunSummary, TimePointValue } from '../results/types.ts';
import { chartBase, type ChartOptions, type ChartSpec } from './chart-base.ts';
import { emptyChart } from './chart-empty.ts';
import { fmtMs, fmtNum } from './format.ts';
import { xmlEscape as esc } from './junit.ts';

/** in the order a record meets them; `process` is simulated runs only */
export const STAGES = ['queue', 'process', 'features', 'inference', 'sink'] as const;

const val = (v: unknown): TimePointValue | undefined => (typeof v === 'object' ? (v as TimePointValue) : undefined);
const headline = (s: RunSummary): string => ('e2e_latency' in s.metrics ? 'e2e_latency' : 'latency');

/** the stages a run recorded (stage_<name> trends) */
export function recordedStages(s: RunSummary): string[] {
  return STAGES.filter((st) => s.metrics[`stage_${st}`]?.type === 'trend');
}

/** p50 of each stage per second, stacked: how a typical record's time splits between the stages */
export function stageBreakdownSpec(s: RunSummary, o: ChartOptions = {}): ChartSpec | undefined {
  const stages = recordedStages(s);
  if (!stages.length) return undefined;
  const values: { t: number; stage: string; order: number; ms: number }[] = [];
  for (const p of s.timeseries.points)
    stages.forEach((st, order) => {
      const v = val(p[`stage_${st}`]);
      if (v?.count && v.p50 !== undefined) values.push({ t: p.t / 1000, stage: st, order, ms: v.p50 });
    });
  const title = 'latency by stage per second (p50 of each stage, stacked, ms)';
  if (!values.length) return emptyChart(title, 'no stage latency was recorded in this run', o);
  return {
    ...chartBase(title, o),
    data: { values },
    mark: { type: 'area', line: true, opacity: 0.85 },
    encoding: {
      x: { field: 't', type: 'quantitative', title: 'time since start (s)' },
      y: { field: 'ms', type: 'quantitative', stack: 'zero', title: 'ms (p50 per stage, stacked)' },
      color: { field: 'stage', type: 'nominal', sort: stages, scale: { domain: stages }, title: 'stage' },
      order: { field: 'order', type: 'quantitative' },
    },
  } as ChartSpec;
}

export interface ResponseRanges {
  metric: string;
  /** [lower, upper) bounds, ms */
  bounds: [number, number];
  /** where the bounds came from */
  source: string;
  rows: { range: string; count: number; share: number }[];
}

/**
 * Gatling's response-time ranges: t < lower, lower ≤ t < upper, t ≥ upper, and failed. The
 * bounds are the headline latency's p(N)<X threshold when the scenario has one (X and 1.5·X,
 * Gatling's 800/1200 ratio), else Gatling's defaults of 800 and 1200 ms. The three ranges count
 * every recorded latency; `failed` is the failed iterations (the errors rate).
 */
export function responseRanges(s: RunSummary): ResponseRanges | undefined {
  const metric = headline(s);
  const m = s.metrics[metric];
  if (m?.type !== 'trend' || !m.count) return undefined;
  const t = s.thresholds.find((x) => x.metric === metric && /^p\([\d.]+\)\s*<=?\s*[\d.]+$/.test(x.expression));
  const slo = t ? Number(/<=?\s*([\d.]+)$/.exec(t.expression)![1]) : undefined;
  const [lo, hi] = slo ? [slo, slo * 1.5] : [800, 1200];
  const counts = [0, 0, 0];
  for (const { valueMs, count } of decodeValues(m.hdr)) counts[valueMs < lo ? 0 : valueMs < hi ? 1 : 2]! += count;
  const errs = s.metrics.errors;
  const failed = errs?.type === 'rate' ? errs.passes : 0;
  const total = counts[0]! + counts[1]! + counts[2]! + failed;
  const row = (range: string, count: number) => ({ range, count, share: total ? count / total : 0 });
  return {
    metric,
    bounds: [lo, hi],
    source: t ? `threshold ${metric} ${t.expression}` : "Gatling's defaults",
    rows: [
      row(`t < ${fmtMs(lo)}`, counts[0]!),
      row(`${fmtMs(lo)} ≤ t < ${fmtMs(hi)}`, counts[1]!),
      row(`t ≥ ${fmtMs(hi)}`, counts[2]!),
      row('failed', failed),
    ],
  };
}

const RANGE_COLOURS = ['#1a7f37', '#e3b341', '#f58518', '#cf222e'];

export function responseRangesSpec(s: RunSummary, o: ChartOptions = {}): ChartSpec {
  const r = responseRanges(s);
  const title = 'response-time ranges (share of iterations)';
  if (!r) return emptyChart(title, 'no latency was recorded in this run', o);
  const domain = r.rows.map((x) => x.range);
  return {
    ...chartBase(`${title}: ${r.metric}`, { ...o, height: Math.min(o.height ?? 240, 90) }),
    data: { values: r.rows.map((x, i) => ({ ...x, order: i, pct: x.share * 100 })) },
    mark: { type: 'bar' },
    encoding: {
      x: { field: 'pct', type: 'quantitative', stack: 'zero', title: '% of iterations', scale: { domain: [0, 100] } },
      color: { field: 'range', type: 'nominal', sort: domain, scale: { domain, range: RANGE_COLOURS }, title: null },
      order: { field: 'order', type: 'quantitative' },
      tooltip: [{ field: 'range' }, { field: 'count' }, { field: 'pct', format: '.2f' }],
    },
  } as ChartSpec;
}

/** whole-run error counts by reason; [] when nothing failed */
export function errorReasons(s: RunSummary): { reason: string; count: number }[] {
  const out: { reason: string; count: number }[] = [];
  const add = (reason: string, n: unknown) => {
    if (typeof n === 'number' && n > 0) out.push({ reason, count: n });
  };
  const subs = Object.entries(s.metrics).filter(([k, m]) => k.startsWith('errors{') && m.type === 'rate');
  for (const [k, m] of subs) add(`failed iterations ${k.slice(6)}`, m.type === 'rate' ? m.passes : 0);
  const errs = s.metrics.errors;
  if (!subs.length) add('failed iterations', errs?.type === 'rate' ? errs.passes : 0);
  const dropped = s.metrics.dropped_iterations;
  add('dropped iterations (no free VU)', dropped?.type === 'counter' ? dropped.count : 0);
  const a = (s.extra as { accounting?: Record<string, unknown> } | undefined)?.accounting;
  if (a && typeof a === 'object') {
    add('produce failed', a.produceFailed);
    for (const [r, n] of Object.entries((a.deadLetterReasons ?? {}) as Record<string, number>))
      add(`dead-lettered: ${r}`, n);
    add('lost (missing after the drain)', a.missing);
    add('duplicated results', a.duplicates);
  }
  return out;
}

/** per second, stacked by kind: failed iterations, dropped iterations, dead letters */
export function errorsByReasonValues(s: RunSummary): { t: number; t2: number; reason: string; count: number }[] {
  const w = (s.timeseries.intervalMs || 1000) / 1000;
  const out: { t: number; t2: number; reason: string; count: number }[] = [];
  for (const p of s.timeseries.points) {
    const e = val(p.errors);
    const kinds: [string, number][] = [
      ['failed iterations', e?.count ? (e.value === undefined ? e.count : Math.round(e.count * e.value)) : 0],
      ['dropped iterations', val(p.dropped_iterations)?.count ?? 0],
      ['dead letters', val(p.dead_letters)?.count ?? 0],
    ];
    for (const [reason, count] of kinds)
      if (count > 0) out.push({ t: p.t / 1000, t2: p.t / 1000 + w * 0.9, reason, count });
  }
  return out;
}

function rangesRows(r: ResponseRanges): string[][] {
  return r.rows.map((x) => [x.range, fmtNum(x.count), `${(x.share * 100).toFixed(2)} %`]);
}

export function breakdownMarkdown(s: RunSummary): string {
  const out: string[] = [];
  const r = responseRanges(s);
  if (r) {
    out.push(`## Response-time ranges (${r.metric}; bounds from ${r.source})`, '', '| range | count | share |');
    out.push('|---|---:|---:|', ...rangesRows(r).map((c) => `| ${c.join(' | ')} |`), '');
  }
  const reasons = errorReasons(s);
  out.push('## Errors by reason', '');
  if (!reasons.length) out.push('No errors: no failed, dropped, dead-lettered or lost event.', '');
  else out.push('| reason | count |', '|---|---:|', ...reasons.map((x) => `| ${x.reason} | ${fmtNum(x.count)} |`), '');
  return out.join('\n');
}

export function breakdownHtml(s: RunSummary): string {
  const out: string[] = [];
  const r = responseRanges(s);
  const tr = (cells: string[]) =>
    `<tr>${cells.map((c, i) => `<td${i ? ' class="n"' : ''}>${esc(c)}</td>`).join('')}</tr>`;
  if (r)
    out.push(
      `<h2>Response-time ranges</h2><p>${esc(r.metric)}; bounds from ${esc(r.source)}.</p>`,
      `<table><tr><th>range</th><th>count</th><th>share</th></tr>${rangesRows(r).map(tr).join('')}</table>`,
    );
  const reasons = errorReasons(s);
  out.push('<h2>Errors by reason</h2>');
  if (!reasons.length) out.push('<p>No errors: no failed, dropped, dead-lettered or lost event.</p>');
  else {
    const body = reasons.map((x) => tr([x.reason, fmtNum(x.count)])).join('');
    out.push(`<table><tr><th>reason</th><th>count</th></tr>${body}</table>`);
  }
  return out.join('\n');
}
