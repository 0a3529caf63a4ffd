/**
 * Record batch v2 header (AK DefaultRecordBatch): parsed, validated and re-based, never
 * decompressed. Layout (byte offsets):
 *   0 baseOffset i64 | 8 length i32 | 12 partitionLeaderEpoch i32 | 16 magic i8 (=2)
 *   17 crc u32 (CRC-32C of bytes 21..end) | 21 attributes i16 | 23 lastOffsetDelta i32
 *   27 firstTimestamp i64 | 35 maxTimestamp i64 | 43 producerId i64 | 51 producerEpoch i16
 *   53 baseSequence i32 | 57 records count i32 | 61 records...
 * Record: length varint, attributes i8, timestampDelta varlong, offsetDelta varint, key, value,
 * headers (all varint-length).
 */
import { crc32c } from './crc32c.ts';
import { Reader } from './reader.ts';

const BATCH_HEADER_SIZE = 61;

export interface BatchHeader {
  /** total bytes of this batch (length field + 12) */
  size: number;
  attributes: number;
  lastOffsetDelta: number;
  firstTimestamp: number;
  maxTimestamp: number;
  producerId: number;
  producerEpoch: number;
  baseSequence: number;
  count: number;
}

export class BatchError extends Error {
  override name = 'BatchError';
}

/** compression codec in attributes bits 0-2: 0 none, 1 gzip, 2 snappy, 3 lz4, 4 zstd */
const codecOf = (attributes: number): number => attributes & 0x07;

/** Reads and validates the header of the batch starting at `at`; throws BatchError if invalid. */
export function parseBatchHeader(buf: Buffer, at = 0, checkCrc = true): BatchHeader {
  if (buf.length - at < BATCH_HEADER_SIZE) throw new BatchError('record batch shorter than its header');
  const length = buf.readInt32BE(at + 8);
  const size = length + 12;
  if (length < BATCH_HEADER_SIZE - 12 || at + size > buf.length)
    throw new BatchError(`record batch length ${length} does not fit`);
  const magic = buf.readInt8(at + 16);
  if (magic !== 2) throw new BatchError(`record batch magic ${magic}, only 2 is supported`);
  const attributes = buf.readInt16BE(at + 21);
  if (codecOf(attributes) > 4) throw new BatchError(`unknown compression codec ${codecOf(attributes)}`);
  const lastOffsetDelta = buf.readInt32BE(at + 23);
  const count = buf.readInt32BE(at + 57);
  if (count < 0 || lastOffsetDelta !== count - 1)
    throw new BatchError(`lastOffsetDelta ${lastOffsetDelta} does not match count ${count}`);
  if (checkCrc) {
    const want = buf.readUInt32BE(at + 17);
    const got = crc32c(buf.subarray(at + 21, at + size));
    if (want !== got) throw new BatchError(`record batch CRC mismatch (sent ${want}, computed ${got})`);
  }
  return {
    size,
    attributes,
    lastOffsetDelta,
    firstTimestamp: Number(buf.readBigInt64BE(at + 27)),
    maxTimestamp: Number(buf.readBigInt64BE(at + 35)),
    producerId: Number(buf.readBigInt64BE(at + 43)),
    producerEpoch: buf.readInt16BE(at + 51),
    baseSequence: buf.readInt32BE(at + 53),
    count,
  };
}

/** Sets baseOffset (and the leader epoch); neither is covered by the CRC. */
export function rebase(batch: Buffer, baseOffset: number, leaderEpoch = 0): void {
  batch.writeBigInt64BE(BigInt(baseOffset), 0);
  batch.writeInt32BE(leaderEpoch, 12);
}

export const baseOffsetOf = (batch: Buffer): number => Number(batch.readBigInt64BE(0));

/**
 * The offset delta of the first record whose timestamp is >= `ts`, walking the records of an
 * uncompressed batch; undefined for a compressed batch (the caller then uses the batch start).
 */
export function firstRecordAtOrAfter(
  batch: Buffer,
  ts: number,
): { offsetDelta: number; timestamp: number } | undefined {
  const attributes = batch.readInt16BE(21);
  if (codecOf(attributes) !== 0) return undefined;
  const first = Number(batch.readBigInt64BE(27));
  const r = new Reader(batch, BATCH_HEADER_SIZE);
  const count = batch.readInt32BE(57);
  for (let i = 0; i < count; i++) {
    const len = r.varint();
    const end = r.offset + len;
    r.int8();
    const timestamp = first + r.varlong();
    const offsetDelta = r.varint();
    if (timestamp >= ts) return { offsetDelta, timestamp };
    r.offset = end;
  }
  return undefined;
}

export interface SimpleRecord {
  key?: Buffer | null;
  value: Buffer | null;
  timestamp?: number;
  headers?: Array<[string, Buffer]>;
}

/**
 * Encodes an uncompressed v2 batch (used by tests, the bench sink and broker-side helpers;
 * clients build their own batches).
 */
export function encodeBatch(
  records: SimpleRecord[],
  opts: { baseOffset?: number; producerId?: number; producerEpoch?: number; baseSequence?: number; now?: number } = {},
): Buffer {
  const now = opts.now ?? 0;
  const first = records[0]?.timestamp ?? now;
  let max = first;
  const parts: Buffer[] = [];
  records.forEach((rec, i) => {
    const ts = rec.timestamp ?? now;
    if (ts > max) max = ts;
    const body: number[] = [];
    const pushVar = (v: number) => {
      let u = v >= 0 ? v * 2 : -v * 2 - 1;
      while (u >= 0x80) {
        body.push((u & 0x7f) | 0x80);
        u = Math.floor(u / 128);
      }
      body.push(u);
    };
    const pushBytes = (b: Buffer | null | undefined) => {
      if (b == null) pushVar(-1);
      else {
        pushVar(b.length);
        for (const x of b) body.push(x);
      }
    };
    body.push(0);
    pushVar(ts - first);
    pushVar(i);
    pushBytes(rec.key);
    pushBytes(rec.value);
    const headers = rec.headers ?? [];
    pushVar(headers.length);
    for (const [k, v] of headers) {
      pushBytes(Buffer.from(k));
      pushBytes(v);
    }
    const lenBytes: number[] = [];
    let u = body.length * 2;
    while (u >= 0x80) {
      lenBytes.push((u & 0x7f) | 0x80);
      u = Math.floor(u / 128);
    }
    lenBytes.push(u);
    parts.push(Buffer.from(lenBytes), Buffer.from(body));
  });
  const recs = Buffer.concat(parts);
  const b = Buffer.alloc(BATCH_HEADER_SIZE + recs.length);
  b.writeBigInt64BE(BigInt(opts.baseOffset ?? 0), 0);
  b.writeInt32BE(b.length - 12, 8);
  b.writeInt32BE(0, 12);
  b.writeInt8(2, 16);
  b.writeInt16BE(0, 21);
  b.writeInt32BE(records.length - 1, 23);
  b.writeBigInt64BE(BigInt(first), 27);
  b.writeBigInt64BE(BigInt(max), 35);
  b.writeBigInt64BE(BigInt(opts.producerId ?? -1), 43);
  b.writeInt16BE(opts.producerEpoch ?? -1, 51);
  b.writeInt32BE(opts.baseSequence ?? -1, 53);
  b.writeInt32BE(records.length, 57);
  recs.copy(b, BATCH_HEADER_SIZE);
  b.writeUInt32BE(crc32c(b.subarray(21)), 17);
  return b;
}
