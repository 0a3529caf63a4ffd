import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  BatchError,
  baseOffsetOf,
  encodeBatch,
  firstRecordAtOrAfter,
  parseBatchHeader,
  rebase,
} from '../../../broker/protocol/record-batch.ts';

// An uncompressed batch with one record (key null, value "hi", timestamp 1000), as produced by
// kafkajs 2.2.4's own RecordBatch encoder (an independent implementation; CRC-32C over 21..end).
const GOLDEN =
  '0000000000000000' +
  '0000003a' +
  '00000000' +
  '02' +
  '233dad44' +
  '0000' +
  '00000000' +
  '00000000000003e8' +
  '00000000000003e8' +
  'ffffffffffffffff' +
  'ffff' +
  'ffffffff' +
  '00000001' +
  '10' +
  '00' +
  '00' +
  '00' +
  '01' +
  '04' +
  '6869' +
  '00';

test('encodeBatch writes the golden bytes of a one-record batch', () => {
  const b = encodeBatch([{ value: Buffer.from('hi'), timestamp: 1000 }]);
  assert.is(b.toString('hex'), GOLDEN);
});

test('parseBatchHeader reads sizes, timestamps and producer fields', () => {
  const h = parseBatchHeader(Buffer.from(GOLDEN, 'hex'));
  assert.is(h.size, 70);
  assert.is(h.count, 1);
  assert.is(h.lastOffsetDelta, 0);
  assert.is(h.maxTimestamp, 1000);
  assert.is(h.producerId, -1);
});

test('a flipped payload byte fails the CRC check', () => {
  const b = Buffer.from(GOLDEN, 'hex');
  b[b.length - 2] ^= 1;
  assert.throws(
    () => parseBatchHeader(b),
    (e: unknown) => e instanceof BatchError && /CRC/.test((e as Error).message),
  );
});

test('magic other than 2, a bad codec and a wrong count are rejected', () => {
  const magic = Buffer.from(GOLDEN, 'hex');
  magic[16] = 1;
  assert.throws(() => parseBatchHeader(magic, 0, false), /magic/);
  const codec = Buffer.from(GOLDEN, 'hex');
  codec[22] = 7;
  codec.writeUInt32BE(0, 17);
  assert.throws(() => parseBatchHeader(codec, 0, false), /codec/);
  const count = Buffer.from(GOLDEN, 'hex');
  count.writeInt32BE(3, 57);
  assert.throws(() => parseBatchHeader(count, 0, false), /count/);
  assert.throws(() => parseBatchHeader(Buffer.from(GOLDEN, 'hex').subarray(0, 65)), /fit/);
});

test('rebase sets the base offset and leader epoch without breaking the CRC', () => {
  const b = Buffer.from(GOLDEN, 'hex');
  rebase(b, 12345, 3);
  assert.is(baseOffsetOf(b), 12345);
  assert.is(b.readInt32BE(12), 3);
  parseBatchHeader(b);
});

test('firstRecordAtOrAfter finds the first record at or after a timestamp', () => {
  const b = encodeBatch([10, 20, 30].map((t) => ({ value: Buffer.from('x'), timestamp: t })));
  assert.equal(firstRecordAtOrAfter(b, 15), { offsetDelta: 1, timestamp: 20 });
  assert.equal(firstRecordAtOrAfter(b, 30), { offsetDelta: 2, timestamp: 30 });
  assert.is(firstRecordAtOrAfter(b, 31), undefined);
});

test.run();
