/**
 * What the registry keeps beside each trend histogram: exact running figures (HDR rounds
 * min/max/mean to 0.1 %), and the TrendData of summary.json built from both.
 */
import type { Histogram } from 'hdr-histogram-js';
import { encodeHistogram } from '../../results/hdr.ts';
import type { TrendData } from '../../results/types.ts';

/** exact running figures kept beside a histogram (HDR rounds min/max/mean to 0.1 %) */
export interface Moments {
  count: number;
  sum: number;
  sumSq: number;
  min: number;
  max: number;
}
export const emptyMoments = (): Moments => ({ count: 0, sum: 0, sumSq: 0, min: Infinity, max: -Infinity });
export function addMoments(into: Moments, from: Moments): void {
  into.count += from.count;
  into.sum += from.sum;
  into.sumSq += from.sumSq;
  if (from.min < into.min) into.min = from.min;
  if (from.max > into.max) into.max = from.max;
}

/**
 * TrendData from a histogram plus exact moments (ms). Empty trends report count 0 and zeros
 * (JSON has no NaN); thresholds treat count 0 as "no data".
 */
export function trendData(h: Histogram, m: Moments): TrendData {
  const n = m.count;
  const p = (q: number) => (n === 0 ? 0 : h.getValueAtPercentile(q) / 1000);
  const mean = n === 0 ? 0 : m.sum / n;
  const variance = n === 0 ? 0 : Math.max(0, m.sumSq / n - mean * mean);
  return {
    type: 'trend',
    unit: 'ms',
    count: n,
    min: n === 0 ? 0 : m.min,
    max: n === 0 ? 0 : m.max,
    mean,
    stdev: Math.sqrt(variance),
    p50: p(50),
    p90: p(90),
    p95: p(95),
    p99: p(99),
    'p99.9': p(99.9),
    hdr: encodeHistogram(h),
  };
}
