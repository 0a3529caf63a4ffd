/**
 * How sure a prediction is. One simulated run is one draw: its p99 moves with the seed. With
 * `replications: n` a prediction runs n seeds and reports each figure's mean with a 95 %
 * confidence interval (Student's t over the replications), and says when it extrapolates: a rate
 * far from the one the calibration measured. The calibration run's own sampling error (its
 * histograms are one finite run) is not in the interval: docs/simulation.md, known gaps.
 */
/** the figures a prediction gives (calibrate.ts's Prediction, structurally) */
interface Figures {
  p50: number;
  p99: number;
  mean: number;
  throughput: number;
}
export interface Interval {
  replications: number;
  p50: [number, number];
  p99: [number, number];
  throughput: [number, number];
}

/** 95 % two-sided Student's t quantiles by degrees of freedom (1–30), then the normal's 1.96 */
const T95 = [
  12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.16, 2.145, 2.131, 2.12, 2.11,
  2.101, 2.093, 2.086, 2.08, 2.074, 2.069, 2.064, 2.06, 2.056, 2.052, 2.048, 2.045, 2.042,
];

/** the mean of xs and its 95 % confidence interval */
export function meanInterval(xs: readonly number[]): { mean: number; lo: number; hi: number } {
  const n = xs.length;
  const mean = xs.reduce((a, b) => a + b, 0) / n;
  if (n < 2) return { mean, lo: mean, hi: mean };
  const sd = Math.sqrt(xs.reduce((a, x) => a + (x - mean) ** 2, 0) / (n - 1));
  const h = (T95[n - 2] ?? 1.96) * (sd / Math.sqrt(n));
  return { mean, lo: mean - h, hi: mean + h };
}

/** rates within this factor of the calibration run's are interpolation; beyond, the prediction says so */
const CALIBRATED_RANGE_FACTOR = 2;

/** a sentence when `rate` is outside the calibrated range, else undefined */
export function extrapolationNote(calibratedRate: number, rate: number): string | undefined {
  const r = rate / calibratedRate;
  if (r <= CALIBRATED_RANGE_FACTOR && r >= 1 / CALIBRATED_RANGE_FACTOR) return undefined;
  return (
    `${rate}/s is ${r >= 1 ? `${r.toFixed(1)}×` : `1/${(1 / r).toFixed(1)} of`} the calibration rate ` +
    `(${calibratedRate}/s): outside the calibrated range, an extrapolation — calibrate nearer, or on several rates`
  );
}

/** `replications` seeds (from options.seed, default 1) of `one`; figures are their means, with intervals */
export function replicate<O extends { seed?: number }, P extends Figures>(
  one: (o: O) => P,
  options: O,
  replications: number,
): P & { interval: Interval } {
  const base = options.seed ?? 1;
  const runs = Array.from({ length: replications }, (_, i) => one({ ...options, seed: base + i }));
  const p50 = meanInterval(runs.map((r) => r.p50));
  const p99 = meanInterval(runs.map((r) => r.p99));
  const throughput = meanInterval(runs.map((r) => r.throughput));
  const mean = meanInterval(runs.map((r) => r.mean));
  return {
    ...runs[0]!,
    p50: p50.mean,
    p99: p99.mean,
    mean: mean.mean,
    throughput: throughput.mean,
    interval: {
      replications,
      p50: [p50.lo, p50.hi],
      p99: [p99.lo, p99.hi],
      throughput: [throughput.lo, throughput.hi],
    },
  };
}
