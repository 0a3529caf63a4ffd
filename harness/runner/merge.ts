/**
 * Joins the summaries of runs that each ran one execution segment of the same scenario (N
 * processes on one machine with `--workers`, or N machines with `--execution-segment`) into one
 * summary, as if one process had run it all:
 * - trends: HDR histograms merged exactly (percentiles from the merged histogram), count, min,
 *   max, mean and stdev pooled exactly from each run's moments;
 * - counters and rates summed; gauges summed for VU counts, else the largest;
 * - thresholds re-evaluated on the merged figures (windowed ones: see CompiledThresholds.evaluate);
 * - per-second points aligned by second from each run's start: counts summed, percentiles the
 *   worst of the runs (an upper bound: per-second histograms are not kept in summary.json).
 * Refuses runs of different scenarios (name or resolved config), different seeds or sequences,
 * overlapping segments, and runs that were not segments.
 */
import { PipelabError } from '../../errors.ts';
import { mergeEncoded, percentileFromEncoded } from '../../results/hdr.ts';
import type {
  ExecutorResult,
  GaugeData,
  LoadGeneratorReport,
  MetricData,
  RunSummary,
  TimePoint,
  TimePointValue,
  TrendData,
} from '../../results/types.ts';
import { ExecutionSegment } from '../executors/segment.ts';
import { compileThresholds } from '../scenario/thresholds.ts';
import type { ThresholdsConfig } from '../thresholds/api.ts';

const refuse = (message: string, hint: string) => new PipelabError('INVALID_ARGUMENT', message, { hint });

/** the config without what differs between the shares of one scenario */
function sameness(s: RunSummary): string {
  const c = structuredClone(s.config) as { overrides?: Record<string, unknown> } | undefined;
  if (c?.overrides) {
    delete c.overrides.executionSegment;
    delete c.overrides.executionSegmentSequence;
  }
  return JSON.stringify(c);
}

/** checks the runs are shares of one scenario; returns their segments, in order */
function checkShares(runs: { label: string; summary: RunSummary }[]): ExecutionSegment[] {
  if (runs.length < 2) throw refuse('merge needs at least two runs', 'give two or more run directories');
  const [first] = runs;
  const segs = runs.map(({ label, summary }) => {
    const e = summary.executionSegment;
    if (!e)
      throw refuse(
        `${label} ran the whole scenario, not an execution segment`,
        'merge runs started with --execution-segment (or the workers of one --workers run)',
      );
    if (summary.seed !== first!.summary.seed)
      throw refuse(
        `${label} has seed ${summary.seed}, ${first!.label} has ${first!.summary.seed}: mixed seeds`,
        'run every segment with the same --seed',
      );
    if (summary.scenario.name !== first!.summary.scenario.name || sameness(summary) !== sameness(first!.summary))
      throw refuse(
        `${label} ran a different scenario than ${first!.label} ` +
          `(${summary.scenario.name} vs ${first!.summary.scenario.name}, or its config differs)`,
        'merge only the segments of one scenario run with the same file, flags and overrides',
      );
    if (e.sequence !== first!.summary.executionSegment?.sequence)
      throw refuse(
        `${label} used the sequence ${e.sequence}, ${first!.label} ${first!.summary.executionSegment?.sequence}`,
        'give every segment the same --execution-segment-sequence',
      );
    return { label, seg: new ExecutionSegment(e.segment, e.sequence) };
  });
  segs.sort((a, b) => a.seg.from - b.seg.from);
  for (let i = 1; i < segs.length; i++)
    if (segs[i]!.seg.from < segs[i - 1]!.seg.to)
      throw refuse(
        `segments overlap: ${segs[i - 1]!.label} (${segs[i - 1]!.seg.segment}) ` +
          `and ${segs[i]!.label} (${segs[i]!.seg.segment})`,
        'merge each segment once (the same run twice, or runs of two different partitions?)',
      );
  return segs.map((s) => s.seg);
}

function mergeTrend(parts: TrendData[]): TrendData {
  const count = parts.reduce((a, p) => a + p.count, 0);
  const hdr = mergeEncoded(parts.map((p) => p.hdr));
  if (count === 0) return { ...parts[0]!, hdr };
  const live = parts.filter((p) => p.count > 0);
  const mean = live.reduce((a, p) => a + p.mean * p.count, 0) / count;
  const sq = live.reduce((a, p) => a + p.count * (p.stdev * p.stdev + p.mean * p.mean), 0) / count;
  const pct = (q: number) => percentileFromEncoded(hdr, q);
  return {
    type: 'trend',
    unit: 'ms',
    count,
    min: Math.min(...live.map((p) => p.min)),
    max: Math.max(...live.map((p) => p.max)),
    mean,
    stdev: Math.sqrt(Math.max(0, sq - mean * mean)),
    p50: pct(50),
    p90: pct(90),
    p95: pct(95),
    p99: pct(99),
    'p99.9': pct(99.9),
    hdr,
  };
}

const isVus = (name: string) => name === 'vus' || name.startsWith('vus_') || name.startsWith('vus{');

function mergeMetric(name: string, parts: MetricData[], measuredS: number): MetricData {
  const p0 = parts[0]!;
  switch (p0.type) {
    case 'trend':
      return mergeTrend(parts as TrendData[]);
    case 'counter': {
      const count = parts.reduce((a, p) => a + (p.type === 'counter' ? p.count : 0), 0);
      return { type: 'counter', count, rate: measuredS > 0 ? count / measuredS : 0 };
    }
    case 'rate': {
      let passes = 0;
      let fails = 0;
      for (const p of parts)
        if (p.type === 'rate') {
          passes += p.passes;
          fails += p.fails;
        }
      return { type: 'rate', passes, fails, rate: passes + fails ? passes / (passes + fails) : 0 };
    }
    case 'gauge': {
      const g = parts.filter((p): p is GaugeData => p.type === 'gauge');
      const sum = isVus(name);
      const fold = (f: (x: (typeof g)[number]) => number) =>
        sum ? g.reduce((a, x) => a + f(x), 0) : Math.max(...g.map(f));
      return { ...(p0 as GaugeData), value: fold((x) => x.value), min: fold((x) => x.min), max: fold((x) => x.max) };
    }
  }
}

