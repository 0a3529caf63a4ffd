/**
 * Column drift and dataset drift the way Evidently's DataDriftPreset decides them by default.
 *
 * Default method per column (n_unique counted over reference ∪ current):
 *   reference ≤ 1000 rows: numeric with > 5 unique → KS (drift if p ≤ 0.05);
 *                          otherwise chi-square if > 2 unique (p < 0.05), else the
 *                          two-proportion z-test (p < 0.05).
 *   reference > 1000 rows: numeric with > 5 unique → Wasserstein normed (≥ 0.1);
 *                          otherwise Jensen–Shannon distance (≥ 0.1).
 * Dataset drift when the share of drifted columns ≥ 0.5.
 */
import { ks2samp } from './ks.ts';
import { wassersteinNormed } from './wasserstein.ts';
import { psi, type PsiBinning } from './psi.ts';
import { jensenShannon } from './jensen-shannon.ts';
import { chiSquare } from './chisquare.ts';
import { proportionsZTest } from './ztest.ts';

export type DriftMethod = 'ks' | 'wasserstein' | 'psi' | 'js' | 'chisquare' | 'z';
export type ColumnKind = 'numeric' | 'categorical';

/** Evidently's default thresholds per method */
export const DEFAULT_THRESHOLDS: Record<DriftMethod, number> = {
  ks: 0.05,
  chisquare: 0.05,
  z: 0.05,
  wasserstein: 0.1,
  psi: 0.1,
  js: 0.1,
};

/** dataset drift when drifted columns / columns ≥ this */
export const DEFAULT_DRIFT_SHARE = 0.5;

export interface ColumnDrift {
  column: string;
  kind: ColumnKind;
  method: DriftMethod;
  /** KS D, chi-square χ², z, normed W1, PSI or JS distance */
  statistic: number;
  /** for ks, chisquare and z; null for distances */
  pvalue: number | null;
  threshold: number;
  drift: boolean;
  /** extra facts: raw W1, PSI binning, KS exact/asymp */
  detail?: Record<string, number | string>;
}

function uniqueCount(a: ArrayLike<unknown>, b: ArrayLike<unknown>): number {
  const s = new Set<unknown>();
  for (let i = 0; i < a.length; i++) s.add(a[i]);
  for (let i = 0; i < b.length; i++) s.add(b[i]);
  return s.size;
}

export function defaultMethod(kind: ColumnKind, referenceSize: number, nUnique: number): DriftMethod {
  if (referenceSize <= 1000) {
    if (kind === 'numeric' && nUnique > 5) return 'ks';
    return nUnique > 2 ? 'chisquare' : 'z';
  }
  if (kind === 'numeric' && nUnique > 5) return 'wasserstein';
  return 'js';
}

export interface ColumnDriftOptions {
  method?: DriftMethod | 'auto';
  threshold?: number;
  psiBinning?: PsiBinning;
}

export function columnDrift(
  column: string,
  kind: ColumnKind,
  reference: ArrayLike<number | string>,
  current: ArrayLike<number | string>,
  opts: ColumnDriftOptions = {},
): ColumnDrift {
  const method =
    !opts.method || opts.method === 'auto'
      ? defaultMethod(kind, reference.length, uniqueCount(reference, current))
      : opts.method;
  const threshold = opts.threshold ?? DEFAULT_THRESHOLDS[method];
  const numeric = kind === 'numeric';
  switch (method) {
    case 'ks': {
      const r = ks2samp(reference as ArrayLike<number>, current as ArrayLike<number>);
      return {
        column,
        kind,
        method,
        statistic: r.statistic,
        pvalue: r.pvalue,
        threshold,
        drift: r.pvalue <= threshold,
        detail: { pvalueMethod: r.method },
      };
    }
    case 'wasserstein': {
      const r = wassersteinNormed(reference as ArrayLike<number>, current as ArrayLike<number>);
      return {
        column,
        kind,
        method,
        statistic: r.normed,
        pvalue: null,
        threshold,
        drift: r.normed >= threshold,
        detail: { w1: r.distance },
      };
    }
    case 'psi': {
      const r = psi(reference, current, { numeric, binning: opts.psiBinning ?? 'evidently' });
      return {
        column,
        kind,
        method,
        statistic: r.statistic,
        pvalue: null,
        threshold,
        drift: r.statistic >= threshold,
        detail: { binning: r.shares.binning, bins: r.shares.reference.length },
      };
    }
    case 'js': {
      const r = jensenShannon(reference, current, { numeric });
      return {
        column,
        kind,
        method,
        statistic: r.statistic,
        pvalue: null,
        threshold,
        drift: r.statistic >= threshold,
        detail: { binning: r.shares.binning },
      };
    }
    case 'chisquare': {
      const r = chiSquare(reference, current);
      return {
        column,
        kind,
        method,
        statistic: r.statistic,
        pvalue: r.pvalue,
        threshold,
        drift: r.pvalue < threshold,
        detail: { df: r.df },
      };
    }
    case 'z': {
      const r = proportionsZTest(reference, current);
      return { column, kind, method, statistic: r.statistic, pvalue: r.pvalue, threshold, drift: r.pvalue < threshold };
    }
  }
}

export interface DatasetDrift {
  columns: ColumnDrift[];
  driftedColumns: number;
  share: number;
  driftShare: number;
  datasetDrift: boolean;
}

export function datasetDrift(columns: ColumnDrift[], driftShare = DEFAULT_DRIFT_SHARE): DatasetDrift {
  const drifted = columns.filter((c) => c.drift).length;
  const share = columns.length ? drifted / columns.length : 0;
  return {
    columns,
    driftedColumns: drifted,
    share,
    driftShare,
    datasetDrift: columns.length > 0 && share >= driftShare,
  };
}
