/**
 * The transaction coordinator: transactional ids → producer id, epoch and the state of the
 * current transaction (Empty → Ongoing → CompleteCommit | CompleteAbort). EndTxn completes
 * synchronously: the markers are written to every partition of the transaction before it
 * answers, so PrepareCommit/PrepareAbort never show. A transaction open longer than its timeout
 * is aborted by `expire()` after its epoch is bumped, which fences the producer, as Kafka does.
 * Error codes follow AK 2.x for the versions served: a stale epoch is INVALID_PRODUCER_EPOCH (47),
 * which clients at these versions show as "fenced".
 */
import type { Cluster } from '../cluster.ts';
import { writeMarkers } from './markers.ts';
import type { PartitionLog } from '../log.ts';
import { noteTransactionalAppend } from './partition-state.ts';

export const TXN_ERR = {
  NONE: 0,
  UNKNOWN_TOPIC_OR_PARTITION: 3,
  INVALID_REQUEST: 42,
  INVALID_PRODUCER_EPOCH: 47,
  INVALID_TXN_STATE: 48,
  INVALID_PRODUCER_ID_MAPPING: 49,
  INVALID_TRANSACTION_TIMEOUT: 50,
  CONCURRENT_TRANSACTIONS: 51,
  OPERATION_NOT_ATTEMPTED: 55,
} as const;

/** Kafka's transaction.max.timeout.ms default */
const MAX_TXN_TIMEOUT_MS = 900_000;
const MAX_EPOCH = 32_767;

type Status = 'Empty' | 'Ongoing' | 'CompleteCommit' | 'CompleteAbort';

export interface PendingOffset {
  topic: string;
  partition: number;
  offset: number;
  leaderEpoch: number;
  metadata: string | null;
}

interface TxnMeta {
  id: string;
  producerId: number;
  epoch: number;
  timeoutMs: number;
  status: Status;
  startedAt: number;
  partitions: Map<string, { topic: string; partition: number }>;
  /** TxnOffsetCommit offsets per group, committed with the transaction */
  offsets: Map<string, PendingOffset[]>;
}

export class Transactions {
  private readonly byId = new Map<string, TxnMeta>();
  private readonly byPid = new Map<number, TxnMeta>();
  /** transactions committed and aborted (the timeout aborts included) */
  readonly counts = { committed: 0, aborted: 0, timedOut: 0 };

  constructor(private readonly c: Cluster) {}

  initProducerId(id: string, timeoutMs: number): { error: number; producerId: number; epoch: number } {
    const fail = (error: number) => ({ error, producerId: -1, epoch: -1 });
    if (id === '') return fail(TXN_ERR.INVALID_REQUEST);
    if (!(timeoutMs > 0 && timeoutMs <= MAX_TXN_TIMEOUT_MS)) return fail(TXN_ERR.INVALID_TRANSACTION_TIMEOUT);
    let m = this.byId.get(id);
    if (!m) {
      const { producerId } = this.c.producers.allocate();
      m = {
        id,
        producerId,
        epoch: -1,
        timeoutMs,
        status: 'Empty',
        startedAt: 0,
        partitions: new Map(),
        offsets: new Map(),
      };
      this.byId.set(id, m);
      this.byPid.set(producerId, m);
    } else if (m.status === 'Ongoing') {
      // a new instance of the producer: fence the old one and abort what it left open; the client retries
      this.bumpEpoch(m);
      this.complete(m, false);
      return fail(TXN_ERR.CONCURRENT_TRANSACTIONS);
    }
    this.bumpEpoch(m);
    m.timeoutMs = timeoutMs;
    m.status = 'Empty';
    return { error: TXN_ERR.NONE, producerId: m.producerId, epoch: m.epoch };
  }

  private bumpEpoch(m: TxnMeta): void {
    if (m.epoch < MAX_EPOCH) {
      m.epoch++;
      return;
    }
    this.byPid.delete(m.producerId);
    m.producerId = this.c.producers.allocate().producerId;
    m.epoch = 0;
    this.byPid.set(m.producerId, m);
  }

  /** the transaction of (id, producer id, epoch), or the error code for a mismatch */
  private verify(id: string, producerId: number, epoch: number): TxnMeta | number {
    const m = this.byId.get(id);
    if (!m || m.producerId !== producerId) return TXN_ERR.INVALID_PRODUCER_ID_MAPPING;
    if (epoch !== m.epoch) return TXN_ERR.INVALID_PRODUCER_EPOCH;
    return m;
  }

  private begin(m: TxnMeta): void {
    if (m.status === 'Ongoing') return;
    m.status = 'Ongoing';
    m.startedAt = this.c.now();
    m.partitions.clear();
    m.offsets.clear();
  }

  /** AddPartitionsToTxn: one error code per partition (all fail alike when the producer is wrong) */
  addPartitions(
    id: string,
    producerId: number,
    epoch: number,
    parts: Array<{ topic: string; partition: number }>,
  ): number[] {
    const m = this.verify(id, producerId, epoch);
    if (typeof m === 'number') return parts.map(() => m);
    const unknown = parts.map(({ topic, partition }) => !this.c.topics.get(topic)?.partitions[partition]);
    if (unknown.some(Boolean))
      return unknown.map((u) => (u ? TXN_ERR.UNKNOWN_TOPIC_OR_PARTITION : TXN_ERR.OPERATION_NOT_ATTEMPTED));
    this.begin(m);
    for (const p of parts) m.partitions.set(`${p.topic}\0${p.partition}`, p);
    return parts.map(() => TXN_ERR.NONE);
  }

