/**
 * CONTRACT between the metrics module (harness/metrics/index.ts) and its users (executors,
 * targets, runner, thresholds, simulator). Interfaces only; the implementation lives beside it.
 *
 * Conventions (k6-like):
 * - metric names are snake_case: `latency`, `iterations`, `errors`, `dropped_iterations`, `vus`,
 *   `e2e_latency`, `stage_features`, ...
 * - tags are string→string; a sample recorded with tags also counts toward the untagged metric,
 *   and toward the sub-metric `name{k:v}` when a threshold or report asks for that filter.
 * - trends take milliseconds (float) and store integer microseconds in an HDR histogram
 *   (hdr-histogram-js, 3 significant digits, 1 µs .. 1 h, values above clamp to the max).
 * - time is given by the caller (`nowMs`, ms since run start) so a virtual clock works.
 */
import type { MetricData, MetricType, TimePoint } from '../../results/types.ts';

export type Tags = Readonly<Record<string, string>>;

export interface TrendMetric {
  readonly name: string;
  /** record one value in ms at run time nowMs */
  add(valueMs: number, nowMs: number, tags?: Tags): void;
}
export interface CounterMetric {
  readonly name: string;
  add(n: number, nowMs: number, tags?: Tags): void;
}
export interface RateMetric {
  readonly name: string;
  /** a true sample counts toward the rate (k6: non-zero) */
  add(sample: boolean, nowMs: number, tags?: Tags): void;
}
export interface GaugeMetric {
  readonly name: string;
  set(value: number, nowMs: number, tags?: Tags): void;
}

export interface MetricsRegistry {
  trend(name: string): TrendMetric;
  counter(name: string): CounterMetric;
  rate(name: string): RateMetric;
  gauge(name: string): GaugeMetric;
  /** names and types of everything registered so far */
  list(): { name: string; type: MetricType }[];
  /**
   * Track sub-metric `name{k:v,...}` (a tag filter). Must be called before samples arrive
   * (thresholds and reports declare what they need at setup). Returns the key used in results.
   */
  track(name: string, filter: Tags): string;
  /**
   * Samples before this run time are warm-up: they are kept out of the summary figures and
   * out of threshold evaluation, but still appear in the time series (marked by warmupMs).
   */
  setWarmup(warmupMs: number): void;
  /** the warm-up set so far (optional for other implementations; thresholds read it for windows) */
  readonly warmupMs?: number;
  /** figures for the whole measured window so far; key = name or tracked sub-metric key */
  snapshot(nowMs: number): Record<string, MetricData>;
  /**
   * Figures for the last `seconds` complete seconds only (sliding windows for thresholds).
   * Retention: the registry keeps per-second HDR histograms only as long as the largest window
   * asked for via `retainWindow`, so memory stays flat.
   */
  window(key: string, endMs: number, seconds: number): MetricData | undefined;
  /**
   * keep the last `seconds` seconds for window(): of the metric `key` only (a windowed threshold's
   * metric), or of every metric without a key. Each retained second of a trend is an HDR histogram
   * in WebAssembly memory (tens of KB once it has seen long latencies, and WebAssembly memory never
   * shrinks): a 60 s window kept for every trend held ~65 MB in a soak, for the one metric it reads.
   */
  retainWindow(seconds: number, key?: string): void;
  /**
   * completed points so far (closes seconds up to nowMs): one a second, or one per intervalMs once
   * a bounded series has merged its points (RegistryOptions.maxPoints)
   */
  timeseries(nowMs: number): TimePoint[];
  /** ms per timeseries() point (1000 when absent) */
  readonly intervalMs?: number;
  /**
   * the one-second points of seconds ≥ fromSec completed by nowMs, whatever intervalMs is (the last
   * two minutes at most): what live observers are handed each tick
   */
  secondsSince?(nowMs: number, fromSec: number): TimePoint[];
}

/** merge encoded HDR histograms (from several workers, or several seconds) */
export type MergeEncoded = (encoded: string[]) => string;
