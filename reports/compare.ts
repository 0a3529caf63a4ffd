/**
 * `pipelab compare --out DIR`: compare.json (the CompareReport), compare.md and compare.html
 * (self-contained: charts as inline SVG, no scripts). The charts overlay the runs: latency
 * percentiles over time, the latency distributions (percentile curves from each run's HDR
 * histogram), throughput over time, and the headline figures side by side. Reads results only.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { CompareReport, FigureVerdict } from '../results/compare.ts';
import { percentileFromEncoded } from '../results/hdr.ts';
import { sloLatencyKey } from '../results/slo.ts';
import type { RunSummary, TimePointValue } from '../results/types.ts';
import { chartBase, type ChartOptions, type ChartSpec } from './chart-base.ts';
import { chartFrame } from '../results/chart-frame.ts';
import { xmlEscape as esc } from './junit.ts';
import { renderSvg } from './render.ts';

export interface LabelledRun {
  label: string;
  summary: RunSummary;
}

const x = { field: 't', type: 'quantitative' as const, title: 'time since start (s)' };
const runColor = { field: 'run', type: 'nominal' as const, title: 'run', sort: null, legend: { labelLimit: 320 } };
const val = (v: unknown): TimePointValue | undefined => (typeof v === 'object' ? (v as TimePointValue) : undefined);

/** p50 and p99 of each run per second, one colour per run, dashed p50 */
export function compareLatencySpec(runs: LabelledRun[], o: ChartOptions = {}): ChartSpec {
  const values: { run: string; t: number; percentile: string; ms: number }[] = [];
  for (const { label, summary } of runs) {
    const key = o.metric ?? sloLatencyKey(summary.timeseries.points) ?? 'latency';
    for (const p of summary.timeseries.points) {
      const v = val(p[key]);
      if (!v?.count) continue;
      for (const k of ['p50', 'p99'] as const)
        if (v[k] !== undefined) values.push({ run: label, t: p.t / 1000, percentile: k, ms: v[k]! });
    }
  }
  return {
    ...chartBase('latency percentiles per second, runs overlaid (ms)', o),
    data: { values },
    mark: { type: 'line' },
    encoding: {
      x,
      y: { field: 'ms', type: 'quantitative', title: 'latency (ms)' },
      color: runColor,
      strokeDash: { field: 'percentile', type: 'nominal', sort: ['p99', 'p50'], title: 'percentile' },
      detail: { field: 'percentile' },
    },
  } as ChartSpec;
}

/** percentiles read from each run's whole-run HDR histogram (HdrHistogram's percentile plot) */
const CURVE = [0, 10, 25, 50, 75, 90, 95, 99, 99.5, 99.9, 99.95, 99.99];

export function compareDistributionSpec(runs: LabelledRun[], o: ChartOptions = {}): ChartSpec {
  const values: { run: string; percentile: number; nines: number; ms: number }[] = [];
  for (const { label, summary } of runs) {
    const key = o.metric ?? ('e2e_latency' in summary.metrics ? 'e2e_latency' : 'latency');
    const m = summary.metrics[key];
    if (m?.type !== 'trend' || !m.count) continue;
    for (const p of CURVE)
      values.push({ run: label, percentile: p, nines: 1 / (1 - p / 100), ms: percentileFromEncoded(m.hdr, p) });
  }
  return {
    ...chartBase('latency distribution, runs overlaid (percentile curve)', o),
    data: { values },
    mark: { type: 'line', point: true },
    encoding: {
      x: {
        field: 'nines',
        type: 'quantitative',
        scale: { type: 'log' },
        title: 'percentile (log of 1 / (1 − p): 1 = p0, 10 = p90, 100 = p99, 1000 = p99.9)',
      },
      y: { field: 'ms', type: 'quantitative', title: 'latency (ms)' },
      color: runColor,
      tooltip: [{ field: 'run' }, { field: 'percentile' }, { field: 'ms' }],
    },
  } as ChartSpec;
}

