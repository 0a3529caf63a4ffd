/**
 * Transaction markers (control records): one-record batches with attributes 0x30 (control +
 * transactional), the transaction's producer id and epoch, and sequence -1. Key: version 0 (int16)
 * + type (int16: 0 abort, 1 commit); value: version 0 (int16) + coordinator epoch (int32).
 * EndTxn and the timeout abort write one to every partition of the transaction.
 */
import type { Cluster } from '../cluster.ts';
import { crc32c } from '../protocol/crc32c.ts';
import { encodeBatch, parseBatchHeader } from '../protocol/record-batch.ts';
import { noteMarker } from './partition-state.ts';

const CONTROL_TRANSACTIONAL = 0x30;

export function markerBatch(producerId: number, epoch: number, commit: boolean, now: number): Buffer {
  const key = Buffer.alloc(4);
  key.writeInt16BE(commit ? 1 : 0, 2);
  const value = Buffer.alloc(6);
  const b = encodeBatch([{ key, value, timestamp: now }], { producerId, producerEpoch: epoch, baseSequence: -1, now });
  b.writeInt16BE(CONTROL_TRANSACTIONAL, 21);
  b.writeUInt32BE(crc32c(b.subarray(21)), 17);
  return b;
}

/** appends the marker to each partition that still exists; returns how many were written */
export function writeMarkers(
  c: Cluster,
  parts: Iterable<{ topic: string; partition: number }>,
  producerId: number,
  epoch: number,
  commit: boolean,
): number {
  const batch = markerBatch(producerId, epoch, commit, c.now());
  const h = parseBatchHeader(batch);
  let n = 0;
  for (const { topic, partition } of parts) {
    const p = c.topics.get(topic)?.partitions[partition];
    if (!p) continue;
    const offset = p.log.append(batch, h, p.leaderEpoch);
    noteMarker(p.log, producerId, commit, offset);
    n++;
  }
  return n;
}
