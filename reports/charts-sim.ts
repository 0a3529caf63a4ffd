/**
 * Chart specs of a simulated run (pure functions over a RunSummary with `extra.sim`): the replica
 * timeline per group with every scale decision marked, and the consumer lag over time.
 * chartSpecs (charts.ts) adds them as charts/sim-replicas and charts/sim-lag.
 */
import type { RunSummary, TimePointValue } from '../results/types.ts';
import type { ChartOptions, ChartSpec } from './chart-base.ts';
import { DEFAULT_SLO_P99_MS } from '../results/slo.ts';
import { chartBase } from './chart-base.ts';
import { chartFrame } from '../results/chart-frame.ts';
import { simData } from './sim.ts';

/** the time unit of the x axis: seconds, or minutes / hours for long simulated runs (a day in seconds is unreadable) */
function timeUnit(summary: RunSummary): { div: number; X: { field: 't'; type: 'quantitative'; title: string } } {
  const [div, name] =
    summary.durationMs >= 3 * 3_600_000
      ? [3_600_000, 'h']
      : summary.durationMs >= 30 * 60_000
        ? [60_000, 'min']
        : [1000, 's'];
  return { div, X: { field: 't', type: 'quantitative', title: `simulated time (${name})` } };
}

/** a rule at the scenario's load change (e.g. the spike start), when it names one */
function loadChangeLayer(summary: RunSummary) {
  const at = simData(summary)?.loadChangeAtMs;
  if (at === undefined) return [];
  return [
    {
      data: { values: [{ t: at / timeUnit(summary).div, label: 'load change' }] },
      mark: { type: 'rule' as const, color: '#888888', strokeDash: [2, 2] },
      encoding: { x: { field: 't', type: 'quantitative' as const } },
    },
  ];
}

/** above this many scale decisions the replica chart draws no markers */
const MAX_MARKED_DECISIONS = 200;

/**
 * Replicas per group over time (solid steps: replicas asked for; dashed: ready), with each scale
 * decision marked (▲ scale-out, ▼ scale-in) at the time the controller decided.
 */
export function replicaTimelineSpec(summary: RunSummary, o: ChartOptions = {}): ChartSpec {
  const x = simData(summary);
  const tl = x?.replicaTimeline ?? [];
  const { div, X } = timeUnit(summary);
  const end = summary.durationMs / div;
  const steps: { t: number; group: string; series: string; replicas: number }[] = [];
  const marks: { t: number; group: string; replicas: number; decision: string }[] = [];
  const last = new Map<string, { replicas: number; ready: number }>();
  for (const e of tl) {
    const prev = last.get(e.group);
    if (prev && e.replicas !== prev.replicas)
      marks.push({
        t: e.t / div,
        group: e.group,
        replicas: e.replicas,
        decision: e.replicas > prev.replicas ? 'scale-out' : 'scale-in',
      });
    steps.push(
      { t: e.t / div, group: e.group, series: 'replicas', replicas: e.replicas },
      { t: e.t / div, group: e.group, series: 'ready', replicas: e.ready },
    );
    last.set(e.group, { replicas: e.replicas, ready: e.ready });
  }
  // carry every group's last state to the end of the run
  for (const [group, s] of last)
    steps.push(
      { t: end, group, series: 'replicas', replicas: s.replicas },
      { t: end, group, series: 'ready', replicas: s.ready },
    );
  const color = { field: 'group', type: 'nominal', title: 'group' };
  // a flapping day has thousands of decisions: markers would hide the lines, so they go above a cap
  const marked = marks.length <= MAX_MARKED_DECISIONS;
  return {
    ...chartBase(
      `replicas per group (solid: asked for, dashed: ready; ` +
        `${marked ? '▲▼ scale decisions' : `${marks.length} scale decisions, too many to mark`})`,
      o,
    ),
    layer: [
      ...loadChangeLayer(summary),
      {
        data: { values: steps },
        mark: { type: 'line', interpolate: 'step-after' },
        encoding: {
          x: X,
          y: { field: 'replicas', type: 'quantitative', title: 'replicas' },
          color,
          strokeDash: {
            field: 'series',
            type: 'nominal',
            title: null,
            scale: {
              domain: ['replicas', 'ready'],
              range: [
                [1, 0],
                [4, 3],
              ],
            },
          },
          detail: { field: 'series' },
        },
      },
      ...(marked
        ? [
            {
              data: { values: marks },
              mark: { type: 'point', filled: true, size: 60 },
              encoding: {
                x: X,
                y: { field: 'replicas', type: 'quantitative' },
                color,
                shape: {
                  field: 'decision',
                  type: 'nominal',
                  title: 'decision',
                  scale: { domain: ['scale-out', 'scale-in'], range: ['triangle-up', 'triangle-down'] },
                },
              },
            },
          ]
        : []),
    ],
  } as ChartSpec;
}

