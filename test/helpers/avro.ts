/** For tests of the Avro encoders that write values into shared slabs (generators/formats/avro-slab.ts). */

/**
 * n values made by `make` (from 0), each beside the bytes `encode` gave it, all written before any is checked: a later
 * value written over an earlier one's bytes shows when the caller then compares them with what they should be
 */
export function encodeKept<V>(n: number, make: (i: number) => V, encode: (v: V) => Buffer): [V, Buffer][] {
  const kept: [V, Buffer][] = [];
  for (let i = 0; i < n; i++) {
    const v = make(i);
    kept.push([v, encode(v)]);
  }
  return kept;
}
