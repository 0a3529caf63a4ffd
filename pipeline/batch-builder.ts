/**
 * A partition's Kafka record batch (v2), written as the records arrive: each record straight into one
 * growing Buffer — no object, Map or Buffer per record, field or varint, where @platformatic/kafka's own
 * encoder makes all three (2.6-3.1 µs a record with two headers). The batch's bytes are the ones that
 * client's createRecordsBatch writes for the same records (test/pipeline/batch-builder.test.ts compares
 * them), so a broker that takes that client's batches takes these: producer id -1, epoch 0, sequence 0,
 * leader epoch 0, every record stamped with the batch's timestamp (delta 0), as the client does when a
 * message has no timestamp of its own.
 * Layout (broker/protocol/record-batch.ts): a 61-byte header, then per record: length varint,
 * attributes i8, timestamp delta varlong, offset delta varint, key, value, headers (zigzag varints).
 */
import { crc32c } from '@node-rs/crc32';
import type { PartitionBatch } from './platformatic-produce.ts';

const HEADER = 61;
/** the records, compressed (lz4, gzip, …), as the client's compressionsAlgorithms[c].compressSync does */
export type Compress = (records: Buffer) => Buffer;

/** bytes of the zigzag varint of a length n ≥ 0 */
const zigzagSize = (n: number): number => (n < 64 ? 1 : n < 8192 ? 2 : n < 1_048_576 ? 3 : n < 134_217_728 ? 4 : 5);

export class BatchBuilder {
  private buf: Buffer;
  private pos = HEADER;
  /** records in the batch (the next record's offset delta) */
  count = 0;
  /** where the open record's length varint starts, and how many bytes were set aside for it */
  private recordAt = 0;
  private lengthBytes = 0;

  constructor(size = 16 * 1024) {
    this.buf = Buffer.allocUnsafe(Math.max(size, 1024));
  }

  /** bytes written so far (header included) */
  get length(): number {
    return this.pos;
  }

  /**
   * opens a record: `estimate` is its size in bytes after the length varint, or a lower bound (strings
   * counted by their length); the varint is moved when the record turns out longer
   */
  open(estimate: number, key: Buffer | null, headers: number): void {
    const keyLen = key ? key.length : 0;
    this.room(20 + keyLen);
    this.recordAt = this.pos;
    this.lengthBytes = zigzagSize(estimate);
    let p = this.pos + this.lengthBytes;
    const b = this.buf;
    b[p++] = 0; // attributes
    b[p++] = 0; // timestamp delta: every record takes the batch's first timestamp
    p = this.zigzag(this.count, p);
    if (key) {
      p = this.zigzag(keyLen, p);
      key.copy(b, p);
      p += keyLen;
    } else b[p++] = 1; // -1: null
    this.pos = p;
    this.pending = headers;
  }

  /** headers still to come in the open record before its value's header count is written */
  private pending = 0;

  /** the record's value (a string as UTF-8, null a tombstone), then its header count */
  value(v: string | Buffer | null): void {
    if (v === null) {
      this.room(6);
      this.buf[this.pos++] = 1;
    } else if (typeof v === 'string') this.text(v);
    else this.bytes(v);
    this.room(5);
    this.pos = this.zigzag(this.pending, this.pos);
  }

  /** one header: its name's bytes and its value (a string as UTF-8) */
  header(name: Buffer, v: string | Buffer): void {
    this.bytes(name);
    if (typeof v === 'string') this.text(v);
    else this.bytes(v);
  }

  /** closes the open record: its length varint, the record moved when the varint needs more room than set aside */
  close(): void {
    const start = this.recordAt + this.lengthBytes;
    const len = this.pos - start;
    const need = zigzagSize(len);
    if (need !== this.lengthBytes) {
      this.room(need);
      this.buf.copyWithin(this.recordAt + need, start, this.pos);
      this.pos += need - this.lengthBytes;
    }
    this.zigzag(len, this.recordAt);
    this.count++;
  }

