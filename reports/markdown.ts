/**
 * summary.md: the run for a human (a PR comment, a wiki page): what ran, where, with which seed,
 * whether the thresholds held, and the figures (latency percentiles, rates, errors, dropped
 * iterations, system load). Reads the RunSummary only.
 */
import type { RunSummary, TrendData } from '../results/types.ts';
import { accountingLead, accountingRows } from './accounting.ts';
import { piiMarkdown } from './pii.ts';
import { deliveryRows, faultRows } from './faults.ts';
import { describeScalar, fmtMs, fmtNum, fmtObserved, fmtPct, saturationWarning, sortedMetricNames } from './format.ts';
import { simMarkdown } from './sim.ts';
import { driftLoopMarkdown } from './drift-loop.ts';
import { breakdownMarkdown } from './breakdown.ts';

/** escape what would break a Markdown table cell */
const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');

export function formatMarkdown(summary: RunSummary): string {
  const s = summary;
  const out: string[] = [];
  headerMd(s, out);
  servicesMd(s, out);
  thresholdsMd(s, out);
  // simulated runs: SLO minutes, recovery, cost and the scale-out table ('' for live runs)
  const sim = simMarkdown(s);
  if (sim) out.push(sim);
  // runs with the drift loop: its timeline and AUC before/after ('' otherwise)
  const loop = driftLoopMarkdown(s);
  if (loop) out.push(loop);

  faultsMd(s, out);
  metricsMd(s, out);
  // response-time ranges, errors by reason
  out.push(breakdownMarkdown(s));
  executorsMd(s, out);
  const errs = s.metrics.errors;
  if (errs?.type === 'rate') out.push(`Errors: ${fmtPct(errs.rate)} of iterations (${fmtNum(errs.passes)}).`, '');
  out.push('To repeat this run: the exact resolved config is `config` in summary.json, with the seed above.', '');
  return out.join('\n');
}

/** the delivery checkers' findings and the fault timeline, when the run has them */
function faultsMd(s: RunSummary, out: string[]): void {
  for (const [title, rows] of [
    ['Delivery checks', deliveryRows(s)],
    ['Faults', faultRows(s)],
  ] as const) {
    if (!rows.length) continue;
    out.push(`## ${title}`, '', '| | | |', '|---|---:|---|');
    for (const [k, v, note] of rows) out.push(`| ${cell(k)} | ${cell(v)} | ${cell(note)} |`);
    out.push('');
  }
}

/** title, verdict, and the run's identity: file, seed, times, harness, tags */
function headerMd(s: RunSummary, out: string[]): void {
  const failed = s.thresholds.filter((t) => !t.ok).length;
  out.push(`# pipelab run: ${s.scenario.name}`, '');
  if (s.scenario.description) out.push(s.scenario.description, '');
  const verdict = s.aborted
    ? `**aborted** by ${s.aborted.by} at ${fmtMs(s.aborted.atMs)}: ${s.aborted.reason}`
    : failed
      ? `**${failed} of ${s.thresholds.length} thresholds failed**`
      : s.thresholds.length
        ? `all ${s.thresholds.length} thresholds passed`
        : 'no thresholds defined';
  out.push(`Result: ${verdict}`, '');
  if (s.incomplete) out.push(`**Incomplete**: ${s.incomplete.reason}. The figures are partial.`, '');
  const saturated = saturationWarning(s);
  if (saturated) out.push(`**Warning**: ${saturated}.`, '');
  out.push('| | |', '|---|---|');
  out.push(`| scenario | ${cell(s.scenario.name)}${s.scenario.file ? ` (\`${cell(s.scenario.file)}\`)` : ''} |`);
  out.push(`| seed | ${s.seed} |`);
  out.push(`| started | ${s.startedAt} |`);
  out.push(`| duration | ${fmtMs(s.durationMs)} (warm-up ${fmtMs(s.warmupMs)}, excluded from figures) |`);
  out.push(`| harness | pipelab ${s.harness.version}, Node ${s.harness.node} |`);
  const tags = Object.entries(s.scenario.tags)
    .map(([k, v]) => `${k}=${v}`)
    .join(', ');
  if (tags) out.push(`| tags | ${cell(tags)} |`);
  out.push('');
}

/** how each service ran, and the event accounting when the target keeps one */
function servicesMd(s: RunSummary, out: string[]): void {
  out.push('## Services', '', '| service | mode | detail |', '|---|---|---|');
  for (const [k, v] of Object.entries(s.services)) out.push(`| ${cell(k)} | ${v.mode} | ${cell(v.detail ?? '')} |`);
  if (Object.keys(s.services).length === 0) out.push('| (none) | | |');
  out.push('');

  const acc = accountingRows(s);
  if (acc.length) {
    out.push('## Event accounting', '', accountingLead(s), '', '| | events | |', '|---|---:|---|');
    for (const [k, v, note] of acc) out.push(`| ${cell(k)} | ${cell(v)} | ${cell(note)} |`);
    out.push('');
  }
  out.push(...piiMarkdown(s));
}

/** every threshold with what it was checked against */
function thresholdsMd(s: RunSummary, out: string[]): void {
  out.push('## Thresholds', '');
  if (s.thresholds.length === 0) out.push('No thresholds defined.', '');
  else {
    out.push('| | metric | threshold | observed | note |', '|---|---|---|---|---|');
    for (const t of s.thresholds) {
      const notes = [
        t.abortOnFail ? 'abortOnFail' : '',
        t.failedWindow ? `first failing window ${fmtMs(t.failedWindow[0])}–${fmtMs(t.failedWindow[1])}` : '',
        t.abortedAtMs !== undefined ? `aborted the run at ${fmtMs(t.abortedAtMs)}` : '',
      ]
        .filter(Boolean)
        .join('; ');
      out.push(
        `| ${t.ok ? '✓' : '✗'} | ${cell(t.metric)} | \`${cell(t.expression)}\` | ` +
          `${cell(fmtObserved(t.metric, t.observed, s))} | ${cell(notes)} |`,
      );
    }
    out.push('');
  }
}

