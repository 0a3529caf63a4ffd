/**
 * Transaction state of one partition log: the open transactions (producer id → offset of its
 * first record here) that hold back the last stable offset, and the index of aborted
 * transactions (producer id, first offset, marker offset) that read_committed fetches return.
 * Kept beside the log (keyed by it) so the log itself stays transaction-agnostic.
 */
import type { PartitionLog } from '../log.ts';

interface AbortedTxn {
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

/** LSO = the first offset of any open transaction, or the high-water mark when none is open */
export function lastStableOffset(log: PartitionLog): number {
  const s = states.get(log);
  if (!s || s.open.size === 0) return log.visibleEnd;
  let lso = log.visibleEnd;
  for (const first of s.open.values()) if (first < lso) lso = first;
  return lso;
}

/** is the record at `offset` of `producerId` part of an aborted transaction */
export function isAborted(log: PartitionLog, producerId: number, offset: number): boolean {
  const s = states.get(log);
  if (!s) return false;
  return s.aborted.some((a) => a.producerId === producerId && a.firstOffset <= offset && offset < a.lastOffset);
}