export function compareThroughputSpec(runs: LabelledRun[], o: ChartOptions = {}): ChartSpec {
  const values: { run: string; t: number; perSec: number }[] = [];
  for (const { label, summary } of runs) {
    const counter = 'events_processed' in summary.metrics ? 'events_processed' : 'iterations';
    const perSec = 1000 / (summary.timeseries.intervalMs || 1000);
    for (const p of summary.timeseries.points)
      values.push({ run: label, t: p.t / 1000, perSec: (val(p[counter])?.count ?? 0) * perSec });
  }
  return {
    ...chartBase('throughput per second, runs overlaid', o),
    data: { values },
    mark: { type: 'line' },
    encoding: { x, y: { field: 'perSec', type: 'quantitative', title: 'events per second' }, color: runColor },
  } as ChartSpec;
}

/** p99, throughput, cost per million events and SLO-violation minutes, one bar per run each */
export function compareFiguresSpec(report: CompareReport): ChartSpec {
  const cur = report.currency === 'USD' ? '$' : `${report.currency} `;
  const values = report.runs.map((r) => ({
    run: r.label,
    p99: r.p99Ms,
    throughput: r.throughput,
    cost: r.costPerMillionEvents,
    slo: r.sloViolationMinutes,
  }));
  const bar = (field: string, title: string) => ({
    width: 200,
    height: 180,
    title,
    mark: { type: 'bar' as const },
    encoding: {
      x: { field: 'run', type: 'nominal' as const, title: null, sort: null, axis: { labelAngle: -30 } },
      y: { field, type: 'quantitative' as const, title: null },
      color: { ...runColor, legend: null },
    },
  });
  return {
    ...chartFrame('figures side by side'),
    data: { values },
    hconcat: [
      bar('p99', 'p99 (ms)'),
      bar('throughput', 'events per second'),
      bar('cost', `${cur} per million events`),
      bar('slo', `minutes with p99 > ${report.sloP99Ms} ms`),
    ],
  } as ChartSpec;
}

export function compareChartSpecs(report: CompareReport, runs: LabelledRun[]): Record<string, ChartSpec> {
  return {
    'compare-latency': compareLatencySpec(runs),
    'compare-distribution': compareDistributionSpec(runs),
    'compare-throughput': compareThroughputSpec(runs),
    'compare-figures': compareFiguresSpec(report),
  };
}

const FIGURE_NAMES: Record<FigureVerdict['figure'], string> = {
  p50: 'p50 (ms)',
  p99: 'p99 (ms)',
  throughput: 'events/s',
  costPerMillionEvents: 'cost per million events',
  sloViolationMinutes: 'SLO-violation minutes',
  errorRate: 'error rate',
};

/** four significant figures at most d decimals, trailing decimal zeros dropped (never an integer's own zeros) */
const num = (x: number | null, d = 3) =>
  x === null
    ? '—'
    : Number(x.toPrecision(4))
        .toFixed(d)
        .replace(/(\.\d*?)0+$/, '$1')
        .replace(/\.$/, '');

function runRows(r: CompareReport): string[][] {
  const cur = r.currency === 'USD' ? '$' : `${r.currency} `;
  return r.runs.map((x) => [
    x.label,
    x.mode,
    num(x.p50Ms, 1),
    num(x.p99Ms, 1),
    num(x.throughput, 0),
    x.costPerHour === null ? '—' : `${cur}${x.costPerHour.toFixed(2)}`,
    x.costPerMillionEvents === null ? '—' : `${cur}${x.costPerMillionEvents.toFixed(4)}`,
    num(x.sloViolationMinutes, 1),
    x.errorRate === null ? '—' : `${(x.errorRate * 100).toFixed(2)} %`,
  ]);
}

const RUN_HEAD = ['run', 'mode', 'p50 ms', 'p99 ms', 'events/s', 'cost/h', 'cost/M events', 'SLO min', 'errors'];
const VERDICT_HEAD = ['run', 'figure', 'baseline', 'value', 'difference', 'noise (±)', 'verdict'];

function verdictRows(r: CompareReport): string[][] {
  return r.verdicts.map((v) => [
    v.run,
    FIGURE_NAMES[v.figure],
    num(v.baseline),
    num(v.value),
    num(v.delta),
    num(v.noise),
    v.verdict === 'n/a' ? `n/a (${v.note})` : v.verdict,
  ]);
}