  /**
   * the batch: header written, records compressed if asked, CRC-32C; the builder starts over with a
   * fresh buffer (the one returned is the request's until it is written)
   */
  finish(timestamp: number, codec = 0, compress?: Compress): Buffer {
    let b = this.buf;
    let end = this.pos;
    if (compress) {
      const packed = compress(b.subarray(HEADER, end));
      const out = Buffer.allocUnsafe(HEADER + packed.length);
      out.set(packed, HEADER);
      b = out;
      end = out.length;
    }
    b.writeUInt32BE(0, 0); // base offset 0
    b.writeUInt32BE(0, 4);
    b.writeInt32BE(end - 12, 8);
    b.writeInt32BE(0, 12); // partition leader epoch
    b[16] = 2; // magic
    b.writeInt16BE(codec & 0x07, 21);
    b.writeInt32BE(this.count - 1, 23);
    const hi = Math.floor(timestamp / 0x1_0000_0000);
    const lo = timestamp >>> 0;
    b.writeUInt32BE(hi, 27); // first timestamp
    b.writeUInt32BE(lo, 31);
    b.writeUInt32BE(hi, 35); // max timestamp
    b.writeUInt32BE(lo, 39);
    b.writeInt32BE(-1, 43); // producer id -1
    b.writeInt32BE(-1, 47);
    b.writeInt16BE(0, 51); // producer epoch
    b.writeInt32BE(0, 53); // base sequence
    b.writeInt32BE(this.count, 57);
    b.writeUInt32BE(crc32c(b.subarray(21, end)) >>> 0, 17);
    const batch = b.subarray(0, end);
    this.buf = Buffer.allocUnsafe(Math.max(1024, this.pos + (this.pos >> 2)));
    this.pos = HEADER;
    this.count = 0;
    return batch;
  }

  private bytes(v: Buffer | Uint8Array): void {
    const n = v.length;
    this.room(5 + n);
    const p = this.zigzag(n, this.pos);
    this.buf.set(v, p);
    this.pos = p + n;
  }

  /**
   * a string's UTF-8 bytes behind their length: ASCII strings shorter than 48 byte by byte, the rest by
   * Buffer's write (after a length varint sized for the string's length, moved if the bytes need more)
   */
  private text(s: string): void {
    const n = s.length;
    this.room(5 + 3 * n);
    const b = this.buf;
    const at = this.pos;
    if (n < 48) {
      let p = at + 1;
      let i = 0;
      for (; i < n; i++) {
        const c = s.charCodeAt(i);
        if (c > 0x7f) break;
        b[p++] = c;
      }
      if (i === n) {
        b[at] = n << 1; // n < 64: one byte
        this.pos = p;
        return;
      }
    }
    const guess = zigzagSize(n);
    const written = b.write(s, at + guess);
    const need = zigzagSize(written);
    if (need !== guess) b.copyWithin(at + need, at + guess, at + guess + written);
    this.pos = this.zigzag(written, at) + written;
  }

  /** a zigzag varint of n ≥ 0 at p; the position after it */
  private zigzag(n: number, p: number): number {
    const b = this.buf;
    let u = n * 2;
    while (u >= 0x80) {
      b[p++] = (u & 0x7f) | 0x80;
      u = Math.floor(u / 128);
    }
    b[p++] = u;
    return p;
  }

  /** room for n more bytes, the buffer doubled when short */
  private room(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    const next = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.pos + n));
    this.buf.copy(next, 0, 0, this.pos);
    this.buf = next;
  }
}

/**
 * A topic's batches, one BatchBuilder a partition: each record is written straight into its partition's batch as
 * it comes (the kafka target's EncodedBuffer, the processors' PlatformaticSender), no list of records by partition
 */
export class PartitionBatches {
  private readonly builders: BatchBuilder[];

  constructor(
    private readonly partitions: number,
    private readonly codec = 0,
    private readonly compress?: Compress,
  ) {
    this.builders = Array.from({ length: partitions }, () => new BatchBuilder());
  }

  /**
   * the builder of partition `p` modulo the count, p an integer ≥ 0 (a key's murmur2 & 0x7fffffff, or a record's
   * own partition: Kafka's partitioner and the client take both modulo the count)
   */
  of(p: number): BatchBuilder {
    return this.builders[p % this.partitions] as BatchBuilder;
  }

  /** every partition's batch that has records, in partition order (compressed as asked); the builders start over */
  finish(timestamp: number): PartitionBatch[] {
    const batches: PartitionBatch[] = [];
    for (const [p, b] of this.builders.entries())
      if (b.count) batches.push([p, b.finish(timestamp, this.codec, this.compress)]);
    return batches;
  }
}
