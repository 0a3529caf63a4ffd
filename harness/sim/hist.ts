/**
 * HDR latency histograms for simulated runs, with the conventions of harness/metrics/api.ts
 * (integer microseconds, 1 µs .. 1 h, 3 significant digits, encoded with
 * encodeIntoCompressedBase64), so TrendData from a simulation merges and compares with live runs.
 * Uses hdr-histogram-js's WebAssembly build when it loads (≈ 6× faster to record here, which is
 * most of the simulator's cost per event), else its JS build. WASM memory is freed by destroy().
 */
import * as hdr from 'hdr-histogram-js';
import type { TrendData } from '../results/types.ts';

let wasm: boolean | undefined;
function useWasm(): boolean {
  if (wasm === undefined) {
    try {
      hdr.initWebAssemblySync();
      wasm = true;
    } catch {
      wasm = false;
    }
  }
  return wasm;
}

const MAX_US = 3_600_000_000;

export class LatencyHistogram {
  private h: hdr.Histogram;
  constructor() {
    this.h = hdr.build({ lowestDiscernibleValue: 1, highestTrackableValue: MAX_US, numberOfSignificantValueDigits: 3, useWebAssembly: useWasm() });
  }

  /** record a latency in ms */
  record(ms: number): void {
    let us = Math.round(ms * 1000);
    if (us < 1) us = 1; else if (us > MAX_US) us = MAX_US;
    this.h.recordValue(us);
  }

  get count(): number {
    return this.h.totalCount;
  }

  /** percentile in ms (0 when empty) */
  percentile(p: number): number {
    return this.h.totalCount === 0 ? 0 : this.h.getValueAtPercentile(p) / 1000;
  }

  get mean(): number {
    return this.h.totalCount === 0 ? 0 : this.h.mean / 1000;
  }

  reset(): void {
    this.h.reset();
  }

  toTrend(): TrendData {
    const h = this.h;
    const empty = h.totalCount === 0;
    const ms = (us: number) => (empty ? 0 : us / 1000);
    return {
      type: 'trend', unit: 'ms', count: h.totalCount,
      min: ms(h.minNonZeroValue), max: ms(h.maxValue), mean: ms(h.mean), stdev: ms(h.stdDeviation),
      p50: ms(h.getValueAtPercentile(50)), p90: ms(h.getValueAtPercentile(90)), p95: ms(h.getValueAtPercentile(95)),
      p99: ms(h.getValueAtPercentile(99)), 'p99.9': ms(h.getValueAtPercentile(99.9)),
      hdr: hdr.encodeIntoCompressedBase64(h),
    };
  }

  destroy(): void {
    this.h.destroy();
  }
}
