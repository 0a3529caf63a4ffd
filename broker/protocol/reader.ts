/**
 * Reads Kafka protocol primitives from one request body. Every read checks bounds and throws
 * ProtocolError on a short or malformed frame; the connection layer turns that into a closed
 * connection for that client only. Grammar: https://kafka.apache.org/protocol#protocol_types
 */
import { isUtf8 } from 'node:buffer';

export class ProtocolError extends Error {
  override name = 'ProtocolError';
}

export class Reader {
  offset: number;
  constructor(
    readonly buf: Buffer,
    offset = 0,
  ) {
    this.offset = offset;
  }

  get remaining(): number {
    return this.buf.length - this.offset;
  }

  private need(n: number): number {
    const at = this.offset;
    if (n < 0 || at + n > this.buf.length)
      throw new ProtocolError(`frame too short: need ${n} bytes at ${at} of ${this.buf.length}`);
    this.offset = at + n;
    return at;
  }

  int8(): number {
    return this.buf.readInt8(this.need(1));
  }
  bool(): boolean {
    return this.int8() !== 0;
  }
  int16(): number {
    return this.buf.readInt16BE(this.need(2));
  }
  int32(): number {
    return this.buf.readInt32BE(this.need(4));
  }
  uint32(): number {
    return this.buf.readUInt32BE(this.need(4));
  }
  /** int64 as a JS number: offsets and timestamps stay far below 2^53 */
  int64(): number {
    return Number(this.buf.readBigInt64BE(this.need(8)));
  }
  uuid(): Buffer {
    const at = this.need(16);
    return this.buf.subarray(at, at + 16);
  }

  /** unsigned LEB128 varint (compact lengths, tag ids) */
  uvarint(): number {
    let result = 0,
      shift = 0;
    for (let i = 0; i < 5; i++) {
      const b = this.buf[this.need(1)]!;
      result += (b & 0x7f) * 2 ** shift;
      if ((b & 0x80) === 0) return result;
      shift += 7;
    }
    throw new ProtocolError('varint longer than 5 bytes');
  }

  /** zig-zag varint (record fields) */
  varint(): number {
    const u = this.uvarint();
    return u % 2 === 0 ? u / 2 : -(u + 1) / 2;
  }

  /** zig-zag varlong (record timestamp deltas); up to 10 bytes */
  varlong(): number {
    let result = 0n,
      shift = 0n;
    for (let i = 0; i < 10; i++) {
      const b = this.buf[this.need(1)]!;
      result |= BigInt(b & 0x7f) << shift;
      if ((b & 0x80) === 0) return Number((result >> 1n) ^ -(result & 1n));
      shift += 7n;
    }
    throw new ProtocolError('varlong longer than 10 bytes');
  }

  /** Kafka strings are UTF-8: other bytes would decode to U+FFFD, which re-encodes longer (3 bytes each) */
  private str(len: number): string {
    const at = this.need(len);
    if (!isUtf8(this.buf.subarray(at, at + len))) throw new ProtocolError(`string of ${len} bytes is not UTF-8`);
    return this.buf.toString('utf8', at, at + len);
  }

  /** STRING / NULLABLE_STRING (int16 length, -1 = null) */
  nullableString(): string | null {
    const len = this.int16();
    if (len < -1) throw new ProtocolError(`bad string length ${len}`);
    return len === -1 ? null : this.str(len);
  }
  string(): string {
    return this.nullableString() ?? '';
  }

  /** COMPACT_NULLABLE_STRING (uvarint length + 1, 0 = null) */
  compactNullableString(): string | null {
    const n = this.uvarint();
    return n === 0 ? null : this.str(n - 1);
  }
  compactString(): string {
    return this.compactNullableString() ?? '';
  }

  /** BYTES / NULLABLE_BYTES (int32 length); returns a view into the frame */
  nullableBytes(): Buffer | null {
    const len = this.int32();
    if (len < -1) throw new ProtocolError(`bad bytes length ${len}`);
    if (len === -1) return null;
    const at = this.need(len);
    return this.buf.subarray(at, at + len);
  }
  bytes(): Buffer {
    return this.nullableBytes() ?? Buffer.alloc(0);
  }

  compactNullableBytes(): Buffer | null {
    const n = this.uvarint();
    if (n === 0) return null;
    const at = this.need(n - 1);
    return this.buf.subarray(at, at + n - 1);
  }

  /** ARRAY (int32 count, -1 = null); every element must consume at least one byte */
  nullableArray<T>(item: (r: Reader) => T): T[] | null {
    const n = this.int32();
    if (n === -1) return null;
    return this.items(n, item);
  }
  array<T>(item: (r: Reader) => T): T[] {
    return this.nullableArray(item) ?? [];
  }

  compactNullableArray<T>(item: (r: Reader) => T): T[] | null {
    const n = this.uvarint();
    if (n === 0) return null;
    return this.items(n - 1, item);
  }
  compactArray<T>(item: (r: Reader) => T): T[] {
    return this.compactNullableArray(item) ?? [];
  }

  private items<T>(n: number, item: (r: Reader) => T): T[] {
    // a count larger than the bytes left is malformed; refuse before allocating
    if (n < 0 || n > this.remaining) throw new ProtocolError(`bad array length ${n}`);
    const out: T[] = new Array(n);
    for (let i = 0; i < n; i++) out[i] = item(this);
    return out;
  }

  /** skips a TAGGED_FIELDS block (we understand no tags) */
  tags(): void {
    const n = this.uvarint();
    if (n > this.remaining) throw new ProtocolError(`bad tag count ${n}`);
    for (let i = 0; i < n; i++) {
      this.uvarint();
      this.need(this.uvarint());
    }
  }
}
