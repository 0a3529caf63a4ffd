/**
 * Vega-lite chart specs built from a RunSummary: pure functions (no I/O, no rendering), so the
 * HTML report, the SVG/PNG files and notebooks all draw the same charts from the same data.
 * Render them with reports/render.ts (`renderSvg`, `renderPng`).
 */
import { chartBase, type ChartOptions, type ChartSpec } from './chart-base.ts';
import type { RunSummary, TimePoint, TimePointValue } from '../results/types.ts';
import { faultBandLayers } from './faults.ts';
import { latencyBuckets } from './histogram.ts';
import { simChartSpecs } from './charts-sim.ts';
import { simData } from './sim.ts';
import { driftLoopTimelineSpec } from './drift-loop.ts';
import { emptyChart } from './chart-empty.ts';
import { errorsByReasonValues, responseRangesSpec, stageBreakdownSpec } from './breakdown.ts';

function field(p: TimePoint, metric: string): TimePointValue | undefined {
  const v = p[metric];
  return typeof v === 'object' ? v : undefined;
}

/** a simulated run records events (e2e_latency, events_processed) rather than iterations */
const isSim = (summary: RunSummary): boolean => !!(summary.extra as { sim?: unknown } | undefined)?.sim;
// the headline latency of a run that observed end-to-end results (pipeline, simulation) is e2e;
// `latency` there is only the produce call
const trendOf = (summary: RunSummary, o: ChartOptions): string =>
  o.metric ?? ('e2e_latency' in summary.metrics ? 'e2e_latency' : 'latency');

/** seconds since run start, for the x axis */
const sec = (p: TimePoint) => p.t / 1000;

/**
 * warm-up shown as a shaded band so a reader knows those seconds are not in the figures; the
 * scenario's faults as labelled bands where they were active
 */
function warmupLayer(summary: RunSummary) {
  const faults = faultBandLayers(summary);
  if (!summary.warmupMs) return faults;
  return [
    ...faults,
    {
      data: { values: [{ from: 0, to: summary.warmupMs / 1000, label: 'warm-up' }] },
      mark: { type: 'rect' as const, color: '#eeeeee' },
      encoding: { x: { field: 'from', type: 'quantitative' as const }, x2: { field: 'to' } },
    },
  ];
}

/**
 * a calibrated prediction's 95 % intervals of p50 and p99 (with replications: extra.sim.prediction)
 * as shaded horizontal bands behind the per-second lines, so a reader sees how far the prediction
 * itself may be off (the seeds and the calibration's sampling error)
 */
function predictionBandLayer(summary: RunSummary, metric: string) {
  const b = simData(summary)?.prediction;
  if (!b || metric !== 'e2e_latency') return [];
  const of = `95 % interval, ${b.replications} replications`;
  // one layer per band with a fixed colour: the lines' colour scale (percentile) stays their own
  return (
    [
      ['p50', b.p50, '#4c78a8'],
      ['p99', b.p99, '#e45756'],
    ] as const
  ).map(([p, [lo, hi], color]) => ({
    data: { values: [{ band: `predicted ${p} (${of})`, lo, hi }] },
    mark: { type: 'rect' as const, color, opacity: 0.15 },
    encoding: {
      y: { field: 'lo', type: 'quantitative' as const },
      y2: { field: 'hi' },
      tooltip: [{ field: 'band' }, { field: 'lo' }, { field: 'hi' }],
    },
  }));
}

/** p50/p90/p99 (and max) of a trend metric per second: one line each */
export function latencyOverTimeSpec(summary: RunSummary, o: ChartOptions = {}): ChartSpec {
  const metric = trendOf(summary, o);
  const values: { t: number; percentile: string; ms: number }[] = [];
  for (const p of summary.timeseries.points) {
    const v = field(p, metric);
    if (!v?.count) continue;
    for (const k of ['p50', 'p90', 'p99'] as const)
      if (v[k] !== undefined) values.push({ t: sec(p), percentile: k, ms: v[k]! });
  }
  if (!values.length) return emptyChart(`${metric}: percentiles per second (ms)`, `no ${metric} was recorded`, o);
  const bands = predictionBandLayer(summary, metric);
  const shaded = bands.length ? '; shaded: the predicted p50 and p99, 95 % intervals' : '';
  return {
    ...chartBase(`${metric}: percentiles per second (ms)${shaded}`, o),
    layer: [
      ...warmupLayer(summary),
      ...bands,
      {
        data: { values },
        mark: { type: 'line', point: true },
        encoding: {
          x: { field: 't', type: 'quantitative', title: 'time since start (s)' },
          y: { field: 'ms', type: 'quantitative', title: `${metric} (ms)` },
          color: { field: 'percentile', type: 'nominal', sort: ['p50', 'p90', 'p99'], title: 'percentile' },
        },
      },
    ],
  } as ChartSpec;
}

