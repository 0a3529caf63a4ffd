/**
 * The fault timeline (summary.faults) and the delivery checkers' findings (summary.extra.delivery)
 * for the reports: table rows for the console, Markdown and HTML, and the labelled bands every
 * time chart draws where a fault was active. Reads result data only.
 */
import type { DeliveryReport } from '../results/delivery.ts';
import type { FaultRecord, RunSummary } from '../results/types.ts';
import { fmtMs, fmtNum } from './format.ts';

type Row = [string, string, string];

const DELIVERY_ROWS: [keyof DeliveryReport['samples'], string, string][] = [
  ['lost', 'lost', 'acknowledged, never observed'],
  ['duplicated', 'duplicated', 'observed more than once'],
  ['unseen', 'unseen', 'never acknowledged, never observed (not a loss)'],
  ['orderViolations', 'per-key order violations', 'observed before an earlier event of its key'],
  ['offsetGaps', 'offset gaps', 'source offsets never observed inside the observed range'],
  ['nonMonotonicOffsets', 'non-monotonic offsets', 'an offset not above the last one of its partition'],
];

/** [finding, count, samples] rows, or [] when the run has no delivery checks */
export function deliveryRows(s: RunSummary): Row[] {
  const d = (s.extra as { delivery?: DeliveryReport } | undefined)?.delivery;
  if (!d || typeof d.acked !== 'number') return [];
  const rows: Row[] = [['acknowledged', fmtNum(d.acked), 'sends the broker acknowledged']];
  for (const [k, label, what] of DELIVERY_ROWS) {
    const n = d[k];
    const eg = d.samples?.[k]?.slice(0, 3) ?? [];
    rows.push([label, fmtNum(n), n > 0 && eg.length ? `e.g. ${eg.join('; ')}` : what]);
  }
  if (d.recovered) rows.push(['recovered', fmtNum(d.recovered), 'not acknowledged, observed anyway']);
  if (d.unexpected) rows.push(['unexpected', fmtNum(d.unexpected), 'observed, never sent by this run']);
  return rows;
}

const span = (a?: number, b?: number): string =>
  a === undefined ? 'never started' : `${fmtMs(a)} → ${b === undefined ? 'end' : fmtMs(b)}`;

/** the SLA impact of a fault in one phrase */
function impactOf(f: FaultRecord): string {
  const i = f.impact;
  if (!i) return '';
  const p99 = i.p99DuringMs === null ? 'no samples' : fmtMs(i.p99DuringMs);
  const rec = i.recovered ? `recovered ${fmtMs(i.timeToRecoverMs ?? 0)} after` : 'not recovered by the end';
  return ` — p99 during ${p99}, ${i.minutesOverSla.toFixed(2)} min over the ${fmtMs(i.sloP99Ms)} SLA, ${rec}`;
}

/** [label, when, what it hit and its SLA impact] per fault, or [] when the scenario had none */
export function faultRows(s: RunSummary): Row[] {
  return (s.faults ?? []).map((f) => [
    `#${f.index} ${f.label}`,
    span(f.startedMs, f.endedMs),
    f.error ? `error: ${f.error}` : `${f.hit.join('; ')}${impactOf(f)}`,
  ]);
}

/** a shaded band with its label at the top for every fault that took effect (vega-lite layers) */
export function faultBandLayers(s: RunSummary): object[] {
  const end = s.durationMs / 1000;
  const values = (s.faults ?? [])
    .filter((f) => f.startedMs !== undefined)
    .map((f) => {
      const from = (f.startedMs as number) / 1000;
      // an instant fault (a kill, a flush) still gets a visible band
      const to = Math.max(f.endedMs === undefined ? end : f.endedMs / 1000, from + Math.max(0.25, end / 200));
      return { from, to, label: `#${f.index} ${f.label}` };
    });
  if (!values.length) return [];
  return [
    {
      data: { values },
      mark: { type: 'rect', color: '#f58518', opacity: 0.15 },
      encoding: { x: { field: 'from', type: 'quantitative' }, x2: { field: 'to' } },
    },
    {
      data: { values },
      mark: { type: 'text', align: 'left', baseline: 'top', dx: 2, dy: 2, fontSize: 9, color: '#b35806' },
      encoding: { x: { field: 'from', type: 'quantitative' }, y: { value: 0 }, text: { field: 'label' } },
    },
  ];
}
