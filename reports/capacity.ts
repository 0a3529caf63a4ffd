/**
 * The capacity search's report: capacity.json (the CapacityResult), capacity.md and capacity.html
 * (self-contained: the two charts as inline SVG, no scripts), from the result alone. The charts
 * put the latency the SLO bounds and the achieved throughput against the offered rate, with the
 * SLO and the knee (the highest rate that held) marked.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { CapacityProbe, CapacityResult } from '../results/capacity.ts';
import { chartBase, type ChartOptions, type ChartSpec } from './chart-base.ts';
import { fmtMs, fmtNum } from './format.ts';
import { xmlEscape as esc } from './junit.ts';
import { renderSvg } from './render.ts';

const verdict = (p: CapacityProbe) => (p.ok ? 'met' : 'failed');
const rule = (x: number, color: string, dash = true) => ({
  data: { values: [{}] },
  mark: { type: 'rule' as const, color, ...(dash ? { strokeDash: [4, 3] } : {}) },
  encoding: { x: { datum: x, type: 'quantitative' as const } },
});

function kneeLayers(r: CapacityResult) {
  if (!r.knee) return [];
  return [
    rule(r.knee.rate, '#1a7f37'),
    {
      data: { values: [{}] },
      mark: { type: 'text' as const, align: 'left' as const, dx: 4, dy: -6, color: '#1a7f37' },
      encoding: {
        x: { datum: r.knee.rate, type: 'quantitative' as const },
        y: { value: 8 },
        text: { value: `knee ${fmtNum(r.knee.rate)}/s` },
      },
    },
  ];
}

const pointColor = {
  field: 'verdict',
  type: 'nominal' as const,
  title: 'probe',
  scale: { domain: ['met', 'failed'], range: ['#1a7f37', '#cf222e'] },
};

/** the SLO's latency (its aggregation, e.g. the p99) of each probe against the offered rate */
export function capacityLatencySpec(r: CapacityResult, o: ChartOptions = {}): ChartSpec {
  const values = r.probes.map((p) => ({
    rate: p.rate,
    ms: p.observed ?? p.latency.max,
    verdict: verdict(p),
    probe: p.index,
  }));
  const limit = Number(/([<>]=?)\s*(-?\d+(?:\.\d+)?)/.exec(r.slo.expression)?.[2]);
  const x = { field: 'rate', type: 'quantitative' as const, title: 'offered rate (per second)' };
  return {
    ...chartBase(`${r.slo.metric} ${r.slo.expression.replace(/[<>=].*$/, '')} against offered rate (ms)`, o),
    layer: [
      {
        data: { values: [...values].sort((a, b) => a.rate - b.rate) },
        layer: [
          {
            mark: { type: 'line', color: '#bbbbbb' },
            encoding: {
              x,
              y: {
                field: 'ms',
                type: 'quantitative',
                aggregate: 'max',
                title: `${r.slo.metric} (ms, log scale)`,
                scale: { type: 'log' },
              },
            },
          },
          {
            mark: { type: 'point', filled: true, size: 60 },
            encoding: {
              x,
              y: { field: 'ms', type: 'quantitative' },
              color: pointColor,
              tooltip: [{ field: 'probe' }, { field: 'rate' }, { field: 'ms' }],
            },
          },
        ],
      },
      ...(Number.isFinite(limit)
        ? [
            {
              data: { values: [{}] },
              mark: { type: 'rule' as const, color: '#cf222e', strokeDash: [2, 2] },
              encoding: { y: { datum: limit, type: 'quantitative' as const } },
            },
          ]
        : []),
      ...kneeLayers(r),
    ],
  } as ChartSpec;
}

/** completed per second against offered per second: on the diagonal while the system keeps up */
export function capacityThroughputSpec(r: CapacityResult, o: ChartOptions = {}): ChartSpec {
  const values = r.probes.map((p) => ({
    rate: p.rate,
    achieved: p.achievedPerSec,
    verdict: verdict(p),
    probe: p.index,
  }));
  const top = Math.max(1, ...r.probes.map((p) => p.rate));
  const x = { field: 'rate', type: 'quantitative' as const, title: 'offered rate (per second)' };
  return {
    ...chartBase('achieved throughput against offered rate (per second)', o),
    layer: [
      {
        data: {
          values: [
            { rate: 0, achieved: 0 },
            { rate: top, achieved: top },
          ],
        },
        mark: { type: 'line', color: '#dddddd', strokeDash: [4, 3] },
        encoding: { x, y: { field: 'achieved', type: 'quantitative', title: 'achieved (per second)' } },
      },
      {
        data: { values },
        mark: { type: 'point', filled: true, size: 60 },
        encoding: {
          x,
          y: { field: 'achieved', type: 'quantitative' },
          color: pointColor,
          tooltip: [{ field: 'probe' }, { field: 'rate' }, { field: 'achieved' }],
        },
      },
      ...kneeLayers(r),
    ],
  } as ChartSpec;
}

export function capacityChartSpecs(r: CapacityResult, o: ChartOptions = {}): Record<string, ChartSpec> {
  return { 'capacity-latency': capacityLatencySpec(r, o), 'capacity-throughput': capacityThroughputSpec(r, o) };
}

