/**
 * Committed offsets of a replicated cluster, kept as Kafka keeps them: records in the ordinary,
 * replicated partitions of `__consumer_offsets`. A group's coordinator is the leader of partition
 * hash(group) mod OFFSETS_PARTITIONS; an OffsetCommit is appended there as one record per
 * (topic, partition) and answered once the high watermark passes it (every in-sync replica holds
 * it). Each follower applies the records it replicates to its own committed offsets, so the node
 * elected leader when the coordinator dies already knows every acknowledged commit: the group's
 * members rejoin there and resume from their committed offsets (not from their reset policy).
 *
 * Offset record: key = JSON [group, topic, partition], value = JSON { offset, leaderEpoch, metadata }.
 * Group record (Kafka's key version 2, GroupMetadataManager): key = JSON [group] (one element: the
 * shape tells the two apart), value = the group's last completed generation (group-records.ts),
 * written when SyncGroup completes it and when the group becomes empty; a null value (tombstone)
 * when it is deleted. Followers keep the latest per group; the node elected leader of the
 * partition loads them, so members heartbeating with that generation carry on without a rebalance.
 */
import { createHash } from 'node:crypto';
import type { Committed, Offsets } from '../offsets.ts';
import { encodeBatch, parseBatchHeader } from '../protocol/record-batch.ts';

export const OFFSETS_TOPIC = '__consumer_offsets';
export const OFFSETS_PARTITIONS = 10;

export interface OffsetEntry {
  topic: string;
  partition: number;
  committed: Committed;
}

/** the __consumer_offsets partition that holds a group's commits (its leader coordinates the group) */
export function offsetsPartitionFor(group: string): number {
  return createHash('md5').update(group).digest().readUInt32BE(0) % OFFSETS_PARTITIONS;
}

/** one batch with a record per committed partition */
export function encodeCommits(group: string, entries: OffsetEntry[], now: number): Buffer {
  return encodeBatch(
    entries.map((e) => ({
      key: Buffer.from(JSON.stringify([group, e.topic, e.partition])),
      value: Buffer.from(JSON.stringify(e.committed)),
      timestamp: now,
    })),
    { now },
  );
}

function varint(b: Buffer, at: { i: number }): number {
  let u = 0;
  let mul = 1;
  for (;;) {
    const x = b[at.i++]!;
    u += (x & 0x7f) * mul;
    if (x < 0x80) break;
    mul *= 128;
  }
  return u % 2 === 0 ? u / 2 : -(u + 1) / 2;
}

function bytes(b: Buffer, at: { i: number }): Buffer | null {
  const n = varint(b, at);
  if (n < 0) return null;
  const out = b.subarray(at.i, at.i + n);
  at.i += n;
  return out;
}

/** one batch with a group's metadata record (null: a tombstone, the group was deleted) */
export function encodeGroupRecord(group: string, value: object | null, now: number): Buffer {
  const v = value === null ? null : Buffer.from(JSON.stringify(value));
  return encodeBatch([{ key: Buffer.from(JSON.stringify([group])), value: v, timestamp: now }], { now });
}

/**
 * applies the commits of one replicated batch and hands its group records to `onGroup`
 * (anything else in the partition is skipped)
 */
export function applyCommits(
  batch: Buffer,
  offsets: Offsets,
  onGroup?: (group: string, value: unknown) => void,
): number {
  const h = parseBatchHeader(batch, 0, false);
  if ((batch.readInt16BE(21) & 0x07) !== 0) return 0; // compressed: not ours
  const at = { i: 61 }; // past the v2 batch header
  let applied = 0;
  try {
    for (let k = 0; k < h.count; k++) {
      const len = varint(batch, at);
      const end = at.i + len;
      at.i++; // attributes
      varint(batch, at); // timestamp delta
      varint(batch, at); // offset delta
      const key = bytes(batch, at);
      const value = bytes(batch, at);
      at.i = end;
      if (!key) continue;
      const k = JSON.parse(key.toString()) as [string, string, number] | [string];
      if (k.length === 1) {
        onGroup?.(k[0], value ? JSON.parse(value.toString()) : null);
        continue;
      }
      if (!value) continue;
      const [group, topic, partition] = k;
      offsets.commit(group, topic, partition, JSON.parse(value.toString()) as Committed);
      applied++;
    }
  } catch {
    // not a commit record (someone produced to __consumer_offsets): ignored
  }
  return applied;
}
