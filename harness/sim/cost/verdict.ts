/**
 * Verdicts of `pipelab compare`: each figure of each run against the baseline (the first run),
 * better, worse or the same within noise. The noise of a figure comes from the runs themselves:
 * its per-second values over each run's measured window (after the warm-up) have a standard
 * deviation s and a count n, and the difference of two runs is noise while
 *
 *   |value − baseline| ≤ 2 · √(s_A²/n_A + s_B²/n_B)
 *
 * (two standard errors of a difference of means, Welch's form). SLO-violation minutes are a sum
 * of per-second 0/1 indicators, so their noise is 2 · √(n_A·s_A² + n_B·s_B²) / 60; cost per
 * million events moves with the throughput, so its noise is the throughput's relative standard
 * error carried over to each run's cost. Per-second values are autocorrelated, so this noise is
 * a lower bound: a "worse" on a short run deserves a second look before it blocks a merge. A
 * figure that does not vary from second to second (the throughput of a constant-arrival-rate
 * executor) has no spread at all: a difference within half a percent of the larger value is
 * rounding, not a change, and is judged the same too.
 */
import type { CompareFigure, CompareFigures, CompareReport, FigureVerdict, Verdict } from '../../../results/compare.ts';
import { COMPARE_SCHEMA } from '../../../results/compare.ts';
import { sloLatencyKey, violatesSlo } from '../../../results/slo.ts';
import type { RunSummary, TimePointValue } from '../../../results/types.ts';
import { version } from '../../../results/version.ts';

export const COMPARE_FIGURES: readonly CompareFigure[] = [
  'p50',
  'p99',
  'throughput',
  'costPerMillionEvents',
  'sloViolationMinutes',
  'errorRate',
];

const LOWER_IS_BETTER: Record<CompareFigure, boolean> = {
  p50: true,
  p99: true,
  throughput: false,
  costPerMillionEvents: true,
  sloViolationMinutes: true,
  errorRate: true,
};

interface Spread {
  n: number;
  mean: number;
  /** sample variance (n − 1) */
  variance: number;
}

function spread(xs: number[]): Spread {
  const n = xs.length;
  if (n === 0) return { n: 0, mean: 0, variance: 0 };
  const mean = xs.reduce((a, b) => a + b, 0) / n;
  const variance = n > 1 ? xs.reduce((a, x) => a + (x - mean) ** 2, 0) / (n - 1) : 0;
  return { n, mean, variance };
}

/** the per-second values of a figure over the measured window (cost: the throughput's) */
export function perSecond(s: RunSummary, figure: CompareFigure, sloP99Ms: number): number[] {
  const step = s.timeseries.intervalMs || 1000;
  const pts = s.timeseries.points.filter((p) => p.t >= s.warmupMs);
  const at = (p: (typeof pts)[number], k: string) => (typeof p[k] === 'object' ? (p[k] as TimePointValue) : undefined);
  const key = sloLatencyKey(pts) ?? 'latency';
  switch (figure) {
    case 'p50':
    case 'p99':
      return pts.flatMap((p) => {
        const v = at(p, key);
        return v?.count && v[figure] !== undefined ? [v[figure]!] : [];
      });
    case 'throughput':
    case 'costPerMillionEvents': {
      const counter = 'events_processed' in s.metrics ? 'events_processed' : 'iterations';
      return pts.map((p) => ((at(p, counter)?.count ?? 0) * 1000) / step);
    }
    case 'errorRate':
      return pts.flatMap((p) => {
        const v = at(p, 'errors');
        return v?.count ? [v.value ?? 0] : [];
      });
    case 'sloViolationMinutes':
      return pts.map((p) => (violatesSlo(at(p, key), sloP99Ms) ? 1 : 0));
  }
}

const figureOf = (row: CompareFigures & { errorRate: number | null }, f: CompareFigure): number | null =>
  f === 'p50' ? row.p50Ms : f === 'p99' ? row.p99Ms : row[f];

function noiseOf(f: CompareFigure, a: Spread, b: Spread, va: number, vb: number): number {
  if (f === 'sloViolationMinutes') return (2 * Math.sqrt(a.n * a.variance + b.n * b.variance)) / 60;
  const se2 = (x: Spread) => (x.n > 0 ? x.variance / x.n : 0);
  if (f === 'costPerMillionEvents') {
    const rel = (x: Spread) => (x.mean > 0 ? Math.sqrt(se2(x)) / x.mean : 0);
    return 2 * Math.sqrt((va * rel(a)) ** 2 + (vb * rel(b)) ** 2);
  }
  return 2 * Math.sqrt(se2(a) + se2(b));
}

/** differences within this share of the larger value are the same (rounding, measured durations) */
const RESOLUTION = 0.005;

function judge(f: CompareFigure, a: number, b: number, noise: number): Verdict {
  const delta = b - a;
  if (Math.abs(delta) <= Math.max(noise, RESOLUTION * Math.max(Math.abs(a), Math.abs(b)))) return 'same';
  return delta < 0 === LOWER_IS_BETTER[f] ? 'better' : 'worse';
}

export interface CompareInput {
  label: string;
  summary: RunSummary;
  row: CompareFigures;
}

/** every run's figures and each later run's verdicts against the first; `gate` adds the --fail-on check */
export function compareReport(
  runs: CompareInput[],
  opts: { sloP99Ms: number; currency: string; gate?: { failOn: 'worse'; figures?: CompareFigure[] } },
): CompareReport {
  const rows = runs.map(({ summary, row }) => {
    const e = summary.metrics.errors;
    return { ...row, errorRate: e?.type === 'rate' ? e.rate : null };
  });
  const base = runs[0]!;
  const verdicts: FigureVerdict[] = [];
  for (let i = 1; i < runs.length; i++)
    for (const f of COMPARE_FIGURES) {
      const a = figureOf(rows[0]!, f);
      const b = figureOf(rows[i]!, f);
      if (a === null || b === null) {
        const missing = a === null ? base.label : runs[i]!.label;
        verdicts.push({
          figure: f,
          run: runs[i]!.label,
          baseline: a,
          value: b,
          delta: null,
          noise: null,
          verdict: 'n/a',
          note: `${missing} has no ${f}`,
        });
        continue;
      }
      const sa = spread(perSecond(base.summary, f, opts.sloP99Ms));
      const sb = spread(perSecond(runs[i]!.summary, f, opts.sloP99Ms));
      const noise = noiseOf(f, sa, sb, a, b);
      const delta = b - a;
      verdicts.push({
        figure: f,
        run: runs[i]!.label,
        baseline: a,
        value: b,
        delta,
        noise,
        verdict: judge(f, a, b, noise),
      });
    }
  const report: CompareReport = {
    schema: COMPARE_SCHEMA,
    harness: { name: 'pipelab', version },
    baseline: base.label,
    sloP99Ms: opts.sloP99Ms,
    currency: opts.currency,
    runs: rows,
    verdicts,
  };
  if (opts.gate) {
    const figures = opts.gate.figures ?? [...COMPARE_FIGURES];
    report.gate = {
      failOn: 'worse',
      figures,
      failed: verdicts.filter((v) => v.verdict === 'worse' && figures.includes(v.figure)),
    };
  }
  return report;
}
