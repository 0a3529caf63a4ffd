/**
 * The everyday check, as Evidently runs it on two data frames: per column, the default (or a
 * chosen) method, its statistic, p-value where it has one, threshold and verdict; then the
 * dataset verdict (share of drifted columns ≥ 0.5). `compareTables` works on data in memory
 * (notebooks); `compareFiles` reads CSV / JSON lines (the CLI).
 */
import { PipelabError } from '../../errors.ts';
import { columnDrift, datasetDrift, type ColumnDrift, type DriftMethod } from '../../pipeline/drift/batch/evidently.ts';
import type { PsiBinning } from '../../pipeline/drift/batch/psi.ts';
import { textTable } from '../../results/table.ts';
import { columnData, readTable, type Table } from './tabular.ts';

export type CompareMethod = 'auto' | Exclude<DriftMethod, 'z'>;
export const COMPARE_METHODS: readonly CompareMethod[] = ['auto', 'ks', 'psi', 'wasserstein', 'js', 'chisquare'];

export interface CompareOptions {
  method?: CompareMethod;
  columns?: string[];
  threshold?: number;
  driftShare?: number;
  psiBinning?: PsiBinning;
}

export interface CompareReport {
  reference: { file: string; rows: number };
  current: { file: string; rows: number };
  method: CompareMethod;
  columns: ColumnDrift[];
  driftedColumns: number;
  share: number;
  driftShare: number;
  datasetDrift: boolean;
}

const NUMERIC_ONLY: ReadonlySet<CompareMethod> = new Set(['ks', 'wasserstein']);
const CATEGORICAL_ONLY: ReadonlySet<CompareMethod> = new Set(['chisquare']);

export function compareTables(ref: Table, cur: Table, opts: CompareOptions = {}): CompareReport {
  const method = opts.method ?? 'auto';
  if (!COMPARE_METHODS.includes(method)) {
    throw new PipelabError('INVALID_ARGUMENT', `unknown method '${method}'`, {
      hint: `use one of ${COMPARE_METHODS.join(', ')}`,
    });
  }
  const columns = opts.columns ?? ref.columns.filter((c) => cur.columns.includes(c));
  if (opts.columns) {
    for (const c of opts.columns) {
      for (const t of [ref, cur]) {
        if (!t.columns.includes(c)) {
          throw new PipelabError('INVALID_ARGUMENT', `${t.file}: no column '${c}'`, {
            hint: `its columns are: ${t.columns.join(', ')}; fix --columns`,
          });
        }
      }
    }
  } else if (!columns.length) {
    throw new PipelabError('INVALID_INPUT_FILE', `${ref.file} and ${cur.file} share no column`, {
      hint: 'both files need the same column names (header row / JSON keys)',
    });
  }
  const results = columns.map((c) => {
    const d = columnData(ref, cur, c);
    for (const [file, vals] of [
      [ref.file, d.reference],
      [cur.file, d.current],
    ] as const) {
      if (!vals.length)
        throw new PipelabError('INVALID_INPUT_FILE', `${file}: column '${c}' has no values`, {
          hint: `fill the column or leave it out with --columns`,
        });
    }
    if (d.kind === 'categorical' && NUMERIC_ONLY.has(method)) {
      throw new PipelabError('INVALID_ARGUMENT', `column '${c}' is categorical: method '${method}' needs numbers`, {
        hint: `use --method auto, psi, js or chisquare, or leave the column out with --columns`,
      });
    }
    if (
      d.kind === 'numeric' &&
      CATEGORICAL_ONLY.has(method) &&
      new Set([...d.reference, ...d.current] as number[]).size > 50
    ) {
      // chi-square on a continuous column is legal but meaningless: say so instead of guessing
      throw new PipelabError(
        'INVALID_ARGUMENT',
        `column '${c}' is numeric with many distinct values: chi-square needs categories`,
        { hint: 'use --method auto, ks, wasserstein, psi or js, or leave the column out with --columns' },
      );
    }
    return columnDrift(c, d.kind, d.reference, d.current, {
      method,
      ...(opts.threshold !== undefined ? { threshold: opts.threshold } : {}),
      ...(opts.psiBinning ? { psiBinning: opts.psiBinning } : {}),
    });
  });
  const ds = datasetDrift(results, opts.driftShare);
  return {
    reference: { file: ref.file, rows: ref.rows.length },
    current: { file: cur.file, rows: cur.rows.length },
    method,
    columns: ds.columns,
    driftedColumns: ds.driftedColumns,
    share: ds.share,
    driftShare: ds.driftShare,
    datasetDrift: ds.datasetDrift,
  };
}

export function compareFiles(referenceFile: string, currentFile: string, opts: CompareOptions = {}): CompareReport {
  return compareTables(readTable(referenceFile), readTable(currentFile), opts);
}

/** `--json`: a stable key order, non-finite numbers as strings */
export function compareReportJson(r: CompareReport): string {
  const n = (v: number | null): number | string | null => (v === null ? null : Number.isFinite(v) ? v : String(v));
  const out = {
    reference: r.reference,
    current: r.current,
    method: r.method,
    columns: r.columns.map((c) => ({
      column: c.column,
      kind: c.kind,
      method: c.method,
      statistic: n(c.statistic),
      pvalue: n(c.pvalue),
      threshold: c.threshold,
      drift: c.drift,
      ...(c.detail ? { detail: c.detail } : {}),
    })),
    dataset: {
      driftedColumns: r.driftedColumns,
      columns: r.columns.length,
      share: r.share,
      driftShare: r.driftShare,
      drift: r.datasetDrift,
    },
  };
  return JSON.stringify(out, null, 2);
}

const METHOD_LABEL: Record<DriftMethod, string> = {
  ks: 'K-S p-value',
  chisquare: 'chi-square p-value',
  z: 'Z-test p-value',
  wasserstein: 'Wasserstein (normed)',
  psi: 'PSI',
  js: 'Jensen-Shannon distance',
};

export function formatCompareReport(r: CompareReport): string {
  const g = (v: number | null): string =>
    v === null
      ? '—'
      : !Number.isFinite(v)
        ? String(v)
        : Math.abs(v) !== 0 && (Math.abs(v) < 1e-4 || Math.abs(v) >= 1e6)
          ? v.toExponential(3)
          : v.toFixed(4);
  const lines = [
    textTable(
      ['column', 'type', 'method', 'statistic', 'p-value', 'threshold', 'drift'],
      r.columns.map((c) => [
        c.column,
        c.kind,
        METHOD_LABEL[c.method],
        g(c.statistic),
        g(c.pvalue),
        String(c.threshold),
        c.drift ? 'DRIFT' : 'no',
      ]),
      { rule: true },
    ),
  ];
  lines.push('');
  lines.push(
    `reference: ${r.reference.file} (${r.reference.rows} rows)   current: ${r.current.file} (${r.current.rows} rows)`,
  );
  lines.push(
    `dataset drift: ${r.datasetDrift ? 'YES' : 'no'} — ${r.driftedColumns} of ${r.columns.length} columns ` +
      `drifted (share ${r.share.toFixed(2)}, threshold ${r.driftShare})`,
  );
  return lines.join('\n');
}