function gateLine(r: CompareReport): string {
  if (!r.gate) return '';
  return r.gate.failed.length
    ? `Gate --fail-on worse: FAILED on ${r.gate.failed.map((v) => `${v.run}: ${FIGURE_NAMES[v.figure]}`).join(', ')}`
    : `Gate --fail-on worse: passed (no worse verdict on ${r.gate.figures.join(', ')})`;
}

const NOISE_TEXT =
  'A difference is noise while |value − baseline| ≤ 2·√(s_A²/n_A + s_B²/n_B), s and n the standard deviation and ' +
  'number of the figure’s per-second values over each run’s measured window (SLO minutes: a sum of per-second ' +
  '0/1 indicators; cost: the throughput’s relative spread). See docs/reports.md.';

export function compareMarkdown(r: CompareReport): string {
  const row = (cells: string[]) => `| ${cells.map((c) => c.replace(/\|/g, '\\|')).join(' | ')} |`;
  const table = (head: string[], rows: string[][]) => [row(head), row(head.map(() => '---')), ...rows.map(row)];
  return [
    `# Runs compared (baseline: ${r.baseline})`,
    '',
    ...table(RUN_HEAD, runRows(r)),
    '',
    '## Verdicts against the baseline',
    '',
    ...table(VERDICT_HEAD, verdictRows(r)),
    '',
    NOISE_TEXT,
    ...(r.gate ? ['', gateLine(r)] : []),
    '',
  ].join('\n');
}

const CSS =
  "body{font-family:'DejaVu Sans',system-ui,sans-serif;margin:2rem auto;max-width:1100px;color:#222;padding:0 1rem}" +
  'table{border-collapse:collapse;margin:.5rem 0}td,th{border:1px solid #ddd;padding:.25rem .6rem;text-align:left}' +
  '.better{color:#1a7f37}.worse{color:#cf222e;font-weight:bold}.chart svg{max-width:100%;height:auto}';

export function compareHtml(r: CompareReport, charts: Record<string, string>): string {
  const table = (head: string[], rows: string[][], cls?: (i: number) => string) =>
    `<table><tr>${head.map((h) => `<th>${esc(h)}</th>`).join('')}</tr>\n${rows
      .map(
        (cells, i) => `<tr${cls ? ` class="${cls(i)}"` : ''}>${cells.map((c) => `<td>${esc(c)}</td>`).join('')}</tr>`,
      )
      .join('\n')}</table>`;
  const figures = Object.entries(charts).map(
    ([name, svg]) => `<figure class="chart" id="chart-${esc(name)}">${svg.replace(/^<\?xml[^>]*>/, '')}</figure>`,
  );
  const title = esc(r.runs.map((x) => x.label).join(' vs '));
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>pipelab compare: ${title}</title>
<style>${CSS}</style></head>
<body>
<h1>Runs compared</h1>
<p>Baseline: <strong>${esc(r.baseline)}</strong>; SLO p99 &lt; ${r.sloP99Ms} ms.</p>
${r.gate ? `<p class="${r.gate.failed.length ? 'worse' : 'better'}">${esc(gateLine(r))}</p>` : ''}
${table(RUN_HEAD, runRows(r))}
<h2>Verdicts against the baseline</h2>
${table(VERDICT_HEAD, verdictRows(r), (i) => r.verdicts[i]!.verdict.replace('/', ''))}
<p>${esc(NOISE_TEXT)}</p>
<h2>Charts</h2>
${figures.join('\n')}
<footer><p><small>Generated by pipelab ${esc(r.harness.version)} (schema ${esc(r.schema)}).</small></p></footer>
</body></html>
`;
}

/** writes compare.json, compare.md and compare.html into outDir; returns the paths */
export async function writeCompareReport(r: CompareReport, runs: LabelledRun[], outDir: string): Promise<string[]> {
  await mkdir(outDir, { recursive: true });
  const charts: Record<string, string> = {};
  for (const [name, spec] of Object.entries(compareChartSpecs(r, runs))) charts[name] = await renderSvg(spec);
  const files: [string, string][] = [
    ['compare.json', `${JSON.stringify(r, null, 2)}\n`],
    ['compare.md', compareMarkdown(r)],
    ['compare.html', compareHtml(r, charts)],
  ];
  for (const [name, data] of files) await writeFile(join(outDir, name), data);
  return files.map(([name]) => join(outDir, name));
}
