/**
 * The report of a simulated run, once, for every reader: the standard report (summary.md and
 * report.html sections) and the notebooks' capacity report (`formatSimReport`). The SLO
 * analysis itself (violation minutes, recovery) is results/slo.ts, which the simulator writes
 * into `extra.sim`. Reads a RunSummary's `extra.sim`
 * (written by the simulator) and its metrics and time series, nothing else: the replica
 * timeline, how long each scale-out took from decision to ready replicas, the reaction to a load
 * change, peak lag, p99, SLO-violation minutes, time to recover, and cost. `simReportData` gives
 * it as data; `simMarkdown` / `simHtml` are the sections summary.md and report.html add when the
 * summary has `extra.sim` (live reports are unchanged).
 */
import { recoveryOf } from '../results/slo.ts';
import type { RunSummary, TrendData } from '../results/types.ts';
import { xmlEscape as esc } from './junit.ts';

/** the parts of `extra.sim` the report reads (the simulator's SimExtra, harness/sim/simulate.ts) */
export interface SimSummaryData {
  replicaTimeline: { t: number; group: string; replicas: number; ready: number }[];
  decisions: {
    timeMs: number;
    controller: string;
    target: string;
    metric?: string;
    metrics: Record<string, number | null>;
    current: number;
    final: number;
    reason: string;
  }[];
  sloP99Ms: number;
  sloViolationMinutes: number;
  timeToRecoverMs?: number | null;
  recovered?: boolean;
  maxLag: number;
  generated: number;
  processed: number;
  rebalances: number;
  loadChangeAtMs?: number;
  /** a calibrated prediction with replications: 95 % intervals over the seeds and the calibration's draws */
  prediction?: PredictionBands;
  cost?: {
    currency: string;
    perHour: number;
    total: number;
    perMillionEvents: number | null;
    perGroupPerHour: Record<string, number>;
  };
}

/** the 95 % intervals of a prediction (harness/sim/calibrate.ts), drawn as bands */
interface PredictionBands {
  replications: number;
  p50: [number, number];
  p99: [number, number];
  throughput: [number, number];
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
  /** the scenario's name and the simulated duration */
  name: string;
  durationMs: number;
  /** end-to-end latency (e2e_latency) and throughput (events_processed rate) of the run */
  p50Ms: number;
  p99Ms: number;
  throughput: number;
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
  /** every replica change, and every scale decision with its reason */
  timeline: SimSummaryData['replicaTimeline'];
  decisions: SimSummaryData['decisions'];
  cost?: SimSummaryData['cost'];
  prediction?: PredictionBands;
}

export function simData(summary: RunSummary): SimSummaryData | undefined {
  const x = summary.extra?.sim as SimSummaryData | undefined;
  return x && Array.isArray(x.replicaTimeline) ? x : undefined;
}

/** what a caller may supply that the summary lacks (a plain `simulate()` result has no cost or load change) */
export interface SimReportOptions {
  /** the load change to measure reactions from (default: `extra.sim.loadChangeAtMs`) */
  loadChangeAtMs?: number;
  /** the run's cost, e.g. `runCost(summary, loadCatalogue(), spec)` (default: `extra.sim.cost`) */
  cost?: SimSummaryData['cost'];
}

/** the figures and the scale-out table of a simulated run (undefined for a live run) */
export function simReportData(summary: RunSummary, opts: SimReportOptions = {}): SimReportData | undefined {
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
        group: e.group,
        from: prev,
        to: e.replicas,
        decidedAtMs: e.t,
        readyAtMs: ready ? ready.t : null,
        delayMs: ready ? ready.t - e.t : null,
        ...(metric !== undefined ? { metric, value: dec!.metrics[metric] ?? null } : {}),
        ...(dec ? { controller: dec.controller, reason: dec.reason } : {}),
      });
    } else if (prev !== undefined && e.replicas < prev) scaleIns++;
    last.set(e.group, e.replicas);
  });
  const peakReplicas: Record<string, number> = {};
  for (const e of tl) peakReplicas[e.group] = Math.max(peakReplicas[e.group] ?? 0, e.replicas);
  const reactionMs: Record<string, number | null> = {};
  const change = opts.loadChangeAtMs ?? x.loadChangeAtMs;
  if (change !== undefined) {
    for (const g of Object.keys(peakReplicas)) {
      const first = scaleOuts.find((s) => s.group === g && s.decidedAtMs >= change);
      reactionMs[g] = first ? first.decidedAtMs - change : null;
    }
  }
  // the simulator stores the recovery; a summary written before it did gets it from the time series
  const rec =
    x.timeToRecoverMs !== undefined
      ? { timeToRecoverMs: x.timeToRecoverMs, recovered: x.recovered ?? true }
      : recoveryOf(summary, x.sloP99Ms);
  const e2e = summary.metrics.e2e_latency as TrendData | undefined;
  const thr = summary.metrics.events_processed;
  const cost = opts.cost ?? x.cost;
  return {
    name: summary.scenario.name,
    durationMs: summary.durationMs,
    p50Ms: e2e?.p50 ?? 0,
    p99Ms: e2e?.p99 ?? 0,
    throughput: thr?.type === 'counter' ? thr.rate : 0,
    scaleOuts,
    scaleIns,
    peakReplicas,
    sloP99Ms: x.sloP99Ms,
    sloViolationMinutes: x.sloViolationMinutes,
    ...rec,
    maxLag: x.maxLag,
    rebalances: x.rebalances,
    reactionMs,
    timeline: tl,
    decisions: x.decisions,
    ...(cost ? { cost } : {}),
    ...(x.prediction ? { prediction: x.prediction } : {}),
  };
}

