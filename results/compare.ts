/**
 * `pipelab compare --out DIR` (compare.json): each run's figures, and a verdict per figure of
 * every run against the baseline (the first run): better, worse, or the same within noise. The
 * noise comes from the two runs' own per-second spread (harness/sim/cost/verdict.ts, documented
 * in docs/reports.md). Written by the CLI, rendered by reports/compare.ts.
 */
export const COMPARE_SCHEMA = 'pipelab.compare/v1' as const;

/** one run's row: the same figures `pipelab compare` prints */
export interface CompareFigures {
  label: string;
  mode: string;
  p50Ms: number | null;
  p99Ms: number | null;
  /** processed events per second over the measured window */
  throughput: number | null;
  costPerHour: number | null;
  costPerMillionEvents: number | null;
  /** seconds whose p99 exceeded the SLO, in minutes */
  sloViolationMinutes: number | null;
  sloP99Ms: number;
  /** a prediction's 95 % interval of p99 (a calibrated prediction with replications), drawn as a band */
  p99Band?: [number, number];
}

export type CompareFigure = 'p50' | 'p99' | 'throughput' | 'costPerMillionEvents' | 'sloViolationMinutes' | 'errorRate';
export type Verdict = 'better' | 'worse' | 'same' | 'n/a';

export interface FigureVerdict {
  figure: CompareFigure;
  /** the run compared with the baseline */
  run: string;
  baseline: number | null;
  value: number | null;
  /** value − baseline */
  delta: number | null;
  /** the difference below which the two are the same: 2 × the standard error from both runs' per-second spread */
  noise: number | null;
  verdict: Verdict;
  /** why n/a, when it is */
  note?: string;
}

export interface CompareReport {
  schema: typeof COMPARE_SCHEMA;
  harness: { name: 'pipelab'; version: string };
  /** label of the first run: every other run is judged against it */
  baseline: string;
  sloP99Ms: number;
  currency: string;
  runs: (CompareFigures & { errorRate: number | null })[];
  verdicts: FigureVerdict[];
  /** `--fail-on worse`: the figures that failed the gate (empty: it passed, or no gate) */
  gate?: { failOn: 'worse'; figures: CompareFigure[]; failed: FigureVerdict[] };
}
