/**
 * report.html: one self-contained file (no scripts, no network): the charts as inline SVG
 * rendered server-side, then the same tables as summary.md. Opening it offline, attaching it to
 * a CI run or mailing it all work.
 */
import { accountingRows } from './accounting.ts';
import type { RunSummary, TrendData } from '../results/types.ts';
import { describeScalar, fmtMs, fmtNum, fmtObserved, sortedMetricNames } from './format.ts';
import { xmlEscape as esc } from './junit.ts';
import { simHtml } from './sim.ts';
import { driftLoopHtml } from './drift-loop.ts';

const CSS = `
body{font-family:'DejaVu Sans',system-ui,sans-serif;margin:2rem auto;max-width:1100px;color:#222;padding:0 1rem}
h1{font-size:1.5rem}h2{font-size:1.15rem;margin-top:2rem;border-bottom:1px solid #ddd}
table{border-collapse:collapse;margin:.5rem 0}td,th{border:1px solid #ddd;padding:.25rem .6rem;text-align:left}
td.n{text-align:right;font-variant-numeric:tabular-nums}.ok{color:#1a7f37}.fail{color:#cf222e;font-weight:bold}
.chart{margin:1rem 0}.chart svg{max-width:100%;height:auto}code{background:#f6f8fa;padding:0 .2rem}
pre{background:#f6f8fa;padding:.75rem;overflow:auto;font-size:.85rem}`;