/** simulated times: whole seconds as "135 s", longer as "1h02m05s" */
export function fmtSimTime(ms: number | null): string {
  if (ms === null) return '—';
  if (ms < 600_000) return `${Number((ms / 1000).toFixed(1))} s`;
  const s = Math.round(ms / 1000);
  const h = Math.floor(s / 3600),
    m = Math.floor((s % 3600) / 60),
    r = s % 60;
  return `${h ? `${h}h` : ''}${String(m).padStart(h ? 2 : 1, '0')}m${String(r).padStart(2, '0')}s`;
}

const fmtValue = (v: number | null | undefined): string =>
  v === null || v === undefined
    ? '—'
    : Math.abs(v) >= 100
      ? Math.round(v).toLocaleString('en-US')
      : Number(v.toPrecision(3)).toString();
const money = (c: string, v: number | null | undefined, d = 2) =>
  v === null || v === undefined || !Number.isFinite(v) ? '—' : `${c === 'USD' ? '$' : `${c} `}${v.toFixed(d)}`;

/** the headline rows: [label, value] */
function simHeadline(d: SimReportData): [string, string][] {
  const rows: [string, string][] = [...predictionRows(d.prediction)];
  rows.push(
    ['SLO', `p99 < ${d.sloP99Ms} ms`],
    ['SLO-violation minutes', d.sloViolationMinutes.toFixed(1)],
    [
      'time to recover (first episode)',
      d.timeToRecoverMs === null
        ? 'no violation'
        : fmtSimTime(d.timeToRecoverMs) + (d.recovered ? '' : ' (not recovered by the end)'),
    ],
    ['peak consumer lag', d.maxLag.toLocaleString('en-US')],
    ['scale-outs / scale-ins', `${d.scaleOuts.length} / ${d.scaleIns}`],
    [
      'peak replicas',
      Object.entries(d.peakReplicas)
        .map(([g, n]) => `${g} ${n}`)
        .join(', '),
    ],
    ['rebalances', String(d.rebalances)],
  );
  if (d.cost) {
    const c = d.cost;
    rows.push([
      'cost per hour',
      `${money(c.currency, c.perHour)} (${Object.entries(c.perGroupPerHour)
        .map(([g, v]) => `${g} ${money(c.currency, v)}`)
        .join(', ')})`,
    ]);
    rows.push(['cost per million events', money(c.currency, c.perMillionEvents, 4)]);
    rows.push(['cost of the run', money(c.currency, c.total, 4)]);
  }
  for (const [g, ms] of Object.entries(d.reactionMs))
    rows.push([`first ${g} scale-out after the load change`, ms === null ? 'none' : fmtSimTime(ms)]);
  return rows;
}

/** a prediction's intervals as headline rows (none without replications) */
function predictionRows(b: PredictionBands | undefined): [string, string][] {
  if (!b) return [];
  const range = ([lo, hi]: [number, number], unit: string) => `${fmtValue(lo)}–${fmtValue(hi)}${unit}`;
  const of = `95 % interval, ${b.replications} replications`;
  return [
    [`predicted p50 (${of})`, range(b.p50, ' ms')],
    [`predicted p99 (${of})`, range(b.p99, ' ms')],
    [`predicted throughput (${of})`, range(b.throughput, '/s')],
  ];
}

const SCALE_OUT_COLUMNS = ['group', 'replicas', 'decided at', 'ready at', 'delay', 'driving metric', 'value', 'why'];

function scaleOutCells(o: ScaleOutRow): string[] {
  return [
    o.group,
    `${o.from} → ${o.to}`,
    fmtSimTime(o.decidedAtMs),
    fmtSimTime(o.readyAtMs),
    fmtSimTime(o.delayMs),
    o.metric ?? '—',
    fmtValue(o.value),
    o.reason ?? '',
  ];
}

