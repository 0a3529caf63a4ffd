/**
 * Reading the two tables `pipelab drift compare` checks: CSV (RFC 4180: quoted fields, "" for a
 * quote, CRLF or LF, a header row) or JSON lines (one object per line). A column is numeric when
 * every non-empty value in both files is a finite number, else categorical; empty cells and
 * nulls are dropped, as Evidently drops NaN. The CSV reader is a few lines of state machine:
 * none of the installed dependencies reads CSV, and this input needs nothing more.
 */
import { readFileSync } from 'node:fs';
import { extname } from 'node:path';
import { PipelabError } from '../../errors.ts';

export interface Table {
  file: string;
  columns: string[];
  rows: Array<Record<string, unknown>>;
}

export function parseCsv(text: string): string[][] {
  const out: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  let i = 0;
  const endField = (): void => {
    row.push(field);
    field = '';
  };
  const endRow = (): void => {
    endField();
    if (!(row.length === 1 && row[0] === '')) out.push(row);
    row = [];
  };
  while (i < text.length) {
    const c = text[i] as string;
    if (quoted) {
      if (c === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i++;
        } else quoted = false;
      } else field += c;
    } else if (c === '"' && field === '') quoted = true;
    else if (c === ',') endField();
    else if (c === '\n') endRow();
    else if (c === '\r') {
      if (text[i + 1] === '\n') i++;
      endRow();
    } else field += c;
    i++;
  }
  if (quoted) throw new Error('unterminated quoted field');
  if (field !== '' || row.length) endRow();
  return out;
}

function fail(file: string, message: string, hint: string, cause?: unknown): never {
  throw new PipelabError('INVALID_INPUT_FILE', `${file}: ${message}`, { hint, cause });
}

export function readTable(file: string): Table {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    fail(
      file,
      `cannot read the file (${(e as NodeJS.ErrnoException).code ?? 'error'})`,
      'check the path; drift compare reads a CSV file (header row) or JSON lines (.jsonl/.ndjson)',
      e,
    );
  }
  const ext = extname(file).toLowerCase();
  const looksJsonl = ext === '.jsonl' || ext === '.ndjson' || (ext !== '.csv' && text.trimStart().startsWith('{'));
  if (looksJsonl) {
    const rows: Array<Record<string, unknown>> = [];
    const columns = new Set<string>();
    text.split(/\r?\n/).forEach((line, n) => {
      if (!line.trim()) return;
      let v: unknown;
      try {
        v = JSON.parse(line);
      } catch (e) {
        fail(
          file,
          `line ${n + 1} is not valid JSON`,
          'JSON lines means one JSON object per line; fix or remove that line',
          e,
        );
      }
      if (typeof v !== 'object' || v === null || Array.isArray(v))
        fail(
          file,
          `line ${n + 1} is not a JSON object`,
          'each line must be an object such as {"amount": 12.5, "country": "FR"}',
        );
      for (const k of Object.keys(v as object)) columns.add(k);
      rows.push(v as Record<string, unknown>);
    });
    if (!rows.length) fail(file, 'no rows', 'the file is empty: give at least one JSON object per line');
    return { file, columns: [...columns], rows };
  }
  let cells: string[][];
  try {
    cells = parseCsv(text);
  } catch (e) {
    fail(
      file,
      `not valid CSV (${(e as Error).message})`,
      'close every quoted field; a quote inside a quoted field is written ""',
      e,
    );
  }
  const header = cells[0];
  if (!header || cells.length < 2)
    fail(file, 'needs a header row and at least one data row', 'the first line names the columns, e.g. amount,country');
  const rows = cells.slice(1).map((r, n) => {
    if (r.length !== header.length)
      fail(
        file,
        `row ${n + 2} has ${r.length} fields, the header has ${header.length}`,
        'every row needs one field per column (quote fields that contain commas)',
      );
    const o: Record<string, unknown> = {};
    for (let c = 0; c < header.length; c++) o[header[c]!] = r[c];
    return o;
  });
  return { file, columns: header, rows };
}

const isEmpty = (v: unknown): boolean =>
  v === null || v === undefined || v === '' || (typeof v === 'number' && Number.isNaN(v));

function asNumber(v: unknown): number | null {
  if (typeof v === 'number') return Number.isFinite(v) ? v : null;
  if (typeof v === 'string' && v.trim() !== '') {
    const n = Number(v);
    return Number.isFinite(n) ? n : null;
  }
  return null;
}

export interface ColumnData {
  kind: 'numeric' | 'categorical';
  reference: number[] | string[];
  current: number[] | string[];
}

/** one column of both tables, typed and without missing values */
export function columnData(ref: Table, cur: Table, column: string): ColumnData {
  const rv = ref.rows.map((r) => r[column]).filter((v) => !isEmpty(v));
  const cv = cur.rows.map((r) => r[column]).filter((v) => !isEmpty(v));
  const numeric = [...rv, ...cv].every((v) => asNumber(v) !== null);
  if (numeric)
    return {
      kind: 'numeric',
      reference: rv.map((v) => asNumber(v) as number),
      current: cv.map((v) => asNumber(v) as number),
    };
  const str = (v: unknown): string => (typeof v === 'string' ? v : JSON.stringify(v));
  return { kind: 'categorical', reference: rv.map(str), current: cv.map(str) };
}
