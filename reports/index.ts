/**
 * Report writers: everything here reads a RunSummary (summary.json) and nothing else.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { redactSummary } from '../results/redact.ts';
import type { RunSummary } from '../results/types.ts';
import { chartSpecs } from './charts.ts';
import { formatHtml } from './html.ts';
import { formatJson } from './json.ts';
import { formatJunit } from './junit.ts';
import { formatMarkdown } from './markdown.ts';
import { renderPng, renderSvg } from './render.ts';

export {
  chartSpecs,
  errorsSpec,
  latencyHistogramSpec,
  latencyOverTimeSpec,
  throughputSpec,
} from './charts.ts';
export { CHART_FONT, type ChartSpec, type ChartOptions } from './chart-base.ts';
export { replicaTimelineSpec, lagOverTimeSpec, simChartSpecs, simTimelineSpec } from './charts-sim.ts';
export { simReportData, simMarkdown, simHtml, formatSimReport } from './sim.ts';
export type { SimReportData, SimReportOptions, ScaleOutRow } from './sim.ts';
export { formatConsoleSummary } from './console.ts';
export type { ConsoleOptions } from './console.ts';
export { renderSvg, renderPng } from './render.ts';
export { formatJson, formatJunit, formatMarkdown, formatHtml };

export interface WriteReportOptions {
  /** render charts (SVG, PNG, and into report.html); default true */
  charts?: boolean;
}

/** `reports/out/<scenario>-<YYYYMMDD-HHMMSS>` (UTC, from the run's start time) */
export function defaultReportDir(summary: RunSummary, root = join('reports', 'out')): string {
  const d = new Date(summary.startedAt);
  const ts = Number.isNaN(d.getTime()) ? new Date() : d;
  const p = (n: number) => String(n).padStart(2, '0');
  const stamp =
    `${ts.getUTCFullYear()}${p(ts.getUTCMonth() + 1)}${p(ts.getUTCDate())}-` +
    `${p(ts.getUTCHours())}${p(ts.getUTCMinutes())}${p(ts.getUTCSeconds())}`;
  const safe = summary.scenario.name.replace(/[^A-Za-z0-9._-]+/g, '_') || 'run';
  return join(root, `${safe}-${stamp}`);
}

/**
 * Writes summary.json, summary.md, junit.xml, report.html and charts/<name>.svg|png into outDir
 * (created if needed). Returns the paths written, summary.json first.
 */
export async function writeReport(input: RunSummary, outDir: string, opts: WriteReportOptions = {}): Promise<string[]> {
  // a summary built by hand or by an older pipelab may still hold a secret: none is written
  const summary = redactSummary(input);
  await mkdir(outDir, { recursive: true });
  const written: string[] = [];
  const put = async (name: string, data: string | Buffer) => {
    const p = join(outDir, name);
    await writeFile(p, data);
    written.push(p);
  };
  await put('summary.json', formatJson(summary));
  await put('summary.md', formatMarkdown(summary));
  await put('junit.xml', formatJunit(summary));
  const svgs: Record<string, string> = {};
  if (opts.charts !== false) {
    await mkdir(join(outDir, 'charts'), { recursive: true });
    for (const [name, spec] of Object.entries(chartSpecs(summary))) {
      const svg = await renderSvg(spec);
      svgs[name] = svg;
      await put(join('charts', `${name}.svg`), svg);
      await put(join('charts', `${name}.png`), await renderPng(svg));
    }
  }
  await put('report.html', formatHtml(summary, svgs));
  return written;
}
