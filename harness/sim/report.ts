/**
 * What a capacity report says about a simulated run: the replica timeline, how long each
 * scale-out took from decision to ready replicas (the seed table's delays), the reaction time to
 * a load change, peak lag, p99, SLO-violation minutes, time to recover, and cost. Reads only the
 * RunSummary (extra.sim).
 */
import type { RunSummary, TimePointValue, TrendData } from '../results/types.ts';
import type { ScaleDecision } from '../autoscale/types.ts';
import type { Catalogue } from '../cost/catalogue.ts';
import { runCost, DEFAULT_COST_SPEC, type CostBreakdown, type CostSpec } from '../cost/cost.ts';
import type { SimExtra } from './simulate.ts';

export interface ScaleOut {
  group: string;
  from: number;
  to: number;
  /** when the controller decided, ms */
  decidedAtMs: number;
  /** when all the added replicas were ready, ms (null: not within the run) */
  readyAtMs: number | null;
  delayMs: number | null;
  /** the decision's reason, when logged */
  reason?: string;
}

export interface SimAnalysis {
  name: string;
  durationMs: number;
  p50Ms: number;
  p99Ms: number;
  throughput: number;
  peakLag: number;
  sloP99Ms: number;
  sloViolationMinutes: number;
  /** from the first SLO-violating second until p99 stays within the SLO for a minute (null: no violation; recovered false: not by the end) */
  timeToRecoverMs: number | null;
  recovered: boolean;
  /** from loadChangeAtMs to the first scale-out decision, per group */
  reactionMs: Record<string, number | null>;
  scaleOuts: ScaleOut[];
  timeline: SimExtra['replicaTimeline'];
  peakReplicas: Record<string, number>;
  cost?: CostBreakdown;
  decisions: ScaleDecision[];
}

/**
 * Time to recover: from the first SLO-violating point (p99 > slo, after the warm-up) until p99
 * stays within the SLO for a whole minute (or to the end of the run, if that is sooner).
 * null when p99 never broke the SLO; recovered false when it had not recovered by the end
 * (the time then runs to the last violating point).
 */
export function recoveryOf(summary: Pick<RunSummary, 'timeseries' | 'warmupMs'>, slo: number): { timeToRecoverMs: number | null; recovered: boolean } {
  const pts = summary.timeseries.points;
  const bad = (p: (typeof pts)[number]) => {
    const v = p.e2e_latency as TimePointValue | undefined;
    return v !== undefined && (v.count ?? 0) > 0 && (v.p99 ?? 0) > slo;
  };
  let firstBad = -1, lastBad = -1;
  for (const p of pts) {
    if (p.t >= summary.warmupMs && bad(p)) {
      if (firstBad < 0) firstBad = p.t;
      lastBad = p.t;
    }
  }
  if (firstBad < 0) return { timeToRecoverMs: null, recovered: true };
  let okSince = -1;
  for (const p of pts) {
    if (p.t <= firstBad) continue;
    if (bad(p)) okSince = -1;
    else if (okSince < 0) okSince = p.t;
    if (okSince >= 0 && p.t + summary.timeseries.intervalMs - okSince >= 60_000) break;
  }
  return okSince >= 0
    ? { timeToRecoverMs: okSince - firstBad, recovered: true }
    : { timeToRecoverMs: lastBad + summary.timeseries.intervalMs - firstBad, recovered: false };
}

export function analyseSimulation(summary: RunSummary, opts: { catalogue?: Catalogue; costSpec?: CostSpec; loadChangeAtMs?: number } = {}): SimAnalysis {
  const x = summary.extra?.sim as SimExtra | undefined;
  if (!x) throw new TypeError('not a simulated run: summary.extra.sim is missing');
  const e2e = summary.metrics.e2e_latency as TrendData | undefined;
  const thr = summary.metrics.events_processed;
  const tl = x.replicaTimeline;

  const scaleOuts: ScaleOut[] = [];
  const last = new Map<string, { replicas: number; ready: number }>();
  tl.forEach((e, i) => {
    const prev = last.get(e.group);
    if (prev && e.replicas > prev.replicas) {
      const target = e.replicas;
      const ready = tl.slice(i).find((f) => f.group === e.group && f.ready >= target);
      const dec = x.decisions.find((d) => d.target === e.group && d.timeMs === e.t && d.final === e.replicas);
      scaleOuts.push({ group: e.group, from: prev.replicas, to: target, decidedAtMs: e.t, readyAtMs: ready ? ready.t : null, delayMs: ready ? ready.t - e.t : null, reason: dec?.reason });
    }
    last.set(e.group, { replicas: e.replicas, ready: e.ready });
  });

  const peakReplicas: Record<string, number> = {};
  for (const e of tl) peakReplicas[e.group] = Math.max(peakReplicas[e.group] ?? 0, e.replicas);

  const reactionMs: Record<string, number | null> = {};
  if (opts.loadChangeAtMs !== undefined) {
    for (const g of Object.keys(peakReplicas)) {
      const first = scaleOuts.find((s) => s.group === g && s.decidedAtMs >= opts.loadChangeAtMs!);
      reactionMs[g] = first ? first.decidedAtMs - opts.loadChangeAtMs : null;
    }
  }

  const slo = x.sloP99Ms;
  const rec = recoveryOf(summary, slo);
  return {
    name: summary.scenario.name,
    durationMs: summary.durationMs,
    p50Ms: e2e?.p50 ?? 0,
    p99Ms: e2e?.p99 ?? 0,
    throughput: thr?.type === 'counter' ? thr.rate : 0,
    peakLag: x.maxLag,
    sloP99Ms: slo,
    sloViolationMinutes: x.sloViolationMinutes,
    timeToRecoverMs: rec.timeToRecoverMs,
    recovered: rec.recovered,
    reactionMs,
    scaleOuts,
    timeline: tl,
    peakReplicas,
    cost: opts.catalogue ? runCost(summary, opts.catalogue, opts.costSpec ?? DEFAULT_COST_SPEC) : undefined,
    decisions: x.decisions,
  };
}