export function formatHtml(summary: RunSummary, charts: Record<string, string>): string {
  const s = summary;
  const failed = s.thresholds.filter((t) => !t.ok).length;
  const rows = (cells: string[][]) => cells.map((r) => `<tr>${r.join('')}</tr>`).join('\n');
  const td = (x: string | number, num = false) => `<td${num ? ' class="n"' : ''}>${esc(String(x))}</td>`;
  const verdict = s.aborted
    ? `<p class="fail">aborted by ${esc(s.aborted.by)} at ${fmtMs(s.aborted.atMs)}: ${esc(s.aborted.reason)}</p>`
    : failed
      ? `<p class="fail">${failed} of ${s.thresholds.length} thresholds failed</p>`
      : `<p class="ok">` +
        `${s.thresholds.length ? `all ${s.thresholds.length} thresholds passed` : 'no thresholds defined'}</p>`;

  const parts: string[] = [];
  parts.push(
    `<h1>pipelab run: ${esc(s.scenario.name)}</h1>`,
    s.scenario.description ? `<p>${esc(s.scenario.description)}</p>` : '',
    verdict,
  );
  parts.push(
    '<table>',
    rows([
      [td('seed'), td(s.seed)],
      [td('started'), td(s.startedAt)],
      [td('duration'), td(`${fmtMs(s.durationMs)} (warm-up ${fmtMs(s.warmupMs)}, excluded from figures)`)],
      [td('scenario file'), td(s.scenario.file ?? '')],
      [td('harness'), td(`pipelab ${s.harness.version}, Node ${s.harness.node}`)],
      ...Object.entries(s.services).map(([k, v]) => [
        td(`service: ${k}`),
        td(`${v.mode}${v.detail ? ` (${v.detail})` : ''}`),
      ]),
    ]),
    '</table>',
  );

  const acc = accountingRows(s);
  if (acc.length) {
    parts.push(
      '<h2>Event accounting</h2><p>Every produced event id ends as decided, dead-lettered or ' +
        'missing.</p><table><tr><th></th><th>events</th><th></th></tr>',
    );
    parts.push(
      rows(
        acc.map(([k, v, note]) => [
          td(k),
          `<td class="n${k === 'missing' && !v.startsWith('0') ? ' fail' : ''}">${esc(v)}</td>`,
          td(note),
        ]),
      ),
      '</table>',
    );
  }

  parts.push('<h2>Thresholds</h2>');
  if (s.thresholds.length === 0) parts.push('<p>No thresholds defined.</p>');
  else
    parts.push(
      '<table><tr><th></th><th>metric</th><th>threshold</th><th>observed</th></tr>',
      rows(
        s.thresholds.map((t) => [
          `<td class="${t.ok ? 'ok' : 'fail'}">${t.ok ? '✓' : '✗'}</td>`,
          td(t.metric),
          `<td><code>${esc(t.expression)}</code></td>`,
          td(
            fmtObserved(t.metric, t.observed, s) +
              (t.failedWindow ? ` (first failing window ${fmtMs(t.failedWindow[0])}–${fmtMs(t.failedWindow[1])})` : ''),
          ),
        ]),
      ),
      '</table>',
    );

  parts.push(simHtml(s)); // simulated runs only ('' for live runs)
  parts.push(driftLoopHtml(s)); // runs with the drift loop only
  parts.push('<h2>Charts</h2>');
  for (const [name, svg] of Object.entries(charts))
    parts.push(`<figure class="chart" id="chart-${esc(name)}">${svg.replace(/^<\?xml[^>]*>/, '')}</figure>`);

  const names = sortedMetricNames(s.metrics);
  parts.push(
    `<h2>Trends (ms)</h2><table><tr>${['metric', 'count', 'mean', 'p50', 'p90', 'p95', 'p99', 'p99.9', 'max']
      .map((h) => `<th>${h}</th>`)
      .join('')}</tr>`,
  );
  parts.push(
    rows(
      names
        .filter((n) => s.metrics[n]!.type === 'trend')
        .map((n) => {
          const m = s.metrics[n] as TrendData;
          return [
            td(n),
            td(fmtNum(m.count), true),
            ...[m.mean, m.p50, m.p90, m.p95, m.p99, m['p99.9'], m.max].map((x) =>
              td(fmtNum(Number(x.toFixed(3))), true),
            ),
          ];
        }),
    ),
    '</table>',
  );
  parts.push('<h2>Rates, counters and gauges</h2><table><tr><th>metric</th><th>type</th><th>value</th></tr>');
  parts.push(
    rows(
      names.flatMap((n) => {
        const m = s.metrics[n]!;
        return m.type === 'trend' ? [] : [[td(n), td(m.type), td(describeScalar(m))]];
      }),
    ),
    '</table>',
  );

  parts.push(
    `<h2>Executors</h2><table><tr>${['executor', 'type', 'scheduled', 'completed', 'dropped', 'max scheduler lag']
      .map((h) => `<th>${h}</th>`)
      .join('')}</tr>`,
  );
  parts.push(
    rows(
      s.executors.map((e) => [
        td(e.name),
        td(e.type),
        td(fmtNum(e.scheduled), true),
        td(fmtNum(e.completed), true),
        td(fmtNum(e.dropped), true),
        td(fmtMs(e.maxSchedulerLagMs), true),
      ]),
    ),
    '</table>',
  );

  const y = s.system;
  parts.push(
    '<h2>System (pipelab process)</h2><table><tr><th></th><th>mean</th><th>max</th></tr>',
    rows([
      [td('CPU (% of one core)'), td(y.cpuPercent.mean.toFixed(1), true), td(y.cpuPercent.max.toFixed(1), true)],
      [td('RSS (MB)'), td(y.rssMb.mean.toFixed(1), true), td(y.rssMb.max.toFixed(1), true)],
      [td('heap used (MB)'), td(y.heapUsedMb.mean.toFixed(1), true), td(y.heapUsedMb.max.toFixed(1), true)],
    ]),
    '</table>',
    `<p>Event-loop delay: p50 ${fmtMs(y.eventLoopDelayMs.p50)}, p99 ${fmtMs(y.eventLoopDelayMs.p99)}, max ` +
      `${fmtMs(y.eventLoopDelayMs.max)}.</p>`,
  );

  parts.push('<h2>Resolved config</h2>', `<pre>${esc(JSON.stringify(s.config, null, 2) ?? 'null')}</pre>`);
  if (s.extra) parts.push('<h2>Extra</h2>', `<pre>${esc(JSON.stringify(s.extra, null, 2))}</pre>`);

  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>pipelab: ${esc(s.scenario.name)} (seed ${s.seed})</title>
<style>${CSS}</style></head>
<body>
${parts.filter(Boolean).join('\n')}
<footer><p><small>Generated by pipelab ${esc(s.harness.version)} from summary.json (schema ${esc(s.schema)}).\
</small></p></footer>
</body></html>
`;
}
