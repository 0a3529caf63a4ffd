/**
 * Partition of a key. Keys themselves come from the generators' Zipf sampler (hot keys); the
 * multiplicative hash spreads key ranks, so the hottest keys do not all land on partition 0.
 */
export function partitionOf(key: number, partitions: number): number {
  return (Math.imul(key + 1, 0x9e3779b1) >>> 0) % partitions;
}