const s = (ms: number | null) => (ms === null ? '—' : `${(ms / 1000).toFixed(ms % 1000 === 0 ? 0 : 1)} s`);

/** the analysis as Markdown (tables render in terminals and notebooks alike) */
export function formatSimReport(a: SimAnalysis): string {
  const out: string[] = [];
  out.push(`# ${a.name} (simulated, ${s(a.durationMs)})`, '');
  out.push(`| p50 | p99 | throughput | peak lag | SLO p99 < ${a.sloP99Ms} ms: violation minutes | time to recover (first episode) |`);
  out.push('|---:|---:|---:|---:|---:|---:|');
  out.push(`| ${a.p50Ms.toFixed(1)} ms | ${a.p99Ms.toFixed(1)} ms | ${a.throughput.toFixed(0)}/s | ${a.peakLag.toLocaleString('en-US')} | ${a.sloViolationMinutes.toFixed(1)} | ${a.timeToRecoverMs === null ? 'no violation' : s(a.timeToRecoverMs) + (a.recovered ? '' : ' (not recovered by the end)')} |`, '');
  if (a.cost) {
    out.push(`Cost: ${a.cost.currency} ${a.cost.total.toFixed(2)} for the run, ${a.cost.perHour.toFixed(2)}/h, ${Number.isFinite(a.cost.perMillionEvents) ? a.cost.perMillionEvents.toFixed(4) : '—'} per million events (example prices).`, '');
  }
  if (Object.keys(a.reactionMs).length) {
    out.push('## Reaction to the load change', '', '| group | first scale-out decision after |', '|---|---:|');
    for (const [g, ms] of Object.entries(a.reactionMs)) out.push(`| ${g} | ${ms === null ? 'none' : s(ms)} |`);
    out.push('');
  }
  out.push('## Scale-outs (decision → replicas ready)', '', '| group | from → to | decided at | ready at | delay | why |', '|---|---|---:|---:|---:|---|');
  const cap = 60;
  const more = (n: number) => { if (n > cap) out.push(`| … ${n - cap} more (summary.json extra.sim) | | | | | |`); };
  for (const o of a.scaleOuts.slice(0, cap)) out.push(`| ${o.group} | ${o.from} → ${o.to} | ${s(o.decidedAtMs)} | ${s(o.readyAtMs)} | ${s(o.delayMs)} | ${o.reason ?? ''} |`);
  more(a.scaleOuts.length);
  if (!a.scaleOuts.length) out.push('| (none) | | | | | |');
  out.push('', '## Replica timeline', '', '| t | group | replicas | ready |', '|---:|---|---:|---:|');
  for (const e of a.timeline.slice(0, cap)) out.push(`| ${s(e.t)} | ${e.group} | ${e.replicas} | ${e.ready} |`);
  if (a.timeline.length > cap) out.push(`| … ${a.timeline.length - cap} more changes (summary.json extra.sim.replicaTimeline, timeline.svg) | | | |`);
  return out.join('\n');
}

/**
 * A vega-lite spec of a simulated run over time: replicas per group (steps), consumer lag and
 * p99 against the SLO, sharing the time axis. Plain data; render with reports' renderSvg.
 */
export function simTimelineSpec(summary: RunSummary, opts: { font?: string; width?: number } = {}): Record<string, unknown> {
  const x = summary.extra?.sim as SimExtra | undefined;
  const slo = x?.sloP99Ms ?? 500;
  const pts = summary.timeseries.points;
  const num = (v: unknown, k: 'value' | 'p99'): number | null => {
    const o = v as TimePointValue | undefined;
    const n = o?.[k];
    return typeof n === 'number' && Number.isFinite(n) ? n : null;
  };
  const replicas = pts.flatMap((p) => (['consumers', 'modelServers', 'featureStore'] as const).map((g) => ({ t: p.t / 1000, group: g, replicas: num(p[`replicas_${g}`], 'value') })));
  const lag = pts.map((p) => ({ t: p.t / 1000, lag: num(p.consumer_lag, 'value') }));
  const p99 = pts.map((p) => ({ t: p.t / 1000, p99: num(p.e2e_latency, 'p99') })).filter((d) => d.p99 !== null && d.p99 > 0);
  const width = opts.width ?? 640;
  const xEnc = { field: 't', type: 'quantitative', title: 'simulated time (s)' };
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    title: `${summary.scenario.name}: replicas, lag and p99 over time`,
    config: { font: opts.font ?? 'DejaVu Sans' },
    vconcat: [
      { width, height: 140, data: { values: replicas }, mark: { type: 'line', interpolate: 'step-after' }, encoding: { x: xEnc, y: { field: 'replicas', type: 'quantitative', title: 'replicas' }, color: { field: 'group', type: 'nominal', title: 'group' } } },
      { width, height: 120, data: { values: lag }, mark: { type: 'area', opacity: 0.6 }, encoding: { x: xEnc, y: { field: 'lag', type: 'quantitative', title: 'consumer lag' } } },
      {
        width, height: 140,
        layer: [
          { data: { values: p99 }, mark: 'line', encoding: { x: xEnc, y: { field: 'p99', type: 'quantitative', title: 'p99 ms (log)', scale: { type: 'log' } } } },
          { data: { values: [{ slo }] }, mark: { type: 'rule', strokeDash: [4, 4], color: '#c0392b' }, encoding: { y: { field: 'slo', type: 'quantitative' } } },
        ],
      },
    ],
  };
}
