import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as hdr from 'hdr-histogram-js';
import { Rng } from '../../generators/rng.ts';
import type { MergeEncoded } from '../../harness/metrics/api.ts';
import {
  decodeHistogram,
  encodeValues,
  mergeEncoded,
  percentileFromEncoded,
  toMicros,
  trendFromEncoded,
  HDR_MAX_US,
  decodeValues,
} from '../../results/hdr.ts';

/** nearest-rank percentile of a sorted list (what HDR's getValueAtPercentile approximates) */
function brute(sorted: number[], p: number): number {
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[rank - 1]!;
}

function values(seed: number, n: number): number[] {
  const r = new Rng(seed);
  // log-uniform 0.05 ms .. 5 s: exercises many HDR buckets
  return Array.from({ length: n }, () => Math.exp(Math.log(0.05) + r.next() * Math.log(5000 / 0.05)));
}

test('percentiles of an encoded histogram match a brute-force sort within HDR precision', () => {
  const v = values(1, 20_000);
  const enc = encodeValues(v);
  const sorted = v.map((x) => toMicros(x) / 1000).sort((a, b) => a - b);
  for (const p of [1, 10, 50, 90, 95, 99, 99.9, 100]) {
    const got = percentileFromEncoded(enc, p);
    const want = brute(sorted, p);
    // 3 significant digits: within 0.1 % (plus 1 µs for the integer rounding)
    assert.ok(Math.abs(got - want) <= want * 0.001 + 0.001, `p${p}: got ${got}, want ${want}`);
  }
});

test('mergeEncoded of two histograms equals recording all values into one', () => {
  const a = values(2, 5000),
    b = values(3, 7000);
  const merged: MergeEncoded = mergeEncoded;
  const m = decodeHistogram(merged([encodeValues(a), encodeValues(b)]));
  const one = decodeHistogram(encodeValues([...a, ...b]));
  assert.is(m.count, 12_000);
  for (const p of [50, 90, 99, 99.9]) assert.is(m.percentile(p), one.percentile(p));
  assert.is(m.maxMs, one.maxMs);
  assert.is(m.minMs, one.minMs);
});

test('an empty histogram decodes with count 0 and NaN percentiles', () => {
  const d = decodeHistogram(encodeValues([]));
  assert.is(d.count, 0);
  assert.ok(Number.isNaN(d.percentile(99)));
  assert.is(trendFromEncoded(encodeValues([])).count, 0);
  assert.is(decodeHistogram(mergeEncoded([])).count, 0);
});

test('values above one hour clamp to one hour and negatives to zero', () => {
  assert.is(toMicros(10 * 3_600_000), HDR_MAX_US);
  assert.is(toMicros(-5), 0);
  const d = decodeHistogram(encodeValues([2 * 3_600_000]));
  assert.ok(Math.abs(d.maxMs - 3_600_000) <= 3_600_000 * 0.001);
});

test('trendFromEncoded gives the summary figures of the histogram', () => {
  const v = values(4, 3000);
  const t = trendFromEncoded(encodeValues(v));
  const mean = v.reduce((s, x) => s + x, 0) / v.length;
  assert.is(t.count, 3000);
  assert.ok(Math.abs(t.mean - mean) <= mean * 0.002);
  assert.ok(t.p50 <= t.p90 && t.p90 <= t.p95 && t.p95 <= t.p99 && t.p99 <= t['p99.9'] && t['p99.9'] <= t.max);
});

test('buckets cover every recorded value exactly once', () => {
  const v = values(5, 2000);
  const b = decodeHistogram(encodeValues(v)).buckets();
  assert.is(
    b.reduce((s, x) => s + x.count, 0),
    2000,
  );
  for (let i = 1; i < b.length; i++) assert.ok(b[i]!.fromMs >= b[i - 1]!.fromMs);
});

test('decodeValues gives every recorded value in ms with its count, ascending; no histogram gives []', () => {
  const v = decodeValues(encodeValues([1, 1, 5, 0.25]));
  assert.equal(
    v.map((x) => [Math.round(x.valueMs * 100) / 100, x.count]),
    [
      [0.25, 1],
      [1, 2],
      [5, 1],
    ],
  );
  assert.equal(decodeValues(''), []);
  assert.equal(decodeValues(encodeValues([])), []);
  assert.throws(() => decodeValues('not-base64!'));
});

test('percentileFromEncoded and decodeValues read a histogram another hdr-histogram-js writer encoded', () => {
  // a fixed-range (not auto-resizing) histogram, as other tools write them
  const h = hdr.build({
    lowestDiscernibleValue: 1,
    highestTrackableValue: 3_600_000_000,
    numberOfSignificantValueDigits: 3,
  });
  for (const us of [1000, 1000, 5000]) h.recordValue(us);
  const enc = hdr.encodeIntoCompressedBase64(h);
  assert.is(percentileFromEncoded(enc, 50), 1);
  assert.is(Math.round(percentileFromEncoded(enc, 100)), 5);
  assert.equal(
    decodeValues(enc).map((x) => x.count),
    [2, 1],
  );
});

test.run();