const PROBE_HEAD = ['#', 'phase', 'offered/s', 'achieved/s', 'SLO figure', 'p50', 'p99', 'backlog/s', 'verdict'];

function probeCells(p: CapacityProbe): string[] {
  return [
    String(p.index),
    p.phase,
    fmtNum(p.rate),
    fmtNum(Number(p.achievedPerSec.toFixed(1))),
    p.observed === null ? 'no samples' : fmtMs(p.observed),
    fmtMs(p.latency.p50),
    fmtMs(p.latency.p99),
    fmtNum(Number(p.backlogSlopePerSec.toFixed(1))),
    p.ok ? 'met' : `failed: ${p.reasons.join('; ')}`,
  ];
}

function headline(r: CapacityResult): string {
  return r.capacityPerSec === null ? 'no rate met the SLO' : `capacity ${fmtNum(r.capacityPerSec)}/s`;
}

function criteriaText(r: CapacityResult): string {
  const c = r.criteria;
  return (
    `SLO ${r.slo.metric} ${r.slo.expression}; backlog growth ≤ ${(c.maxBacklogGrowth * 100).toFixed(0)} % of the ` +
    `offered rate per second; achieved ≥ ${(c.minThroughputRatio * 100).toFixed(0)} % of offered; no lost events; ` +
    `error rate ≤ ${(c.maxErrorRate * 100).toFixed(2)} %; load generator not saturated. Probes of ` +
    `${fmtMs(r.stepMs)}; stable when (hi − lo) / hi ≤ ${(r.tolerance * 100).toFixed(0)} % and the answer passed ` +
    `${r.confirmations} probes.`
  );
}

export function capacityMarkdown(r: CapacityResult): string {
  const row = (cells: string[]) => `| ${cells.map((c) => c.replace(/\|/g, '\\|')).join(' | ')} |`;
  return [
    `# Capacity: ${r.scenario.name} (${r.scenario.kind}, ${r.scenario.target} target)`,
    '',
    `**${headline(r)}**${r.stable ? '' : ' (not stable)'}. ${r.note}`,
    '',
    `Criteria: ${criteriaText(r)}`,
    '',
    row(PROBE_HEAD),
    row(PROBE_HEAD.map(() => '---')),
    ...r.probes.map((p) => row(probeCells(p))),
    '',
    `pipelab ${r.harness.version}, ${r.startedAt} – ${r.endedAt}`,
    '',
  ].join('\n');
}

const CSS =
  "body{font-family:'DejaVu Sans',system-ui,sans-serif;margin:2rem auto;max-width:1100px;color:#222;padding:0 1rem}" +
  'table{border-collapse:collapse;margin:.5rem 0}td,th{border:1px solid #ddd;padding:.25rem .6rem;text-align:left}' +
  '.ok{color:#1a7f37}.fail{color:#cf222e}.chart svg{max-width:100%;height:auto}';

export function capacityHtml(r: CapacityResult, charts: Record<string, string>): string {
  const figures = Object.entries(charts).map(
    ([name, svg]) => `<figure class="chart" id="chart-${esc(name)}">${svg.replace(/^<\?xml[^>]*>/, '')}</figure>`,
  );
  const rows = r.probes.map(
    (p) =>
      `<tr class="${p.ok ? 'ok' : 'fail'}">${probeCells(p)
        .map((c) => `<td>${esc(c)}</td>`)
        .join('')}</tr>`,
  );
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>pipelab capacity: ${esc(r.scenario.name)}</title>
<style>${CSS}</style></head>
<body>
<h1>Capacity: ${esc(r.scenario.name)} (${esc(r.scenario.kind)}, ${esc(r.scenario.target)} target)</h1>
<p class="${r.capacityPerSec === null ? 'fail' : 'ok'}"><strong>${esc(headline(r))}</strong>\
${r.stable ? '' : ' (not stable)'}</p>
<p>${esc(r.note)}</p>
<p>Criteria: ${esc(criteriaText(r))}</p>
${figures.join('\n')}
<h2>Probes</h2>
<table><tr>${PROBE_HEAD.map((h) => `<th>${esc(h)}</th>`).join('')}</tr>
${rows.join('\n')}
</table>
<footer><p><small>Generated by pipelab ${esc(r.harness.version)} from capacity.json \
(schema ${esc(r.schema)}).</small></p></footer>
</body></html>
`;
}

/** writes capacity.json, capacity.md and capacity.html into outDir; returns the paths */
export async function writeCapacityReport(r: CapacityResult, outDir: string): Promise<string[]> {
  await mkdir(outDir, { recursive: true });
  const charts: Record<string, string> = {};
  for (const [name, spec] of Object.entries(capacityChartSpecs(r))) charts[name] = await renderSvg(spec);
  const files: [string, string][] = [
    ['capacity.json', `${JSON.stringify(r, null, 2)}\n`],
    ['capacity.md', capacityMarkdown(r)],
    ['capacity.html', capacityHtml(r, charts)],
  ];
  for (const [name, data] of files) await writeFile(join(outDir, name), data);
  return files.map(([name]) => join(outDir, name));
}