  addOffsets(id: string, producerId: number, epoch: number, group: string): number {
    const m = this.verify(id, producerId, epoch);
    if (typeof m === 'number') return m;
    this.begin(m);
    if (!m.offsets.has(group)) m.offsets.set(group, []);
    return TXN_ERR.NONE;
  }

  /** TxnOffsetCommit: buffers the offsets until EndTxn; an error for the whole request, or 0 */
  txnOffsetCommit(id: string, group: string, producerId: number, epoch: number, offsets: PendingOffset[]): number {
    const m = this.verify(id, producerId, epoch);
    if (typeof m === 'number') return m;
    if (m.status !== 'Ongoing') return TXN_ERR.INVALID_TXN_STATE;
    const list = m.offsets.get(group) ?? [];
    m.offsets.set(group, list);
    list.push(...offsets);
    return TXN_ERR.NONE;
  }

  endTxn(id: string, producerId: number, epoch: number, commit: boolean): number {
    const m = this.verify(id, producerId, epoch);
    if (typeof m === 'number') return m;
    if (m.status === 'Ongoing') {
      this.complete(m, commit);
      return TXN_ERR.NONE;
    }
    // a retried EndTxn of the same outcome succeeds; anything else is out of order
    if (m.status === (commit ? 'CompleteCommit' : 'CompleteAbort')) return TXN_ERR.NONE;
    return TXN_ERR.INVALID_TXN_STATE;
  }

  private complete(m: TxnMeta, commit: boolean): void {
    writeMarkers(this.c, m.partitions.values(), m.producerId, m.epoch, commit);
    if (commit)
      for (const [group, list] of m.offsets)
        for (const o of list)
          if (this.c.topics.get(o.topic)?.partitions[o.partition])
            this.c.offsets.commit(group, o.topic, o.partition, {
              offset: o.offset,
              leaderEpoch: o.leaderEpoch,
              metadata: o.metadata,
            });
    m.status = commit ? 'CompleteCommit' : 'CompleteAbort';
    m.partitions.clear();
    m.offsets.clear();
    if (commit) this.counts.committed++;
    else this.counts.aborted++;
  }

  /** aborts (and fences) every transaction open longer than its timeout; returns how many */
  expire(now = this.c.now()): number {
    let n = 0;
    for (const m of this.byId.values()) {
      if (m.status !== 'Ongoing' || now - m.startedAt <= m.timeoutMs) continue;
      this.bumpEpoch(m);
      this.complete(m, false);
      this.counts.timedOut++;
      n++;
    }
    return n;
  }

  /**
   * Produce's check for a batch of `producerId`: a stale epoch is fenced (47); a transactional
   * batch must belong to an ongoing transaction that added this partition (48). 0 = append.
   */
  checkProduce(producerId: number, epoch: number, transactional: boolean, topic: string, partition: number): number {
    const m = this.byPid.get(producerId);
    if (!m) return transactional ? TXN_ERR.INVALID_PRODUCER_ID_MAPPING : TXN_ERR.NONE;
    if (epoch < m.epoch) return TXN_ERR.INVALID_PRODUCER_EPOCH;
    if (!transactional) return TXN_ERR.NONE;
    if (m.status !== 'Ongoing' || !m.partitions.has(`${topic}\0${partition}`)) return TXN_ERR.INVALID_TXN_STATE;
    return TXN_ERR.NONE;
  }

  /** the number of transactional ids known, and how many have a transaction open */
  summary(): { ids: number; ongoing: number } {
    let ongoing = 0;
    for (const m of this.byId.values()) if (m.status === 'Ongoing') ongoing++;
    return { ids: this.byId.size, ongoing };
  }
}

const coordinators = new WeakMap<Cluster, Transactions>();

/** the cluster's transaction coordinator (created on first use) */
export function txnsOf(c: Cluster): Transactions {
  let t = coordinators.get(c);
  if (!t) {
    t = new Transactions(c);
    coordinators.set(c, t);
  }
  return t;
}

const TRANSACTIONAL = 0x10;

/** Produce's hooks: before the append (an error code, or 0), and after it (opens the partition's transaction) */
export function produceCheck(
  c: Cluster,
  h: { attributes: number; producerId: number; producerEpoch: number },
  topic: string,
  partition: number,
): number {
  // a replicated cluster's partition leader is rarely the transaction's coordinator: epochs are
  // checked per partition (producers.ts), the transaction's partitions by its coordinator
  if (h.producerId < 0 || c.replication) return TXN_ERR.NONE;
  return txnsOf(c).checkProduce(h.producerId, h.producerEpoch, (h.attributes & TRANSACTIONAL) !== 0, topic, partition);
}

export function produceAppended(log: PartitionLog, h: { attributes: number; producerId: number }, base: number): void {
  if ((h.attributes & TRANSACTIONAL) !== 0) noteTransactionalAppend(log, h.producerId, base);
}
