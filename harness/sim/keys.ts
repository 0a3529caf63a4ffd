/**
 * Key choice with Zipf skew (hot keys), sampled in O(1) with Walker's alias method (Vose's
 * construction): two typed arrays of the key count, one uniform draw per sample.
 * s = 0 is uniform; s ≈ 1 is the classic "a few users make most of the traffic".
 */
import type { Rng } from '../../generators/rng.ts';

export class ZipfKeys {
  readonly count: number;
  private prob: Float64Array;
  private alias: Int32Array;

  constructor(count: number, s: number) {
    if (!(Number.isInteger(count) && count >= 1)) throw new RangeError('key count must be a whole number ≥ 1');
    this.count = count;
    const w = new Float64Array(count);
    let total = 0;
    for (let i = 0; i < count; i++) { w[i] = 1 / Math.pow(i + 1, s); total += w[i]!; }
    const p = new Float64Array(count), a = new Int32Array(count);
    const small: number[] = [], large: number[] = [];
    for (let i = 0; i < count; i++) { p[i] = (w[i]! * count) / total; (p[i]! < 1 ? small : large).push(i); }
    while (small.length && large.length) {
      const l = small.pop()!, g = large.pop()!;
      a[l] = g;
      p[g] = p[g]! + p[l]! - 1;
      (p[g]! < 1 ? small : large).push(g);
    }
    for (const i of large) p[i] = 1;
    for (const i of small) p[i] = 1;
    this.prob = p;
    this.alias = a;
  }

  /** a key index in [0, count); key 0 is the hottest */
  sample(rng: Rng): number {
    const u = rng.next() * this.count;
    const i = Math.floor(u);
    return u - i < this.prob[i]! ? i : this.alias[i]!;
  }
}

/** partition of a key: a multiplicative hash, so hot key ranks do not all land on partition 0 */
export function partitionOf(key: number, partitions: number): number {
  return (Math.imul(key + 1, 0x9e3779b1) >>> 0) % partitions;
}
