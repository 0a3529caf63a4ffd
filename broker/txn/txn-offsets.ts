/**
 * TxnOffsetCommit on a replicated cluster, Kafka's way: the group coordinator (leader of the
 * group's __consumer_offsets partition) appends the offsets there as a transactional batch of
 * the producer (its id and epoch), in the format of ordinary commits (replication/offsets-log.ts,
 * handed in as OffsetsLog: broker/txn depends on no replication module). Leader
 * and followers alike keep them pending per producer; the transaction's commit marker on that
 * partition (AddOffsetsToTxn put it in the transaction) makes them the group's committed offsets,
 * an abort marker drops them. A coordinator elected after a death has replicated both the
 * pending records and the marker, so a committed transaction's offsets survive it.
 * And the notes every node makes of the transactional batches it appends (partition-state.ts).
 */
import type { Cluster } from '../cluster.ts';
import type { Committed } from '../offsets.ts';
import type { Partition } from '../topics.ts';
import { noteReplicatedBatch } from './partition-state.ts';
import {
  isControl,
  isTransactional,
  keyValues,
  markerCommits,
  producerEpochOf,
  producerIdOf,
  setAttributes,
  TRANSACTIONAL,
} from './records.ts';

interface PendingCommit {
  group: string;
  topic: string;
  partition: number;
  committed: Committed;
}

/** per node: offsets partition → producer id → its pending commits (and the epoch they came with) */
const pendingOf = new WeakMap<Cluster, Map<Partition, Map<number, { epoch: number; list: PendingCommit[] }>>>();

function pendingFor(c: Cluster, p: Partition): Map<number, { epoch: number; list: PendingCommit[] }> {
  let byPart = pendingOf.get(c);
  if (!byPart) {
    byPart = new Map();
    pendingOf.set(c, byPart);
  }
  let m = byPart.get(p);
  if (!m) {
    m = new Map();
    byPart.set(p, m);
  }
  return m;
}

export interface OffsetEntry {
  topic: string;
  partition: number;
  committed: Committed;
}

/** what the replicated cluster's offsets log (replication/offsets-log.ts) lends the transactions */
export interface OffsetsLog {
  topic: string;
  partitionFor(group: string): number;
  encode(group: string, entries: OffsetEntry[], now: number): Buffer;
}

/** the batch TxnOffsetCommit appends: ordinary commit records, transactional, of the producer */
export function encodeTxnCommits(
  log: OffsetsLog,
  group: string,
  entries: OffsetEntry[],
  pid: number,
  epoch: number,
  now: number,
) {
  const b = log.encode(group, entries, now);
  b.writeBigInt64BE(BigInt(pid), 43);
  b.writeInt16BE(epoch, 51);
  b.writeInt32BE(-1, 53);
  return setAttributes(b, TRANSACTIONAL);
}

/** the producer's epoch is older than one its pending offsets on this partition came with */
export function staleOffsetsEpoch(c: Cluster, p: Partition, pid: number, epoch: number): boolean {
  const e = pendingFor(c, p).get(pid)?.epoch;
  return e !== undefined && epoch < e;
}

function noteOffsetsBatch(c: Cluster, p: Partition, batch: Buffer): void {
  const pid = producerIdOf(batch);
  const pending = pendingFor(c, p);
  const commit = markerCommits(batch);
  if (commit !== undefined) {
    const entry = pending.get(pid);
    pending.delete(pid);
    if (commit && entry) for (const e of entry.list) c.offsets.commit(e.group, e.topic, e.partition, e.committed);
    return;
  }
  if (isControl(batch)) return;
  const entry = pending.get(pid) ?? { epoch: producerEpochOf(batch), list: [] };
  pending.set(pid, entry);
  for (const { key, value } of keyValues(batch)) {
    if (!key || !value) continue;
    try {
      const [group, topic, partition] = JSON.parse(key.toString()) as [string, string, number];
      entry.list.push({ group, topic, partition, committed: JSON.parse(value.toString()) as Committed });
    } catch {
      // not a commit record: ignored, as offsets-log.ts ignores them
    }
  }
}

/**
 * Every transactional batch a node appends, as leader (a marker, TxnOffsetCommit's records) or
 * as follower (anything replicated): the partition's open/aborted transactions, and on
 * __consumer_offsets the pending transactional offsets. Skips a non-transactional batch.
 */
export function txnBatchAppended(c: Cluster, p: Partition, batch: Buffer, base: number, offsetsTopic: boolean): void {
  if (!isTransactional(batch)) return;
  noteReplicatedBatch(p.log, batch, base);
  if (offsetsTopic) noteOffsetsBatch(c, p, batch);
}
