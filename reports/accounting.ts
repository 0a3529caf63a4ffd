/**
 * The event-accounting tally of a pipeline run (summary.extra.accounting, written by the
 * `pipeline` target) as table rows for the Markdown and HTML reports. Reads result data only;
 * anything not shaped like a tally gives no rows.
 */
import type { RunSummary } from '../results/types.ts';
import { fmtNum } from './format.ts';

type Tally = Record<string, unknown>;

const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);
const counts = (v: unknown): string =>
  v && typeof v === 'object'
    ? Object.entries(v as Record<string, unknown>)
        .map(([k, n]) => `${k} ${fmtNum(num(n) ?? 0)}`)
        .join(', ')
    : '';

/** [label, value, note] rows, or [] when the run has no accounting */
export function accountingRows(s: RunSummary): Array<[string, string, string]> {
  const a = (s.extra as Record<string, unknown> | undefined)?.accounting as Tally | undefined;
  if (!a || typeof a !== 'object' || num(a.produced) === undefined) return [];
  const produced = num(a.produced) ?? 0;
  const pct = (n: number) => (produced ? ` (${((100 * n) / produced).toFixed(2)} %)` : '');
  const row = (label: string, key: string, note = ''): [string, string, string] => [
    label,
    fmtNum(num(a[key]) ?? 0) + pct(num(a[key]) ?? 0),
    note,
  ];
  const rows: Array<[string, string, string]> = [
    ['produced', fmtNum(produced), `${fmtNum(num(a.malformedProduced) ?? 0)} deliberately malformed`],
    row('decided', 'decided', counts(a.bySource)),
    row('dead-lettered', 'deadLettered', counts(a.deadLetterReasons)),
    row(
      'missing',
      'missing',
      (num(a.missing) ?? 0) > 0
        ? `e.g. ${(a.missingSample as string[] | undefined)?.slice(0, 3).join(', ') ?? ''}`
        : `after a drain of ${fmtNum(num(a.drainMs) ?? 0)} ms`,
    ),
    row('duplicates', 'duplicates', 'results for an id that had already ended'),
  ];
  if (num(a.produceFailed)) rows.push(row('produce failed', 'produceFailed', 'never reached the broker'));
  if (num(a.foreign)) rows.push(['foreign results', fmtNum(num(a.foreign) ?? 0), 'ids this run did not produce']);
  if (a.byModelVersion && Object.keys(a.byModelVersion).length)
    rows.push(['decisions by model version', counts(a.byModelVersion), '']);
  if (num(a.windowsObserved))
    rows.push([
      'window aggregates',
      fmtNum(num(a.windowsObserved) ?? 0),
      `covering ${fmtNum(num(a.aggregatedEvents) ?? 0)} events`,
    ]);
  return rows;
}