/** the whole measured distribution of a trend metric, decoded from its HDR histogram */
export function latencyHistogramSpec(summary: RunSummary, o: ChartOptions = {}): ChartSpec {
  const metric = trendOf(summary, o);
  const m = summary.metrics[metric];
  const values = m?.type === 'trend' ? latencyBuckets(m.hdr) : [];
  if (!values.length) return emptyChart(`${metric}: distribution (log buckets)`, `no ${metric} was recorded`, o);
  return {
    ...chartBase(`${metric}: distribution (log buckets)`, o),
    data: { values },
    mark: { type: 'rect', color: '#4c78a8', stroke: 'white', strokeWidth: 0.5 },
    encoding: {
      x: { field: 'lo', type: 'quantitative', scale: { type: 'log', nice: false }, title: `${metric} (ms, log scale)` },
      x2: { field: 'hi' },
      y: { field: 'count', type: 'quantitative', title: 'iterations' },
      y2: { datum: 0 },
      tooltip: [{ field: 'lo' }, { field: 'hi' }, { field: 'count' }],
    },
  } as ChartSpec;
}

/**
 * completed iterations per second (a simulated run: processed events), and dropped iterations (the executor fell
 * behind)
 */
export function throughputSpec(summary: RunSummary, o: ChartOptions = {}): ChartSpec {
  const perSec = 1000 / (summary.timeseries.intervalMs || 1000);
  const values: { t: number; series: string; perSec: number }[] = [];
  const counter = isSim(summary) ? 'events_processed' : 'iterations';
  for (const p of summary.timeseries.points) {
    values.push({ t: sec(p), series: 'iterations/s', perSec: (field(p, counter)?.count ?? 0) * perSec });
    const d = field(p, 'dropped_iterations')?.count;
    if (d !== undefined) values.push({ t: sec(p), series: 'dropped/s', perSec: d * perSec });
  }
  return {
    ...chartBase('throughput (per second)', o),
    layer: [
      ...warmupLayer(summary),
      {
        data: { values },
        mark: { type: 'line', point: true },
        encoding: {
          x: { field: 't', type: 'quantitative', title: 'time since start (s)' },
          y: { field: 'perSec', type: 'quantitative', title: 'per second' },
          color: {
            field: 'series',
            type: 'nominal',
            title: null,
            scale: { domain: ['iterations/s', 'dropped/s'], range: ['#4c78a8', '#f58518'] },
          },
        },
      },
    ],
  } as ChartSpec;
}

/** failed iterations, dropped iterations and dead letters per second, stacked by reason */
export function errorsSpec(summary: RunSummary, o: ChartOptions = {}): ChartSpec {
  const values = errorsByReasonValues(summary);
  const title = 'errors per second, by reason';
  if (!values.length) return emptyChart(title, 'no errors: nothing failed, was dropped or dead-lettered', o);
  const domain = ['failed iterations', 'dropped iterations', 'dead letters'];
  return {
    ...chartBase(title, o),
    layer: [
      ...warmupLayer(summary),
      {
        data: { values },
        mark: { type: 'rect' },
        encoding: {
          x: { field: 't', type: 'quantitative', title: 'time since start (s)' },
          x2: { field: 't2' },
          y: { field: 'count', type: 'quantitative', stack: 'zero', title: 'per second' },
          color: {
            field: 'reason',
            type: 'nominal',
            title: null,
            scale: { domain, range: ['#e45756', '#f58518', '#b279a2'] },
          },
        },
      },
    ],
  } as ChartSpec;
}

/**
 * every standard chart of a run by file name (charts/<name>.svg|png); a simulated run (with
 * `extra.sim`) adds `sim-replicas` (replica timeline with the scale decisions) and `sim-lag`
 */
export function chartSpecs(summary: RunSummary, o: ChartOptions = {}): Record<string, ChartSpec> {
  const specs: Record<string, ChartSpec> = {
    'latency-percentiles': latencyOverTimeSpec(summary, o),
    'latency-histogram': latencyHistogramSpec(summary, o),
    throughput: throughputSpec(summary, o),
    errors: errorsSpec(summary, o),
    'response-ranges': responseRangesSpec(summary, o),
    ...simChartSpecs(summary, o),
  };
  // runs that recorded stage latencies (pipeline, simulated) add the per-stage breakdown
  const stages = stageBreakdownSpec(summary, o);
  if (stages) specs.stages = stages;
  // a run with the drift loop (extra.driftLoop) adds its timeline
  const loop = driftLoopTimelineSpec(summary, o);
  if (loop) specs['drift-loop'] = loop;
  return specs;
}
