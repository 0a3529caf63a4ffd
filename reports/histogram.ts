/**
 * Decodes an encoded HDR histogram (summary.json `hdr`, µs values) into a bucketed latency
 * distribution for charts and notebooks. Log-spaced buckets, because latency spans decades and
 * the tail is what a reader looks for.
 */
import * as hdr from 'hdr-histogram-js';
import type { JsHistogram } from 'hdr-histogram-js';

export interface LatencyBucket {
  /** bucket bounds in ms, [lo, hi) */
  lo: number;
  hi: number;
  count: number;
}

/** every distinct recorded value (ms, at HDR's resolution) with its count, ascending */
export function decodeValues(encoded: string): { valueMs: number; count: number }[] {
  if (!encoded) return [];
  const h = hdr.decodeFromCompressedBase64(encoded) as unknown as JsHistogram;
  const out: { valueMs: number; count: number }[] = [];
  const it = h.recordedValuesIterator;
  it.reset();
  while (it.hasNext()) {
    const v = it.next();
    if (v.countAddedInThisIterationStep > 0)
      out.push({ valueMs: h.medianEquivalentValue(v.valueIteratedTo) / 1000, count: v.countAddedInThisIterationStep });
  }
  h.destroy();
  return out;
}

/** `buckets` log-spaced buckets covering [min, max] of the recorded values; empty histogram → [] */
export function latencyBuckets(encoded: string, buckets = 30): LatencyBucket[] {
  const values = decodeValues(encoded);
  if (values.length === 0) return [];
  const min = Math.max(values[0]!.valueMs, 0.001);
  const max = Math.max(values[values.length - 1]!.valueMs, min * 1.01);
  const lmin = Math.log(min),
    step = (Math.log(max) - lmin) / buckets;
  const out: LatencyBucket[] = Array.from({ length: buckets }, (_, i) => ({
    lo: round(Math.exp(lmin + i * step)),
    hi: round(Math.exp(lmin + (i + 1) * step)),
    count: 0,
  }));
  for (const { valueMs, count } of values) {
    const i = Math.min(buckets - 1, Math.max(0, Math.floor((Math.log(Math.max(valueMs, min)) - lmin) / step)));
    out[i]!.count += count;
  }
  return out;
}

const round = (x: number) => Number(x.toPrecision(4));
