/**
 * LZ4 frame decoding in JavaScript, for the frames Kafka batches carry, small or large (kafkajs's lz4 codec and
 * compaction decode every frame here). lz4-napi's decompressFrame costs 8–10 µs per call on a few-record frame (a
 * thread-pool hop, and a block-sized buffer allocated each time), more in CPU than this on larger ones too, and its
 * async call costs a kafkajs consumer one event-loop turn per batch (codecs.ts); decoding here allocates only the
 * output. Checksums are not verified: Kafka's batch CRC-32C already covers the compressed bytes. Frames this decoder
 * does not handle (dictionary ids, legacy frames; linked blocks over 64 KiB of history are fine) throw.
 */

const MAGIC = 0x184d2204;
/** copies shorter than this go byte by byte (a subarray or copyWithin call costs more) */
const SHORT = 64;

/** the decompressed bytes of one LZ4 frame (as in Kafka's lz4 record batches) */
export function decodeLz4Frame(src: Uint8Array): Buffer {
  if (src.length < 7 || readU32(src, 0) !== MAGIC) throw new Error('lz4: not an LZ4 frame');
  const flg = src[4]!;
  if (flg >> 6 !== 1) throw new Error('lz4: unsupported frame version');
  if (flg & 0x01) throw new Error('lz4: frames with a dictionary id are not supported');
  const blockChecksum = (flg & 0x10) !== 0;
  const hasSize = (flg & 0x08) !== 0;
  const contentChecksum = (flg & 0x04) !== 0;
  let pos = 6 + (hasSize ? 8 : 0) + 1; // FLG, BD, content size, header checksum
  // the output's size: the content size when the frame says it, else grown as blocks decode
  let out = Buffer.allocUnsafe(hasSize ? readU32(src, 6) : Math.max(256, src.length * 4));
  let o = 0;
  for (;;) {
    if (pos + 4 > src.length) throw new Error('lz4: truncated frame');
    const word = readU32(src, pos);
    pos += 4;
    if (word === 0) break; // end mark
    const size = word & 0x7fffffff;
    if (pos + size > src.length) throw new Error('lz4: truncated block');
    if (word & 0x80000000) {
      out = room(out, o, size);
      out.set(src.subarray(pos, pos + size), o);
      o += size;
    } else {
      const r = decodeBlock(src, pos, pos + size, out, o);
      out = r.out;
      o = r.end;
    }
    pos += size + (blockChecksum ? 4 : 0);
  }
  if (contentChecksum) pos += 4;
  return out.subarray(0, o);
}

function readU32(b: Uint8Array, at: number): number {
  return (b[at]! | (b[at + 1]! << 8) | (b[at + 2]! << 16) | (b[at + 3]! << 24)) >>> 0;
}

/** `out` with room for `n` more bytes after `used` (copied into a larger buffer when needed) */
function room(out: Buffer, used: number, n: number): Buffer {
  if (used + n <= out.length) return out;
  const next = Buffer.allocUnsafe(Math.max(out.length * 2, used + n));
  out.copy(next, 0, 0, used);
  return next;
}

/** one LZ4 block src[from, to) decoded into out at o (matches may reach into earlier blocks) */
function decodeBlock(src: Uint8Array, from: number, to: number, out: Buffer, o: number): { out: Buffer; end: number } {
  let i = from;
  while (i < to) {
    const token = src[i++]!;
    let lit = token >>> 4;
    if (lit === 15) {
      let b: number;
      do {
        b = src[i++]!;
        lit += b;
      } while (b === 255 && i < to);
    }
    if (lit > 0) {
      if (i + lit > to) throw new Error('lz4: literals past the block');
      out = room(out, o, lit);
      if (lit < SHORT) for (const end = i + lit; i < end; ) out[o++] = src[i++]!;
      else {
        out.set(src.subarray(i, i + lit), o);
        o += lit;
        i += lit;
      }
    }
    if (i >= to) break; // the last sequence has literals only
    const offset = src[i]! | (src[i + 1]! << 8);
    i += 2;
    if (offset === 0 || offset > o) throw new Error('lz4: bad match offset');
    let len = (token & 15) + 4;
    if ((token & 15) === 15) {
      let b: number;
      do {
        b = src[i++]!;
        len += b;
      } while (b === 255 && i < to);
    }
    out = room(out, o, len);
    let m = o - offset;
    if (offset >= len && len >= SHORT) {
      out.copyWithin(o, m, m + len);
      o += len;
    } else for (const end = o + len; o < end; ) out[o++] = out[m++]!;
  }
  return { out, end: o };
}
