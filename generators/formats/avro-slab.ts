/**
 * Avro values encoded into shared slabs. avsc's Type.toBuffer writes a value into its scratch buffer,
 * then copies it into a Buffer.alloc of its own: a new zero-filled ArrayBuffer per value, which cost
 * more than the encoding (bench/generators.ts: build + toBuffer 898 k/s against 1.15 M/s for build +
 * encode into one buffer). Here each value is encoded in place into a 64 KiB slab and handed out as a
 * view of it, as Node hands out small Buffer.allocUnsafe buffers from its pool: a slab lives while
 * any of its values does. The bytes are avsc's: records of primitive and enum fields are written by
 * code generated for their schema (formats/avro-flat.ts), anything else by avsc's Type.encode. A
 * value that does not fit in what is left of the slab gets a fresh one, as large as it needs. A
 * header (Confluent's magic byte and schema id) is written in the slab in front of each value.
 */
import type avro from 'avsc';
import { flatWriter } from './avro-flat.ts';

const SLAB_BYTES = 64 * 1024;

type ViewClass = new (buffer: ArrayBufferLike, byteOffset: number, length: number) => Buffer;
/**
 * `species` when `new species(arrayBuffer, offset, length)` gives a Buffer over that memory, else
 * undefined. Buffer[Symbol.species] is the class Node makes its Buffers with (what allocUnsafe and
 * subarray instantiate): a view made by it directly is the Buffer subarray hands out, without
 * subarray's argument handling around it (19 against 46 ns a view, 2026-12-07 04:58 UTC).
 */
export function viewClass(species: unknown): ViewClass | undefined {
  if (typeof species !== 'function') return undefined;
  try {
    const under = Buffer.alloc(8);
    const v = new (species as ViewClass)(under.buffer, under.byteOffset + 2, 3);
    v[0] = 7;
    return Buffer.isBuffer(v) && v.length === 3 && under[2] === 7 ? (species as ViewClass) : undefined;
  } catch {
    return undefined;
  }
}
/** the class values are handed out as; without one, slab.subarray */
const View = viewClass((Buffer as unknown as Record<symbol, unknown>)[Symbol.species]);

/**
 * `type.toBuffer`, without a fresh ArrayBuffer per value; throws what toBuffer throws. With a header,
 * each value's Buffer holds the header's bytes and then the value's (Confluent's framing, say).
 */
export function avroEncoder(type: avro.Type, header?: Uint8Array): (value: unknown) => Buffer {
  const flat = flatWriter(type);
  const head = header === undefined ? 0 : header.length;
  let slab = Buffer.allocUnsafe(SLAB_BYTES);
  let pos = 0;
  // the slab's memory, read once a slab rather than through two getters a value
  let memory = slab.buffer;
  let base = slab.byteOffset;
  const fresh = (size: number): void => {
    slab = Buffer.allocUnsafe(Math.max(SLAB_BYTES, size));
    memory = slab.buffer;
    base = slab.byteOffset;
  };
  /** where the next value starts, its header written; a fresh slab when the header does not fit */
  const open = (): number => {
    if (head === 0) return pos;
    if (pos + head > slab.length) {
      fresh(head);
      pos = 0;
    }
    for (let i = 0; i < head; i++) slab[pos + i] = header![i]!;
    return pos;
  };
  /** the bytes start..end of the slab as a Buffer over the same memory */
  const view =
    View === undefined
      ? (start: number, end: number) => slab.subarray(start, end)
      : (start: number, end: number) => new View(memory, base + start, end - start);
  /** avsc's encode: returns minus the bytes missing when the value does not fit */
  const generic = (value: unknown): Buffer => {
    let start = open();
    let end = type.encode(value, slab, start + head);
    if (end < 0) {
      // the value's size is what was left plus the bytes missing
      const size = slab.length - start - end;
      fresh(size);
      pos = 0;
      start = open();
      end = type.encode(value, slab, head);
    }
    pos = end;
    return view(start, end);
  };
  if (flat === undefined) return generic;
  return (value) => {
    let start = open();
    let end = flat(value, slab, start + head);
    if (end < 0) return generic(value);
    if (end > slab.length) {
      // the writer returned where the value would end: its size is end - start
      fresh(end - start);
      pos = 0;
      start = open();
      end = flat(value, slab, head);
    }
    pos = end;
    return view(start, end);
  };
}
