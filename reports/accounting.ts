/**
 * The event-accounting tally of a pipeline or kafka run (summary.extra.accounting, written by
 * the `pipeline` and `kafka` targets) as table rows for the Markdown and HTML reports. Reads result data only;
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

type Row = [string, string, string];

/** the kafka target's tally: each produced event expected once on every results topic */
function kafkaRows(a: Tally, row: (label: string, key: string, note?: string) => Row): Row[] {
  const byTopic = (a.byTopic ?? {}) as Record<string, Tally>;
  const perTopic = (k: string) =>
    Object.entries(byTopic)
      .map(([t, v]) => `${t} ${fmtNum(num(v[k]) ?? 0)}`)
      .join(', ');
  const sample = Object.values(byTopic).flatMap((v) => (v.missingSample as string[] | undefined) ?? []);
  const rows: Row[] = [
    ['produced', fmtNum(num(a.produced) ?? 0), 'acknowledged by the broker'],
    row('matched', 'matched', perTopic('matched')),
    row(
      'missing',
      'missing',
      (num(a.missing) ?? 0) > 0
        ? `e.g. ${sample.slice(0, 3).join(', ')}`
        : `after a drain of ${fmtNum(num(a.drainMs) ?? 0)} ms`,
    ),
    row('duplicates', 'duplicates', 'a second result for an event already matched'),
  ];
  if (num(a.foreign)) rows.push(['foreign results', fmtNum(num(a.foreign) ?? 0), 'ids this run did not produce']);
  if (num(a.produceFailed)) rows.push(row('produce failed', 'produceFailed', 'never reached the broker'));
  return rows;
}

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
  const incomplete: Row[] =
    typeof a.incomplete === 'string' ? [['INCOMPLETE', 'partial figures', a.incomplete as string]] : [];
  if (num(a.matched) !== undefined) return [...incomplete, ...kafkaRows(a, row)];
  const rows: Array<[string, string, string]> = [
    ...incomplete,
    ['produced', fmtNum(produced), `${fmtNum(num(a.malformedProduced) ?? 0)} deliberately malformed`],
    row('decided', 'decided', counts(a.bySource)),
    row('dead-lettered', 'deadLettered', counts(a.deadLetterReasons)),
    a.missing === null
      ? ['missing', 'unknown', 'the books never closed']
      : row(
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
  rows.push(...windowRows(a.windows as Tally | undefined));
  rows.push(...userEventRows(a.userEvents as Tally | undefined));
  const g = (s.extra as Record<string, unknown>).guarantee;
  if (typeof g === 'string') rows.unshift(['guarantee', g, guaranteeNote(g)]);
  return rows;
}

function guaranteeNote(g: string): string {
  return g === 'exactly-once'
    ? "each chunk's results, offsets and window state in one transaction; results read committed"
    : 'results acknowledged, then offsets committed: a crash redelivers (duplicates counted)';
}

/** the transaction windows against the ground truth of the decided transactions */
function windowRows(w: Tally | undefined): Row[] {
  if (!w || typeof w !== 'object' || num(w.windows) === undefined) return [];
  const n = (k: string) => fmtNum(num(w[k]) ?? 0);
  const off = num(w.mismatched) ?? 0;
  const note = off
    ? `${n('mismatched')} windows off: ${n('over')} events counted twice, ${n('under')} missing; ` +
      `e.g. ${((w.sample as string[] | undefined) ?? []).slice(0, 2).join(', ')}`
    : `every window equals the ground truth (${n('events')} events in ${n('windows')} windows)`;
  return [['window counts exact', w.exact === true ? 'yes' : 'no', note]];
}

/** the user-behaviour step's books (pipeline target with userEvents): windows, late, ground truth */
function userEventRows(u: Tally | undefined): Row[] {
  if (!u || typeof u !== 'object' || num(u.produced) === undefined) return [];
  const n = (k: string) => fmtNum(num(u[k]) ?? 0);
  const t = u.truth as Tally | undefined;
  const truth = t
    ? `sent ${fmtNum(num(t.late) ?? 0)} late (${fmtNum(num(t.beyondLateness) ?? 0)} beyond the allowed lateness, ` +
      `max ${fmtNum(num(t.maxLagMs) ?? 0)} ms), ${fmtNum(num(t.outOfOrder) ?? 0)} out of order`
    : 'none sent late';
  const rows: Row[] = [
    ['user events produced', n('produced'), truth],
    ['user events in windows', n('windowed'), `${n('windowsObserved')} user-behaviour window aggregates`],
    ['user events dead-lettered', n('deadLettered'), counts(u.deadLetterReasons)],
    ['user events missing', n('missing'), 'neither in a window nor dead-lettered'],
  ];
  if (num(u.excess)) rows.push(['user events counted twice', n('excess'), 'in windows or dead letters once too often']);
  return rows;
}

/** the sentence above the accounting table: what "accounted for" means for this run's target */
export function accountingLead(s: RunSummary): string {
  const a = (s.extra as Record<string, unknown> | undefined)?.accounting as Tally | undefined;
  return a && num(a.matched) !== undefined
    ? 'Every produced event is expected once on every results topic: matched, or missing after the drain.'
    : 'Every produced event id ends as decided, dead-lettered or missing.';
}
