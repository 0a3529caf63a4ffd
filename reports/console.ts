/**
 * The end-of-run text on the console, k6-like: thresholds (✓/✗) first, then every metric on one
 * aligned line (trends: avg/min/med/max/p(90)/p(95)/p(99)). Colours only when asked (the CLI asks
 * when stdout is a TTY), via picocolors.
 */
import { redactSummary } from '../results/redact.ts';
import pc from 'picocolors';
import type { RunSummary, TrendData } from '../results/types.ts';
import { accountingRows } from './accounting.ts';
import { deliveryRows, faultRows } from './faults.ts';
import {
  TREND_COLUMNS,
  describeScalar,
  fmtMs,
  fmtObserved,
  saturationWarning,
  serviceLines,
  sortedMetricNames,
  trendCells,
} from './format.ts';

export interface ConsoleOptions {
  /** ANSI colours; default: stdout is a TTY and NO_COLOR is unset */
  color?: boolean;
}

export function formatConsoleSummary(input: RunSummary, opts: ConsoleOptions = {}): string {
  const summary = redactSummary(input);
  const color = opts.color ?? (Boolean(process.stdout.isTTY) && !process.env.NO_COLOR);
  const c = pc.createColors(color);
  const s = summary;
  const out: string[] = [];
  out.push(
    '',
    `  scenario: ${c.bold(s.scenario.name)}   seed: ${s.seed}   duration: ${fmtMs(s.durationMs)} (warm-up ` +
      `${fmtMs(s.warmupMs)})`,
  );
  const svc = serviceLines(s);
  if (svc.length) out.push(`  services: ${svc.join(', ')}`);
  if (s.aborted) out.push(c.yellow(`  aborted by ${s.aborted.by} at ${fmtMs(s.aborted.atMs)}: ${s.aborted.reason}`));
  if (s.incomplete) out.push(c.red(`  INCOMPLETE: ${s.incomplete.reason} (the figures are partial)`));
  const saturated = saturationWarning(s);
  if (saturated) out.push(c.yellow(`  ${saturated}`));
  out.push('');

  if (s.thresholds.length) {
    out.push(c.bold('  THRESHOLDS'), '');
    let last = '';
    for (const t of s.thresholds) {
      if (t.metric !== last) {
        out.push(`    ${t.metric}`);
        last = t.metric;
      }
      const mark = t.ok ? c.green('✓') : c.red('✗');
      const extra = t.failedWindow
        ? `  (first failing window ${fmtMs(t.failedWindow[0])}–${fmtMs(t.failedWindow[1])})`
        : '';
      out.push(`    ${mark} '${t.expression}' ${fmtObserved(t.metric, t.observed, s)}${extra}`);
    }
    out.push('');
  }

  out.push(c.bold('  METRICS'), '');
  const names = sortedMetricNames(s.metrics);
  const width = Math.max(20, ...names.map((n) => n.length + 3));
  for (const n of names) {
    const m = s.metrics[n]!;
    const label = `    ${n}${c.dim('.'.repeat(width - n.length))}: `;
    if (m.type === 'trend') {
      const cells = trendCells(m as TrendData);
      out.push(
        label +
          TREND_COLUMNS.map((k) => `${k}=${c.cyan(fmtMs(cells[k]))}`.padEnd(k.length + 9 + (color ? 10 : 0)))
            .join(' ')
            .trimEnd(),
      );
    } else out.push(label + c.cyan(describeScalar(m)));
  }
  out.push('');
  const failed = s.thresholds.filter((t) => !t.ok).length;
  const acc = accountingRows(s);
  if (acc.length) {
    out.push(c.bold('  EVENT ACCOUNTING'), '');
    for (const [k, v, note] of acc)
      out.push(
        `    ${k.padEnd(28, '.')}: ` +
          `${k === 'missing' && !v.startsWith('0') ? c.red(v) : c.cyan(v)}${note ? `  ${note}` : ''}`,
      );
    out.push('');
  }
  for (const [title, rows] of [
    ['DELIVERY CHECKS', deliveryRows(s)],
    ['FAULTS', faultRows(s)],
  ] as const) {
    if (!rows.length) continue;
    out.push(c.bold(`  ${title}`), '');
    for (const [k, v, note] of rows) out.push(`    ${k.padEnd(28, '.')}: ${c.cyan(v)}${note ? `  ${note}` : ''}`);
    out.push('');
  }
  if (failed) out.push(c.red(`  ✗ ${failed} of ${s.thresholds.length} thresholds failed`), '');
  return out.join('\n');
}
