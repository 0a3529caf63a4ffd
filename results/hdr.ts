/**
 * The HDR codec of the data contract (summary.json `hdr`: hdr-histogram-js
 * encodeIntoCompressedBase64 of integer µs): one place that knows the unit (integer µs), the
 * range (1 µs .. 1 h, values above clamp to 1 h) and the precision (3 significant digits), and
 * the one encode / decode / merge / percentiles / recorded values every reader uses (metrics
 * registry, thresholds, reports, the simulator's empirical distributions, calibration).
 *
 * Two builds of the same library: the WASM build records ~3-4x faster (bench/metrics.ts) and is
 * what the registry records into; its histograms live in WebAssembly memory and must be
 * destroyed. The JS build needs no cleanup, so everything that only *reads* results (decode,
 * percentiles, merging encoded histograms in reports and the simulator) uses it.
 */
import * as hdr from 'hdr-histogram-js';
import type { Histogram, JsHistogram } from 'hdr-histogram-js';
import type { TrendData } from './types.ts';

/** 1 hour in µs: the highest value we keep; larger values are recorded as this */
export const HDR_MAX_US = 3_600_000_000;
export const HDR_DIGITS = 3;

export type HdrBuild = 'wasm' | 'js';

let wasmReady = false;
/** load the WASM module once (synchronous: the module is embedded in the package) */
function ensureWasm(): boolean {
  if (wasmReady) return true;
  try {
    hdr.initWebAssemblySync();
    wasmReady = true;
  } catch {
    wasmReady = false;
  }
  return wasmReady;
}

export function newHistogram(build: HdrBuild = 'js'): Histogram {
  const useWebAssembly = build === 'wasm' && ensureWasm();
  // autoResize: start small and grow to the largest value seen (a 1 h range up front costs
  // ~95 KB per histogram; typical latencies need a third of that)
  return hdr.build({
    lowestDiscernibleValue: 1,
    highestTrackableValue: 2,
    numberOfSignificantValueDigits: HDR_DIGITS,
    autoResize: true,
    useWebAssembly,
  });
}

/** ms (float) → integer µs within the histogram range */
export function toMicros(valueMs: number): number {
  const us = Math.round(valueMs * 1000);
  return us < 0 ? 0 : Math.min(us, HDR_MAX_US);
}

export function encodeHistogram(h: Histogram): string {
  return hdr.encodeIntoCompressedBase64(h);
}

/** decode into a JS-build histogram (no cleanup needed) */
function decodeToHistogram(encoded: string): Histogram {
  return hdr.decodeFromCompressedBase64(encoded, 32, false);
}

/** merge encoded HDR histograms (from several workers, or several seconds) into one encoded histogram */
export function mergeEncoded(encoded: string[]): string {
  const acc = newHistogram('js');
  for (const e of encoded) {
    if (!e) continue;
    acc.add(decodeToHistogram(e));
  }
  return encodeHistogram(acc);
}

/** value at percentile p (0..100) in ms; NaN when the histogram is empty */
function percentileMs(h: Histogram, p: number): number {
  if (h.totalCount === 0) return NaN;
  return h.getValueAtPercentile(p) / 1000;
}

/** A decoded trend histogram, read-only, in ms. min/max/mean are at HDR precision (0.1 %). */
export interface DecodedHistogram {
  readonly count: number;
  readonly minMs: number;
  readonly maxMs: number;
  readonly meanMs: number;
  readonly stdevMs: number;
  /** p in 0..100, e.g. 99.9; NaN when empty */
  percentile(p: number): number;
  /**
   * The distribution as buckets of recorded values (for histogram charts): each bucket covers
   * [fromMs, toMs] and holds count values. HDR precision: bucket width is ≤ 0.1 % of its value.
   */
  buckets(): { fromMs: number; toMs: number; count: number }[];
}

export function decodeHistogram(encoded: string): DecodedHistogram {
  return wrap(decodeToHistogram(encoded));
}

/** wrap a JS-build histogram (µs) as a DecodedHistogram (ms) */
function wrap(h: Histogram): DecodedHistogram {
  const empty = h.totalCount === 0;
  return {
    count: h.totalCount,
    minMs: empty ? NaN : h.minNonZeroValue === Number.MAX_SAFE_INTEGER ? 0 : lowestRecorded(h) / 1000,
    maxMs: empty ? NaN : h.maxValue / 1000,
    meanMs: empty ? NaN : h.mean / 1000,
    stdevMs: empty ? NaN : h.stdDeviation / 1000,
    percentile: (p) => percentileMs(h, p),
    buckets: () => recordedBuckets(h),
  };
}

function lowestRecorded(h: Histogram): number {
  // minNonZeroValue ignores recorded zeros; getValueAtPercentile(0) is the lowest recorded value
  return h.getValueAtPercentile(0);
}

function recordedBuckets(h: Histogram): { fromMs: number; toMs: number; count: number }[] {
  const out: { fromMs: number; toMs: number; count: number }[] = [];
  const js = h as unknown as {
    recordedValuesIterator?: {
      reset(): void;
      hasNext(): boolean;
      next(): { valueIteratedFrom: number; valueIteratedTo: number; countAddedInThisIterationStep: number };
    };
  };
  const it = js.recordedValuesIterator;
  if (!it) return out;
  it.reset();
  while (it.hasNext()) {
    const v = it.next();
    out.push({
      fromMs: v.valueIteratedFrom / 1000,
      toMs: v.valueIteratedTo / 1000,
      count: v.countAddedInThisIterationStep,
    });
  }
  return out;
}

/**
 * Every distinct recorded value (ms, the median-equivalent value of its HDR bucket) with its
 * count, ascending: what charts bucket and the simulator samples from. '' (no histogram) → [].
 */
export function decodeValues(encoded: string): { valueMs: number; count: number }[] {
  if (!encoded) return [];
  const h = decodeToHistogram(encoded) as unknown as JsHistogram;
  const out: { valueMs: number; count: number }[] = [];
  const it = h.recordedValuesIterator;
  it.reset();
  while (it.hasNext()) {
    const v = it.next();
    if (v.countAddedInThisIterationStep > 0)
      out.push({ valueMs: h.medianEquivalentValue(v.valueIteratedTo) / 1000, count: v.countAddedInThisIterationStep });
  }
  return out;
}

/** TrendData from an encoded histogram alone (min/max/mean at HDR precision) */
export function trendFromEncoded(encoded: string): TrendData {
  const h = decodeToHistogram(encoded);
  const d = wrap(h);
  const n = d.count;
  const z = (x: number) => (n === 0 ? 0 : x);
  return {
    type: 'trend',
    unit: 'ms',
    count: n,
    min: z(d.minMs),
    max: z(d.maxMs),
    mean: z(d.meanMs),
    stdev: z(d.stdevMs),
    p50: z(d.percentile(50)),
    p90: z(d.percentile(90)),
    p95: z(d.percentile(95)),
    p99: z(d.percentile(99)),
    'p99.9': z(d.percentile(99.9)),
    hdr: encoded,
  };
}

/** encode a list of values (ms) as an HDR histogram: for the simulator and tests */
export function encodeValues(valuesMs: Iterable<number>): string {
  const h = newHistogram('js');
  for (const v of valuesMs) if (Number.isFinite(v)) h.recordValue(toMicros(v));
  return encodeHistogram(h);
}

/** value at percentile p (0..100, e.g. 99.9) of an encoded histogram, in ms; NaN when empty */
export function percentileFromEncoded(encoded: string, p: number): number {
  return percentileMs(decodeToHistogram(encoded), p);
}
