import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as hdr from 'hdr-histogram-js';
import { latencyBuckets } from '../../reports/histogram.ts';

function encode(valuesUs: number[]): string {
  const h = hdr.build({
    lowestDiscernibleValue: 1,
    highestTrackableValue: 3_600_000_000,
    numberOfSignificantValueDigits: 3,
  });
  for (const v of valuesUs) h.recordValue(v);
  return hdr.encodeIntoCompressedBase64(h);
}

test('buckets cover min..max on a log scale and keep every count', () => {
  const b = latencyBuckets(encode([1000, 10_000, 100_000, 100_000]), 2);
  assert.is(b.length, 2);
  assert.ok(Math.abs(b[0]!.lo - 1) < 0.01 && Math.abs(b[1]!.hi - 100) < 0.2);
  assert.ok(Math.abs(b[0]!.hi - 10) < 0.1, 'log midpoint of 1..100 is 10');
  assert.is(b[0]!.count + b[1]!.count, 4);
  assert.is(b[1]!.count, 3);
});

test('an empty histogram gives no buckets', () => {
  assert.equal(latencyBuckets(''), []);
  assert.equal(latencyBuckets(encode([])), []);
});

test.run();
