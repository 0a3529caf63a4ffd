/**
 * The simulation part of the standard report: read from a RunSummary's `extra.sim` (written by
 * the simulator) and its time series, nothing else. `simReportData` gives the figures and the
 * scale-out table as data; `simMarkdown` / `simHtml` are the sections summary.md and
 * report.html add when the summary has `extra.sim` (live reports are unchanged).
 */
import type { RunSummary } from '../harness/results/types.ts';
import { xmlEscape as esc } from './junit.ts';

/** the parts of `extra.sim` the report reads (the simulator's SimExtra, harness/sim/simulate.ts) */
export interface SimSummaryData {
  replicaTimeline: { t: number; group: string; replicas: number; ready: number }[];
  decisions: { timeMs: number; controller: string; target: string; metric?: string; metrics: Record<string, number | null>; current: number; final: number; reason: string }[];
  sloP99Ms: number;
  sloViolationMinutes: number;
  timeToRecoverMs?: number | null;
  recovered?: boolean;
  maxLag: number;
  generated: number;
  processed: number;
  rebalances: number;
  loadChangeAtMs?: number;
  cost?: { currency: string; perHour: number; total: number; perMillionEvents: number | null; perGroupPerHour: Record<string, number> };
}

export interface ScaleOutRow {
  group: string;
  from: number;
  to: number;
  decidedAtMs: number;
  /** when every added replica was ready; null: not within the run */
  readyAtMs: number | null;
  delayMs: number | null;
  /** the metric that drove the decision, and its value then */
  metric?: string;
  value?: number | null;
  controller?: string;
  reason?: string;
}

export interface SimReportData {
  scaleOuts: ScaleOutRow[];
  scaleIns: number;
  peakReplicas: Record<string, number>;
  sloP99Ms: number;
  sloViolationMinutes: number;
  timeToRecoverMs: number | null;
  recovered: boolean;
  maxLag: number;
  rebalances: number;
  /** first scale-out decision after the load change, per group (when the scenario names one) */
  reactionMs: Record<string, number | null>;
  cost?: SimSummaryData['cost'];
}

export function simData(summary: RunSummary): SimSummaryData | undefined {
  const x = summary.extra?.sim as SimSummaryData | undefined;
  return x && Array.isArray(x.replicaTimeline) ? x : undefined;
}

/** the figures and the scale-out table of a simulated run (undefined for a live run) */
export function simReportData(summary: RunSummary): SimReportData | undefined {
  const x = simData(summary);
  if (!x) return undefined;
  const tl = x.replicaTimeline;
  const scaleOuts: ScaleOutRow[] = [];
  const last = new Map<string, number>();
  let scaleIns = 0;
  tl.forEach((e, i) => {
    const prev = last.get(e.group);
    if (prev !== undefined && e.replicas > prev) {
      const ready = tl.slice(i).find((f) => f.group === e.group && f.ready >= e.replicas);
      const dec = x.decisions.find((d) => d.target === e.group && d.timeMs === e.t && d.final === e.replicas);
      const metric = dec?.metric ?? (dec ? Object.keys(dec.metrics)[0] : undefined);
      scaleOuts.push({
        group: e.group, from: prev, to: e.replicas, decidedAtMs: e.t,
        readyAtMs: ready ? ready.t : null, delayMs: ready ? ready.t - e.t : null,
        ...(metric !== undefined ? { metric, value: dec!.metrics[metric] ?? null } : {}),
        ...(dec ? { controller: dec.controller, reason: dec.reason } : {}),
      });
    } else if (prev !== undefined && e.replicas < prev) scaleIns++;
    last.set(e.group, e.replicas);
  });
  const peakReplicas: Record<string, number> = {};
  for (const e of tl) peakReplicas[e.group] = Math.max(peakReplicas[e.group] ?? 0, e.replicas);
  const reactionMs: Record<string, number | null> = {};
  if (x.loadChangeAtMs !== undefined) {
    for (const g of Object.keys(peakReplicas)) {
      const first = scaleOuts.find((s) => s.group === g && s.decidedAtMs >= x.loadChangeAtMs!);
      reactionMs[g] = first ? first.decidedAtMs - x.loadChangeAtMs : null;
    }
  }
  return {
    scaleOuts, scaleIns, peakReplicas, sloP99Ms: x.sloP99Ms, sloViolationMinutes: x.sloViolationMinutes,
    timeToRecoverMs: x.timeToRecoverMs ?? null, recovered: x.recovered ?? true, maxLag: x.maxLag, rebalances: x.rebalances,
    reactionMs, ...(x.cost ? { cost: x.cost } : {}),
  };
}

/** simulated times: whole seconds as "135 s", longer as "1h02m05s" */
export function fmtSimTime(ms: number | null): string {
  if (ms === null) return '—';
  if (ms < 600_000) return `${Number((ms / 1000).toFixed(1))} s`;
  const s = Math.round(ms / 1000);
  const h = Math.floor(s / 3600), m = Math.floor((s % 3600) / 60), r = s % 60;
  return `${h ? `${h}h` : ''}${String(m).padStart(h ? 2 : 1, '0')}m${String(r).padStart(2, '0')}s`;
}