/** consumer lag (records not yet processed) over time, from the time series */
export function lagOverTimeSpec(summary: RunSummary, o: ChartOptions = {}): ChartSpec {
  const { div, X } = timeUnit(summary);
  const values = summary.timeseries.points.flatMap((p) => {
    const v = p.consumer_lag as TimePointValue | undefined;
    return typeof v?.value === 'number' ? [{ t: p.t / div, lag: v.value }] : [];
  });
  return {
    ...chartBase('consumer lag (records behind)', o),
    layer: [
      ...loadChangeLayer(summary),
      {
        data: { values },
        mark: { type: 'area', line: true, opacity: 0.5, color: '#4c78a8' },
        encoding: { x: X, y: { field: 'lag', type: 'quantitative', title: 'consumer lag (records)' } },
      },
    ],
  } as ChartSpec;
}

/** the simulation charts by file name (empty for a live run) */
export function simChartSpecs(summary: RunSummary, o: ChartOptions = {}): Record<string, ChartSpec> {
  if (!simData(summary)) return {};
  return { 'sim-replicas': replicaTimelineSpec(summary, o), 'sim-lag': lagOverTimeSpec(summary, o) };
}

/**
 * One combined chart of a simulated run for notebooks: replicas per group (steps, from the time
 * series' replicas_<group> gauges), consumer lag, and p99 (log) against the SLO, sharing a time
 * axis in seconds. The report writes the same data as charts/sim-replicas and charts/sim-lag.
 */
export function simTimelineSpec(summary: RunSummary, opts: { width?: number } = {}): ChartSpec {
  const slo = simData(summary)?.sloP99Ms ?? DEFAULT_SLO_P99_MS;
  const pts = summary.timeseries.points;
  const num = (v: unknown, k: 'value' | 'p99'): number | null => {
    const n = (v as TimePointValue | undefined)?.[k];
    return typeof n === 'number' && Number.isFinite(n) ? n : null;
  };
  const replicas = pts.flatMap((p) =>
    (['consumers', 'modelServers', 'featureStore'] as const).map((g) => ({
      t: p.t / 1000,
      group: g,
      replicas: num(p[`replicas_${g}`], 'value'),
    })),
  );
  const lag = pts.map((p) => ({ t: p.t / 1000, lag: num(p.consumer_lag, 'value') }));
  const p99 = pts
    .map((p) => ({ t: p.t / 1000, p99: num(p.e2e_latency, 'p99') }))
    .filter((d) => d.p99 !== null && d.p99 > 0);
  const width = opts.width ?? 640;
  const X = { field: 't', type: 'quantitative', title: 'simulated time (s)' };
  return {
    ...chartFrame(`${summary.scenario.name}: replicas, lag and p99 over time`),
    vconcat: [
      {
        width,
        height: 140,
        data: { values: replicas },
        mark: { type: 'line', interpolate: 'step-after' },
        encoding: {
          x: X,
          y: { field: 'replicas', type: 'quantitative', title: 'replicas' },
          color: { field: 'group', type: 'nominal', title: 'group' },
        },
      },
      {
        width,
        height: 120,
        data: { values: lag },
        mark: { type: 'area', opacity: 0.6 },
        encoding: { x: X, y: { field: 'lag', type: 'quantitative', title: 'consumer lag' } },
      },
      {
        width,
        height: 140,
        layer: [
          {
            data: { values: p99 },
            mark: 'line',
            encoding: {
              x: X,
              y: { field: 'p99', type: 'quantitative', title: 'p99 ms (log)', scale: { type: 'log' } },
            },
          },
          {
            data: { values: [{ slo }] },
            mark: { type: 'rule', strokeDash: [4, 4], color: '#c0392b' },
            encoding: { y: { field: 'slo', type: 'quantitative' } },
          },
        ],
      },
    ],
  } as ChartSpec;
}