/** trends with their percentiles, then every other metric with its one value */
function metricsMd(s: RunSummary, out: string[]): void {
  const names = sortedMetricNames(s.metrics);
  const trends = names.filter((n) => s.metrics[n]!.type === 'trend');
  out.push('## Latency and other trends (ms)', '');
  if (trends.length === 0) out.push('No trend metrics recorded.', '');
  else {
    out.push(
      '| metric | count | mean | p50 | p90 | p95 | p99 | p99.9 | max |',
      '|---|---:|---:|---:|---:|---:|---:|---:|---:|',
    );
    for (const n of trends) {
      const m = s.metrics[n] as TrendData;
      const f = (x: number) => fmtNum(Number(x.toFixed(3)));
      out.push(
        `| ${cell(n)} | ${fmtNum(m.count)} | ${f(m.mean)} | ${f(m.p50)} | ${f(m.p90)} | ${f(m.p95)} | ` +
          `${f(m.p99)} | ${f(m['p99.9'])} | ${f(m.max)} |`,
      );
    }
    out.push('');
  }
  const scalars = names.filter((n) => s.metrics[n]!.type !== 'trend');
  if (scalars.length) {
    out.push('## Rates, counters and gauges', '', '| metric | type | value |', '|---|---|---|');
    for (const n of scalars) {
      const m = s.metrics[n]!;
      if (m.type !== 'trend') out.push(`| ${cell(n)} | ${m.type} | ${cell(describeScalar(m))} |`);
    }
    out.push('');
  }
}

/** what each executor scheduled, completed and dropped; the harness process's own load */
function executorsMd(s: RunSummary, out: string[]): void {
  out.push(
    '## Executors',
    '',
    '| executor | type | scheduled | completed | dropped | max scheduler lag |',
    '|---|---|---:|---:|---:|---:|',
  );
  for (const e of s.executors)
    out.push(
      `| ${cell(e.name)} | ${e.type} | ${fmtNum(e.scheduled)} | ${fmtNum(e.completed)} | ` +
        `${fmtNum(e.dropped)} | ${fmtMs(e.maxSchedulerLagMs)} |`,
    );
  const dropped = s.executors.reduce((a, e) => a + e.dropped, 0);
  out.push(
    '',
    dropped
      ? `Dropped iterations: **${fmtNum(dropped)}** (the executor could not start them on time).`
      : 'Dropped iterations: 0.',
    '',
  );

  const y = s.system;
  out.push('## System (pipelab process)', '', '| | mean | max |', '|---|---:|---:|');
  out.push(`| CPU (% of one core) | ${y.cpuPercent.mean.toFixed(1)} | ${y.cpuPercent.max.toFixed(1)} |`);
  out.push(`| RSS (MB) | ${y.rssMb.mean.toFixed(1)} | ${y.rssMb.max.toFixed(1)} |`);
  out.push(`| heap used (MB) | ${y.heapUsedMb.mean.toFixed(1)} | ${y.heapUsedMb.max.toFixed(1)} |`);
  out.push(
    '',
    `Event-loop delay: p50 ${fmtMs(y.eventLoopDelayMs.p50)}, p99 ${fmtMs(y.eventLoopDelayMs.p99)}, max ` +
      `${fmtMs(y.eventLoopDelayMs.max)}.`,
    '',
  );
}