const fmtValue = (v: number | null | undefined): string => (v === null || v === undefined ? '—' : Math.abs(v) >= 100 ? Math.round(v).toLocaleString('en-US') : Number(v.toPrecision(3)).toString());
const money = (c: string, v: number | null | undefined, d = 2) => (v === null || v === undefined || !Number.isFinite(v) ? '—' : `${c === 'USD' ? '$' : c + ' '}${v.toFixed(d)}`);

/** the headline rows: [label, value] */
export function simHeadline(d: SimReportData): [string, string][] {
  const rows: [string, string][] = [
    ['SLO', `p99 < ${d.sloP99Ms} ms`],
    ['SLO-violation minutes', d.sloViolationMinutes.toFixed(1)],
    ['time to recover (first episode)', d.timeToRecoverMs === null ? 'no violation' : fmtSimTime(d.timeToRecoverMs) + (d.recovered ? '' : ' (not recovered by the end)')],
    ['peak consumer lag', d.maxLag.toLocaleString('en-US')],
    ['scale-outs / scale-ins', `${d.scaleOuts.length} / ${d.scaleIns}`],
    ['peak replicas', Object.entries(d.peakReplicas).map(([g, n]) => `${g} ${n}`).join(', ')],
    ['rebalances', String(d.rebalances)],
  ];
  if (d.cost) {
    const c = d.cost;
    rows.push(['cost per hour', `${money(c.currency, c.perHour)} (${Object.entries(c.perGroupPerHour).map(([g, v]) => `${g} ${money(c.currency, v)}`).join(', ')})`]);
    rows.push(['cost per million events', money(c.currency, c.perMillionEvents, 4)]);
    rows.push(['cost of the run', money(c.currency, c.total, 4)]);
  }
  for (const [g, ms] of Object.entries(d.reactionMs)) rows.push([`first ${g} scale-out after the load change`, ms === null ? 'none' : fmtSimTime(ms)]);
  return rows;
}

export const SCALE_OUT_COLUMNS = ['group', 'replicas', 'decided at', 'ready at', 'delay', 'driving metric', 'value', 'why'];

export function scaleOutCells(o: ScaleOutRow): string[] {
  return [o.group, `${o.from} → ${o.to}`, fmtSimTime(o.decidedAtMs), fmtSimTime(o.readyAtMs), fmtSimTime(o.delayMs), o.metric ?? '—', fmtValue(o.value), o.reason ?? ''];
}

/** at most this many scale-out rows in a report (the rest are in summary.json) */
export const MAX_SCALE_OUT_ROWS = 60;

const md = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');

/** the Simulation section of summary.md ('' for a live run) */
export function simMarkdown(summary: RunSummary): string {
  const d = simReportData(summary);
  if (!d) return '';
  const out: string[] = ['## Simulation: SLO, recovery and cost', '', '| | |', '|---|---|'];
  for (const [k, v] of simHeadline(d)) out.push(`| ${md(k)} | ${md(v)} |`);
  out.push('', '## Scale-outs (decision → replicas ready)', '');
  out.push(`| ${SCALE_OUT_COLUMNS.join(' | ')} |`, '|---|---|---:|---:|---:|---|---:|---|');
  for (const o of d.scaleOuts.slice(0, MAX_SCALE_OUT_ROWS)) out.push(`| ${scaleOutCells(o).map(md).join(' | ')} |`);
  if (d.scaleOuts.length > MAX_SCALE_OUT_ROWS) out.push(`| … ${d.scaleOuts.length - MAX_SCALE_OUT_ROWS} more (summary.json extra.sim) | | | | | | | |`);
  if (!d.scaleOuts.length) out.push('| (none) | | | | | | | |');
  out.push('', 'The replica timeline and the lag are charts/sim-replicas and charts/sim-lag.', '');
  return out.join('\n');
}

/** the Simulation section of report.html ('' for a live run) */
export function simHtml(summary: RunSummary): string {
  const d = simReportData(summary);
  if (!d) return '';
  const tr = (cells: string[], num: number[] = []) => `<tr>${cells.map((c, i) => `<td${num.includes(i) ? ' class="n"' : ''}>${esc(c)}</td>`).join('')}</tr>`;
  const parts = ['<h2>Simulation: SLO, recovery and cost</h2><table>', ...simHeadline(d).map(([k, v]) => tr([k, v])), '</table>'];
  parts.push('<h2>Scale-outs (decision → replicas ready)</h2><table id="scale-outs">', `<tr>${SCALE_OUT_COLUMNS.map((c) => `<th>${esc(c)}</th>`).join('')}</tr>`);
  for (const o of d.scaleOuts.slice(0, MAX_SCALE_OUT_ROWS)) parts.push(tr(scaleOutCells(o), [2, 3, 4, 6]));
  if (d.scaleOuts.length > MAX_SCALE_OUT_ROWS) parts.push(tr([`… ${d.scaleOuts.length - MAX_SCALE_OUT_ROWS} more (summary.json extra.sim)`]));
  if (!d.scaleOuts.length) parts.push(tr(['(none)']));
  parts.push('</table>');
  return parts.join('\n');
}
