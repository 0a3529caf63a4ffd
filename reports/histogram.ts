/**
 * A bucketed latency distribution of an encoded HDR histogram (summary.json `hdr`, decoded by
 * results/hdr.ts) for charts and notebooks. Log-spaced buckets, because latency spans decades and
 * the tail is what a reader looks for.
 */
import { decodeValues } from '../results/hdr.ts';

export interface LatencyBucket {
  /** bucket bounds in ms, [lo, hi) */
  lo: number;
  hi: number;
  count: number;
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
