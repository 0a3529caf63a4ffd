/**
 * Transaction state of one partition log: the open transactions (producer id → offset of its
 * first record here) that hold back the last stable offset, and the index of aborted
 * transactions (producer id, first offset, marker offset) that read_committed fetches return.
 * Kept beside the log (keyed by it) so the log itself stays transaction-agnostic.
 */
import type { PartitionLog } from '../log.ts';
import { isControl, isTransactional, markerCommits, producerIdOf } from './records.ts';

export interface AbortedTxn {
  producerId: number;
  firstOffset: number;
  /** offset of the abort marker */
  lastOffset: number;
}

interface PartTxn {
  open: Map<number, number>;
  aborted: AbortedTxn[];
}

const states = new WeakMap<PartitionLog, PartTxn>();

function stateOf(log: PartitionLog): PartTxn {
  let s = states.get(log);
  if (!s) {
    s = { open: new Map(), aborted: [] };
    states.set(log, s);
  }
  return s;
}

/** LSO = the first offset of any open transaction, or the high-water mark when none is open */
export function lastStableOffset(log: PartitionLog): number {
  const s = states.get(log);
  if (!s || s.open.size === 0) return log.visibleEnd;
  let lso = log.visibleEnd;
  for (const first of s.open.values()) if (first < lso) lso = first;
  return lso;
}

/** a transactional batch of `producerId` was appended at `base` */
export function noteTransactionalAppend(log: PartitionLog, producerId: number, base: number): void {
  const s = stateOf(log);
  if (!s.open.has(producerId)) s.open.set(producerId, base);
}

/** the producer's transaction on this partition ended with a marker at `markerOffset` */
export function noteMarker(log: PartitionLog, producerId: number, commit: boolean, markerOffset: number): void {
  const s = stateOf(log);
  const first = s.open.get(producerId);
  s.open.delete(producerId);
  if (!commit && first !== undefined) s.aborted.push({ producerId, firstOffset: first, lastOffset: markerOffset });
}

/** aborted transactions overlapping [from, to): marker at or after `from`, first offset before `to` */
export function abortedBetween(log: PartitionLog, from: number, to: number): AbortedTxn[] {
  const s = states.get(log);
  if (!s || s.aborted.length === 0) return [];
  // entries wholly below the log start can never be fetched again
  while (s.aborted.length > 0 && s.aborted[0]!.lastOffset < log.logStart) s.aborted.shift();
  return s.aborted.filter((a) => a.lastOffset >= from && a.firstOffset < to);
}

/** is the record at `offset` of `producerId` part of an aborted transaction */
export function isAborted(log: PartitionLog, producerId: number, offset: number): boolean {
  const s = states.get(log);
  if (!s) return false;
  return s.aborted.some((a) => a.producerId === producerId && a.firstOffset <= offset && offset < a.lastOffset);
}

/** a follower appended `batch` at `base`: the same notes the leader made when it was written */
export function noteReplicatedBatch(log: PartitionLog, batch: Buffer, base: number): void {
  if (!isTransactional(batch)) return;
  const commit = markerCommits(batch);
  if (commit === undefined) {
    if (!isControl(batch)) noteTransactionalAppend(log, producerIdOf(batch), base);
  } else noteMarker(log, producerIdOf(batch), commit, base);
}

/** after a truncation (a follower's divergent suffix dropped): the notes again, from the log itself */
export function rebuildTxnState(log: PartitionLog): void {
  const s = states.get(log);
  if (!s) return;
  s.open.clear();
  s.aborted.length = 0;
  for (const b of log.read(log.logStart, Number.MAX_SAFE_INTEGER, log.hwm).batches)
    noteReplicatedBatch(log, b, Number(b.readBigInt64BE(0)));
}
