/** The comparison table of an evaluation, as aligned text or Markdown (pure). */
import { textTable } from '../../results/table.ts';
import type { DetectorStreamResult } from './evaluate.ts';

const fmt = (v: number | null, digits = 1): string =>
  v === null ? '—' : Number.isInteger(v) ? String(v) : v.toFixed(digits);

const TABLE_COLUMNS = [
  'stream',
  'detector',
  'detected',
  'missed',
  'delay mean',
  'delay median',
  'delay p95',
  'FA/1e5 before onset',
  'FA/1e5',
  'MTR',
] as const;

function tableRows(results: DetectorStreamResult[]): string[][] {
  return results.map((r) =>
    r.applicable
      ? [
          r.stream,
          r.detector,
          `${r.detected}/${r.drifts}`,
          String(r.missed),
          fmt(r.delayMean),
          fmt(r.delayMedian),
          fmt(r.delayP95),
          fmt(r.falseAlarmsPer1e5BeforeOnset),
          fmt(r.falseAlarmsPer1e5),
          fmt(r.meanTimeRatio, 2),
        ]
      : [r.stream, r.detector, 'n/a (needs 0/1 input)', '', '', '', '', '', '', ''],
  );
}

export function formatTable(results: DetectorStreamResult[], style: 'text' | 'markdown' = 'text'): string {
  const rows = tableRows(results);
  if (style === 'markdown') {
    const line = (r: readonly string[]): string => `| ${r.join(' | ')} |`;
    return [line(TABLE_COLUMNS), line(TABLE_COLUMNS.map(() => '---')), ...rows.map(line)].join('\n');
  }
  return textTable(TABLE_COLUMNS, rows);
}
