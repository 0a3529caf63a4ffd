/**
 * Side-by-side comparison of runs (live or simulated): p50/p99, throughput, cost per hour and per
 * million events, SLO-violation minutes. Reads only RunSummary data.
 */
import { chartFrame, type ChartSpec } from '../../../results/chart-frame.ts';
import { textTable, type Align } from '../../../results/table.ts';
import { DEFAULT_SLO_P99_MS, SLO_LATENCY_KEYS, sloViolationMinutes } from '../../../results/slo.ts';
import type { CompareFigures } from '../../../results/compare.ts';
import type { RunSummary } from '../../../results/types.ts';
import type { Catalogue } from './catalogue.ts';
import { runCost, DEFAULT_COST_SPEC, type CostSpec } from './cost.ts';

/** one run's figures: the row `pipelab compare` prints, and compare.json's per-run entry */
export type CompareRow = CompareFigures;

export function compareRow(
  label: string,
  summary: RunSummary,
  opts: { catalogue: Catalogue; costSpec?: CostSpec; sloP99Ms?: number },
): CompareRow {
  const slo = opts.sloP99Ms ?? DEFAULT_SLO_P99_MS;
  const lat = SLO_LATENCY_KEYS.map((k) => summary.metrics[k]).find((m) => m?.type === 'trend');
  const thr = ['events_processed', 'iterations'].map((k) => summary.metrics[k]).find((m) => m?.type === 'counter');
  const cost = runCost(summary, opts.catalogue, opts.costSpec ?? DEFAULT_COST_SPEC);
  const modes = [...new Set(Object.values(summary.services).map((s) => s.mode))];
  const band = (summary.extra as { sim?: { prediction?: { p99?: [number, number] } } } | undefined)?.sim?.prediction
    ?.p99;
  return {
    label,
    mode: modes.join('/') || 'none',
    p50Ms: lat?.type === 'trend' ? lat.p50 : null,
    p99Ms: lat?.type === 'trend' ? lat.p99 : null,
    throughput: thr?.type === 'counter' ? thr.rate : null,
    costPerHour: cost ? cost.perHour : null,
    costPerMillionEvents: cost && Number.isFinite(cost.perMillionEvents) ? cost.perMillionEvents : null,
    sloViolationMinutes: sloViolationMinutes(summary, slo),
    sloP99Ms: slo,
    ...(band ? { p99Band: band } : {}),
  };
}

/** run and mode read left to right, the figures right-aligned */
const NUMBERS_AFTER_TWO_LABELS: Align[] = ['left', 'left', 'right', 'right', 'right', 'right', 'right', 'right'];

export function formatCompareTable(rows: CompareRow[], currency = 'USD'): string {
  const cur = currency === 'USD' ? '$' : `${currency} `;
  const f = (x: number | null, d: number, pre = '') => (x === null ? '—' : pre + x.toFixed(d));
  const header = [
    'run',
    'mode',
    'p50 ms',
    'p99 ms',
    'events/s',
    `${cur}/h`,
    `${cur}/M events`,
    `SLO min (p99>${rows[0]?.sloP99Ms ?? DEFAULT_SLO_P99_MS}ms)`,
  ];
  const body = rows.map((r) => [
    r.label,
    r.mode,
    f(r.p50Ms, 1),
    f(r.p99Ms, 1) + (r.p99Band ? ` (${r.p99Band[0].toFixed(1)}–${r.p99Band[1].toFixed(1)})` : ''),
    f(r.throughput, 0),
    f(r.costPerHour, 2, cur),
    f(r.costPerMillionEvents, 4, cur),
    f(r.sloViolationMinutes, 1),
  ]);
  return textTable(header, body, { align: NUMBERS_AFTER_TWO_LABELS, rule: true });
}

/**
 * A vega-lite spec comparing runs: p99 (with the SLO as a rule, and a prediction's 95 % interval
 * as a band) and cost per million events side by side, one bar per run. Plain data; render it
 * with reports' renderSvg / renderPng.
 */
export function compareChartSpec(rows: CompareRow[]): ChartSpec {
  const values = rows.map((r) => ({
    run: r.label,
    p99: r.p99Ms,
    cost: r.costPerMillionEvents,
    withinSlo: r.p99Ms !== null && r.p99Ms < r.sloP99Ms,
    ...(r.p99Band ? { p99Lo: r.p99Band[0], p99Hi: r.p99Band[1] } : {}),
  }));
  const banded = rows.some((r) => r.p99Band);
  const slo = rows[0]?.sloP99Ms ?? DEFAULT_SLO_P99_MS;
  const bar = (field: string, title: string) => ({
    width: 260,
    height: 220,
    layer: [
      {
        mark: 'bar' as const,
        encoding: {
          x: { field: 'run', type: 'nominal' as const, title: null, sort: null, axis: { labelAngle: -30 } },
          y: { field, type: 'quantitative' as const, title },
          color: {
            field: 'withinSlo',
            type: 'nominal' as const,
            title: `p99 < ${slo} ms`,
            scale: { domain: [true, false], range: ['#4c9a2a', '#c0392b'] },
          },
        },
      },
      // a prediction's 95 % interval as a band across its bar
      ...(field === 'p99' && banded
        ? [
            {
              mark: { type: 'rule' as const, strokeWidth: 2, color: '#222' },
              encoding: {
                x: { field: 'run', type: 'nominal' as const, sort: null },
                y: { field: 'p99Lo', type: 'quantitative' as const },
                y2: { field: 'p99Hi' },
              },
            },
          ]
        : []),
      ...(field === 'p99'
        ? [
            {
              data: { values: [{ slo }] },
              mark: { type: 'rule' as const, strokeDash: [4, 4] },
              encoding: { y: { field: 'slo', type: 'quantitative' as const } },
            },
          ]
        : []),
    ],
  });
  return {
    ...chartFrame('Runs compared'),
    data: { values },
    hconcat: [bar('p99', 'p99 ms'), bar('cost', '$ per million events (example prices)')],
  };
}