function mergePoints(all: TimePoint[][]): TimePoint[] {
  const byT = new Map<number, TimePoint>();
  for (const points of all)
    for (const p of points) {
      const into = byT.get(p.t) ?? { t: p.t };
      for (const [k, v] of Object.entries(p)) {
        if (k === 't' || typeof v !== 'object') continue;
        const cur = (into[k] as TimePointValue | undefined) ?? {};
        const out: TimePointValue = { ...cur };
        for (const [f, x] of Object.entries(v) as [keyof TimePointValue, number][]) {
          const prev = cur[f];
          if (f === 'count' || (f === 'value' && isVus(k))) out[f] = (prev ?? 0) + x;
          else out[f] = prev === undefined ? x : Math.max(prev, x);
        }
        into[k] = out;
      }
      byT.set(p.t, into);
    }
  return [...byT.values()].sort((a, b) => a.t - b.t);
}

function mergeExecutors(all: ExecutorResult[][]): ExecutorResult[] {
  const out = all[0]!.map((e) => ({ ...e, scheduled: 0, completed: 0, dropped: 0, maxSchedulerLagMs: 0 }));
  for (const list of all)
    for (const e of list) {
      const m = out.find((x) => x.name === e.name);
      if (!m) continue;
      m.scheduled += e.scheduled;
      m.completed += e.completed;
      m.dropped += e.dropped;
      m.maxSchedulerLagMs = Math.max(m.maxSchedulerLagMs, e.maxSchedulerLagMs);
    }
  return out;
}

/** saturated when any share was; its reasons prefixed with that share's label */
function mergeGenerators(runs: { label: string; summary: RunSummary }[]): LoadGeneratorReport | undefined {
  const reports = runs.filter((r) => r.summary.loadGenerator);
  if (reports.length === 0) return undefined;
  const g = reports.map((r) => r.summary.loadGenerator!);
  const max = (f: (x: LoadGeneratorReport) => number) => Math.max(...g.map(f));
  return {
    saturated: g.some((x) => x.saturated),
    reasons: reports.flatMap((r) => r.summary.loadGenerator!.reasons.map((why) => `${r.label}: ${why}`)),
    eventLoopUtilization: max((x) => x.eventLoopUtilization),
    eventLoopDelayP99Ms: max((x) => x.eventLoopDelayP99Ms),
    cpuPercent: g.reduce((a, x) => a + x.cpuPercent, 0),
    maxSchedulerLagMs: max((x) => x.maxSchedulerLagMs),
    schedulerLagP99Ms: max((x) => x.schedulerLagP99Ms),
    droppedIterations: g.reduce((a, x) => a + x.droppedIterations, 0),
    connectionWaitP99Ms: max((x) => x.connectionWaitP99Ms ?? 0),
  };
}

/** one summary from the summaries of a scenario's segments; `label` names each in errors */
export function mergeRuns(runs: { label: string; summary: RunSummary }[]): RunSummary {
  const segs = checkShares(runs);
  const summaries = runs.map((r) => r.summary);
  const first = summaries[0]!;
  const durationMs = Math.max(...summaries.map((s) => s.durationMs));
  const measuredS = Math.max(0, durationMs - first.warmupMs) / 1000;
  const names = [...new Set(summaries.flatMap((s) => Object.keys(s.metrics)))];
  const metrics: Record<string, MetricData> = {};
  for (const n of names) {
    const parts = summaries.map((s) => s.metrics[n]).filter((m): m is MetricData => m !== undefined);
    metrics[n] = mergeMetric(n, parts, measuredS);
  }
  const compiled = compileThresholds((first.config as { thresholds?: ThresholdsConfig })?.thresholds ?? {});
  const thresholds = compiled.ok
    ? compiled.value.evaluate(
        metrics,
        summaries.map((s) => s.thresholds),
      )
    : first.thresholds;
  const from = Math.min(...segs.map((s) => s.from));
  const to = Math.max(...segs.map((s) => s.to));
  const covered = segs.reduce((a, s) => a + s.share, 0);
  const start = Math.min(...summaries.map((s) => Date.parse(s.startedAt)));
  const end = Math.max(...summaries.map((s) => Date.parse(s.endedAt)));
  const generator = mergeGenerators(runs);
  const aborted = summaries.find((s) => s.aborted)?.aborted;
  const { executionSegment: _own, ...rest } = first;
  return {
    ...rest,
    ...(covered >= 1 - 1e-9 ? {} : { executionSegment: { segment: `${from}:${to}`, sequence: segs[0]!.sequence } }),
    startedAt: new Date(start).toISOString(),
    endedAt: new Date(end).toISOString(),
    durationMs,
    ...(aborted ? { aborted } : {}),
    metrics,
    timeseries: {
      intervalMs: first.timeseries.intervalMs,
      points: mergePoints(summaries.map((s) => s.timeseries.points)),
    },
    thresholds,
    executors: mergeExecutors(summaries.map((s) => s.executors)),
    ...(generator ? { loadGenerator: generator } : {}),
    merged: runs.map((r) => ({ label: r.label, segment: r.summary.executionSegment!.segment })),
  };
}
