/**
 * Transaction state of a replicated cluster, kept as Kafka keeps it: records in the ordinary,
 * replicated partitions of `__transaction_state`. The coordinator of a transactional id is the
 * leader of partition hash(id) mod TXN_PARTITIONS; every state change of a transaction (a new
 * epoch, Ongoing with its partitions, PrepareCommit/PrepareAbort, CompleteCommit/CompleteAbort)
 * is appended there as one record and acted on only once the high watermark passes it. A node
 * elected leader of such a partition loads the latest record of each id from its own replica
 * (`loadTxnStates`), so it resumes where the dead coordinator stopped (replicated.ts).
 *
 * Record: key = the transactional id, value = JSON TxnRecord.
 */
import { createHash } from 'node:crypto';
import type { PartitionLog } from '../log.ts';
import { encodeBatch } from '../protocol/record-batch.ts';
import { isControl, keyValues } from './records.ts';

export const TXN_TOPIC = '__transaction_state';
export const TXN_PARTITIONS = 10;

export type TxnStatus = 'Empty' | 'Ongoing' | 'PrepareCommit' | 'PrepareAbort' | 'CompleteCommit' | 'CompleteAbort';

export interface TxnRecord {
  producerId: number;
  epoch: number;
  timeoutMs: number;
  status: TxnStatus;
  /** when the transaction began (Ongoing), for its timeout */
  startedAt: number;
  /** [topic, partition] of every partition the transaction wrote to (offsets partitions included) */
  partitions: Array<[string, number]>;
}

/** the __transaction_state partition of a transactional id (its leader coordinates it) */
export function txnPartitionFor(id: string): number {
  return createHash('md5').update(id).digest().readUInt32BE(0) % TXN_PARTITIONS;
}

export function encodeTxnRecord(id: string, rec: TxnRecord, now: number): Buffer {
  return encodeBatch([{ key: Buffer.from(id), value: Buffer.from(JSON.stringify(rec)), timestamp: now }], { now });
}

/** the latest state of every transactional id in one partition's log (up to its end) */
export function loadTxnStates(log: PartitionLog): Map<string, TxnRecord> {
  const out = new Map<string, TxnRecord>();
  for (const b of log.read(log.logStart, Number.MAX_SAFE_INTEGER, log.hwm).batches) {
    if (isControl(b)) continue;
    for (const { key, value } of keyValues(b)) {
      if (!key) continue;
      if (!value) {
        out.delete(key.toString());
        continue;
      }
      try {
        out.set(key.toString(), JSON.parse(value.toString()) as TxnRecord);
      } catch {
        // not a state record (someone produced to the internal topic): ignored
      }
    }
  }
  return out;
}
