/**
 * Avro values encoded into shared slabs. avsc's Type.toBuffer writes a value into its scratch buffer,
 * then copies it into a Buffer.alloc of its own: a new zero-filled ArrayBuffer per value, which cost
 * more than the encoding (bench/generators.ts: build + toBuffer 898 k/s against 1.15 M/s for build +
 * encode into one buffer). Here each value is encoded in place into a 64 KiB slab and handed out as a
 * view of it, as Node hands out small Buffer.allocUnsafe buffers from its pool: a slab lives while
 * any of its values does. The bytes are avsc's own (Type.encode), and a value that does not fit in
 * what is left of the slab gets a fresh one, as large as it needs.
 */
import type avro from 'avsc';

const SLAB_BYTES = 64 * 1024;

/** `type.toBuffer`, without a fresh ArrayBuffer per value; throws what toBuffer throws */
export function avroEncoder(type: avro.Type): (value: unknown) => Buffer {
  let slab = Buffer.allocUnsafe(SLAB_BYTES);
  let pos = 0;
  return (value) => {
    let start = pos;
    let end = type.encode(value, slab, start);
    if (end < 0) {
      // encode returns minus the bytes missing: the value's size is what was left plus them
      const size = slab.length - start - end;
      slab = Buffer.allocUnsafe(Math.max(SLAB_BYTES, size));
      start = 0;
      end = type.encode(value, slab, 0);
    }
    pos = end;
    return slab.subarray(start, end);
  };
}
