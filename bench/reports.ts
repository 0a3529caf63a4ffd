/**
 * Report writing cost: how long `writeReport` takes for one run (summary.json, md, junit, html,
 * 4 charts as SVG + PNG), split into the text writers and the chart rendering, beside a baseline
 * measured in the same run: plain `JSON.stringify` + write of the same summary.
 *   npx tsx bench/reports.ts [--quick]
 */
import './help.ts';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeSummary } from '../test/fixtures/make-summary.ts';
import {
  chartSpecs,
  formatHtml,
  formatJson,
  formatJunit,
  formatMarkdown,
  renderPng,
  renderSvg,
  writeReport,
} from '../reports/index.ts';

const quick = process.argv.includes('--quick') || process.env.PIPELAB_BENCH_QUICK === '1';
const reps = quick ? 3 : 20;
const summary = makeSummary();
const dir = mkdtempSync(join(tmpdir(), 'pipelab-bench-reports-'));

async function time(label: string, fn: () => Promise<unknown> | unknown): Promise<number> {
  await fn(); // warm (module loading, JIT)
  const t0 = performance.now();
  for (let i = 0; i < reps; i++) await fn();
  const ms = (performance.now() - t0) / reps;
  console.log(`${label.padEnd(48)} ${ms.toFixed(2).padStart(9)} ms`);
  return ms;
}

try {
  console.log(
    `reports bench: ${reps} repetitions each, fixture summary with ${summary.timeseries.points.length} ` +
      `points${quick ? ' (--quick)' : ''}`,
  );
  const base = await time('baseline: JSON.stringify + write', () =>
    writeFileSync(join(dir, 'b.json'), JSON.stringify(summary, null, 2)),
  );
  const text = await time('text writers (json, md, junit, html w/o charts)', () => {
    writeFileSync(join(dir, 's.json'), formatJson(summary));
    writeFileSync(join(dir, 's.md'), formatMarkdown(summary));
    writeFileSync(join(dir, 'j.xml'), formatJunit(summary));
    writeFileSync(join(dir, 'r.html'), formatHtml(summary, {}));
  });
  const specs = Object.values(chartSpecs(summary));
  const svg = await time('4 charts: vega-lite → SVG', async () => {
    for (const s of specs) await renderSvg(s);
  });
  const oneSvg = await renderSvg(specs[0]!);
  const png = await time('1 chart: SVG → PNG (resvg, 2×)', () => renderPng(oneSvg));
  const all = await time('writeReport (everything)', () => writeReport(summary, join(dir, 'full')));
  console.log(
    `\nratio text writers / baseline: ${(text / base).toFixed(1)}×; full report / baseline: ` +
      `${(all / base).toFixed(0)}×`,
  );
  console.log(
    `chart rendering dominates: SVG ${svg.toFixed(0)} ms + PNG ~${(4 * png).toFixed(0)} ms of ` +
      `${all.toFixed(0)} ms (timed separately; a shared machine adds noise)`,
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
}
