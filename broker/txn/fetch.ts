/**
 * read_committed (Fetch isolation_level 1): the batches a read returned, cut at the last stable
 * offset, and the aborted transactions that overlap them (producer id, first offset) so the
 * client can drop their records. Batches never straddle the LSO: it is a batch's base offset
 * (the first batch of the earliest open transaction) or the high-water mark.
 */
import type { PartitionLog } from '../log.ts';
import { baseOffsetOf } from '../protocol/record-batch.ts';
import { abortedBetween, lastStableOffset, type AbortedTxn } from './partition-state.ts';

export interface CommittedRead {
  batches: Buffer[];
  bytes: number;
  lso: number;
  aborted: AbortedTxn[];
}

export function committedRead(
  log: PartitionLog,
  offset: number,
  read: { batches: Buffer[]; bytes: number },
): CommittedRead {
  const lso = lastStableOffset(log);
  let { batches, bytes } = read;
  const cut = batches.findIndex((b) => baseOffsetOf(b) >= lso);
  if (cut >= 0) {
    batches = batches.slice(0, cut);
    bytes = batches.reduce((s, b) => s + b.length, 0);
  }
  const last = batches.at(-1);
  const end = last ? baseOffsetOf(last) + last.readInt32BE(23) + 1 : offset;
  return { batches, bytes, lso, aborted: abortedBetween(log, offset, end) };
}