/** at most this many scale-out rows in a report (the rest are in summary.json) */
const MAX_SCALE_OUT_ROWS = 60;

const md = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');

/** the headline table and the scale-out table, as Markdown lines (shared by summary.md and formatSimReport) */
function simBodyMd(d: SimReportData, heading: string): string[] {
  const out: string[] = [heading, '', '| | |', '|---|---|'];
  for (const [k, v] of simHeadline(d)) out.push(`| ${md(k)} | ${md(v)} |`);
  out.push('', '## Scale-outs (decision → replicas ready)', '');
  out.push(`| ${SCALE_OUT_COLUMNS.join(' | ')} |`, '|---|---|---:|---:|---:|---|---:|---|');
  for (const o of d.scaleOuts.slice(0, MAX_SCALE_OUT_ROWS)) out.push(`| ${scaleOutCells(o).map(md).join(' | ')} |`);
  if (d.scaleOuts.length > MAX_SCALE_OUT_ROWS)
    out.push(`| … ${d.scaleOuts.length - MAX_SCALE_OUT_ROWS} more (summary.json extra.sim) | | | | | | | |`);
  if (!d.scaleOuts.length) out.push('| (none) | | | | | | | |');
  return out;
}

/** the Simulation section of summary.md ('' for a live run) */
export function simMarkdown(summary: RunSummary): string {
  const d = simReportData(summary);
  if (!d) return '';
  const out = simBodyMd(d, '## Simulation: SLO, recovery and cost');
  out.push('', 'The replica timeline and the lag are charts/sim-replicas and charts/sim-lag.', '');
  return out.join('\n');
}

/**
 * A simulated run's capacity report as a Markdown document of its own (tables render in
 * terminals and notebooks alike): the run's p50, p99 and throughput, the SLO / recovery / cost
 * headline and the scale-out table of summary.md, and the replica timeline. Throws for a live run.
 */
export function formatSimReport(summary: RunSummary, opts: SimReportOptions = {}): string {
  const d = simReportData(summary, opts);
  if (!d) throw new TypeError('not a simulated run: summary.extra.sim is missing');
  const out: string[] = [`# ${d.name} (simulated, ${fmtSimTime(d.durationMs)})`, ''];
  out.push(
    '| p50 | p99 | throughput |',
    '|---:|---:|---:|',
    `| ${d.p50Ms.toFixed(1)} ms | ${d.p99Ms.toFixed(1)} ms | ${d.throughput.toFixed(0)}/s |`,
    '',
  );
  out.push(...simBodyMd(d, '## SLO, recovery and cost'));
  out.push('', '## Replica timeline', '', '| t | group | replicas | ready |', '|---:|---|---:|---:|');
  for (const e of d.timeline.slice(0, MAX_SCALE_OUT_ROWS))
    out.push(`| ${fmtSimTime(e.t)} | ${md(e.group)} | ${e.replicas} | ${e.ready} |`);
  if (d.timeline.length > MAX_SCALE_OUT_ROWS)
    out.push(
      `| … ${d.timeline.length - MAX_SCALE_OUT_ROWS} more changes (summary.json ` +
        `extra.sim.replicaTimeline, charts/sim-replicas) | | | |`,
    );
  return out.join('\n');
}

/** the Simulation section of report.html ('' for a live run) */
export function simHtml(summary: RunSummary): string {
  const d = simReportData(summary);
  if (!d) return '';
  const tr = (cells: string[], num: number[] = []) =>
    `<tr>${cells.map((c, i) => `<td${num.includes(i) ? ' class="n"' : ''}>${esc(c)}</td>`).join('')}</tr>`;
  const parts = [
    '<h2>Simulation: SLO, recovery and cost</h2><table>',
    ...simHeadline(d).map(([k, v]) => tr([k, v])),
    '</table>',
  ];
  parts.push(
    '<h2>Scale-outs (decision → replicas ready)</h2><table id="scale-outs">',
    `<tr>${SCALE_OUT_COLUMNS.map((c) => `<th>${esc(c)}</th>`).join('')}</tr>`,
  );
  for (const o of d.scaleOuts.slice(0, MAX_SCALE_OUT_ROWS)) parts.push(tr(scaleOutCells(o), [2, 3, 4, 6]));
  if (d.scaleOuts.length > MAX_SCALE_OUT_ROWS)
    parts.push(tr([`… ${d.scaleOuts.length - MAX_SCALE_OUT_ROWS} more (summary.json extra.sim)`]));
  if (!d.scaleOuts.length) parts.push(tr(['(none)']));
  parts.push('</table>');
  return parts.join('\n');
}
