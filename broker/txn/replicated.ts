/**
 * The transaction coordinator of a replicated cluster (one per node process). A node coordinates
 * the transactional ids of the __transaction_state partitions it leads (txn-log.ts); others get
 * NOT_COORDINATOR (16). Every state change is appended there first and applied in memory only
 * once the in-sync replicas hold it, so a node elected leader of the partition loads exactly the
 * acknowledged states and resumes Kafka's way: PrepareCommit/PrepareAbort are completed (their
 * markers written again: marker-channel.ts), Ongoing transactions go on (the producer may still
 * add partitions and end them) or are aborted at their timeout. EndTxn answers after the markers
 * are written and CompleteCommit/CompleteAbort is replicated. Epoch rules and error codes are
 * those of the single node's coordinator (coordinator.ts).
 */
import type { Cluster } from '../cluster.ts';
import {
  loadTxnStates,
  TXN_TOPIC,
  encodeTxnRecord,
  txnPartitionFor,
  type TxnRecord,
  type TxnStatus,
} from './txn-log.ts';
import type { Partition } from '../topics.ts';
import { type PendingOffset, TXN_ERR } from './coordinator.ts';
import { appendHere, MarkerChannel, type TxnHost } from './marker-channel.ts';
import { encodeTxnCommits, type OffsetsLog, staleOffsetsEpoch } from './txn-offsets.ts';

const NOT_COORDINATOR = 16;
const COORDINATOR_NOT_AVAILABLE = 15;
const MAX_TXN_TIMEOUT_MS = 900_000;
const MAX_EPOCH = 32_767;
const EXPIRE_CHECK_MS = 500;

type Result = { error: number; producerId: number; epoch: number };

export class ReplicatedTxns {
  private readonly byId = new Map<string, TxnRecord>();
  private readonly locks = new Map<string, Promise<unknown>>();
  readonly markers: MarkerChannel;
  readonly counts = { committed: 0, aborted: 0, timedOut: 0, resumed: 0 };
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly c: Cluster,
    private readonly host: TxnHost,
  ) {
    this.markers = new MarkerChannel(c, host);
    this.timer = setInterval(() => this.expire(), EXPIRE_CHECK_MS);
    this.timer.unref();
  }

  close(): void {
    clearInterval(this.timer);
    this.markers.close();
  }

  private partitionOf(id: string): Partition | undefined {
    return this.c.topics.get(TXN_TOPIC)?.partitions[txnPartitionFor(id)];
  }

  private coordinates(id: string): boolean {
    const p = this.partitionOf(id);
    return p !== undefined && this.host.leads(p);
  }

  /** FindCoordinator key type 1: the live leader of the id's partition */
  coordinatorFor(id: string) {
    const p = this.partitionOf(id);
    if (!p || p.leader < 0) return undefined;
    return this.c.nodes.find((n) => n.id === p.leader && n.alive);
  }

  /** one operation at a time per transactional id */
  private locked<T>(id: string, fn: () => Promise<T>): Promise<T> {
    const prev = this.locks.get(id) ?? Promise.resolve();
    const next = prev.then(fn, fn);
    const tail = next.catch(() => {});
    this.locks.set(id, tail);
    void tail.then(() => {
      if (this.locks.get(id) === tail) this.locks.delete(id);
    });
    return next;
  }

  /** appends the new state; applied here once replicated. 0 or the error for the client */
  private async persist(id: string, rec: TxnRecord): Promise<number> {
    const p = this.partitionOf(id);
    if (!p || !this.host.leads(p)) return NOT_COORDINATOR;
    const { error } = await appendHere(this.c, this.host, TXN_TOPIC, p, encodeTxnRecord(id, rec, this.c.now()));
    if (error !== 0 || !this.host.leads(p))
      return error === 6 || !this.host.leads(p) ? NOT_COORDINATOR : COORDINATOR_NOT_AVAILABLE;
    this.byId.set(id, rec);
    return 0;
  }

  private bumped(m: TxnRecord): TxnRecord {
    if (m.epoch < MAX_EPOCH) return { ...m, epoch: m.epoch + 1 };
    return { ...m, producerId: this.c.producers.allocate().producerId, epoch: 0 };
  }

  /** PrepareX → markers → CompleteX; 0, or the error (the transaction stays Prepare*, resumed later) */
  private async finish(id: string, m: TxnRecord, commit: boolean): Promise<number> {
    const prepare: TxnStatus = commit ? 'PrepareCommit' : 'PrepareAbort';
    if (m.status !== prepare) {
      const e = await this.persist(id, { ...m, status: prepare });
      if (e) return e;
    }
    const ok = await this.markers.writeAll(m.partitions, m.producerId, m.epoch, commit, () => this.coordinates(id));
    if (!ok) return this.coordinates(id) ? COORDINATOR_NOT_AVAILABLE : NOT_COORDINATOR;
    const e = await this.persist(id, {
      ...m,
      status: commit ? 'CompleteCommit' : 'CompleteAbort',
      partitions: [],
    });
    if (e === 0) this.counts[commit ? 'committed' : 'aborted']++;
    return e;
  }

  initProducerId(id: string, timeoutMs: number): Promise<Result> {
    const fail = (error: number): Result => ({ error, producerId: -1, epoch: -1 });
    if (id === '') return Promise.resolve(fail(TXN_ERR.INVALID_REQUEST));
    if (!(timeoutMs > 0 && timeoutMs <= MAX_TXN_TIMEOUT_MS))
      return Promise.resolve(fail(TXN_ERR.INVALID_TRANSACTION_TIMEOUT));
    return this.locked(id, async () => {
      if (!this.coordinates(id)) return fail(NOT_COORDINATOR);
      const m = this.byId.get(id);
      if (m?.status === 'PrepareCommit' || m?.status === 'PrepareAbort') {
        // a completion cut short (markers not all written): finish it, then the client retries
        await this.finish(id, m, m.status === 'PrepareCommit');
        return fail(TXN_ERR.CONCURRENT_TRANSACTIONS);
      }
      if (m?.status === 'Ongoing') {
        // a new instance of the producer: fence the old one (a new epoch) and abort what it left open
        await this.finish(id, this.bumped(m), false);
        return fail(TXN_ERR.CONCURRENT_TRANSACTIONS);
      }
      const next: TxnRecord = m
        ? { ...this.bumped(m), timeoutMs, status: 'Empty', startedAt: 0, partitions: [] }
        : {
            producerId: this.c.producers.allocate().producerId,
            epoch: 0,
            timeoutMs,
            status: 'Empty',
            startedAt: 0,
            partitions: [],
          };
      const error = await this.persist(id, next);
      return error ? fail(error) : { error: 0, producerId: next.producerId, epoch: next.epoch };
    });
  }

  /** the transaction of (id, producer id, epoch), or the error code for a mismatch */
  private verify(id: string, producerId: number, epoch: number): TxnRecord | number {
    if (!this.coordinates(id)) return NOT_COORDINATOR;
    const m = this.byId.get(id);
    if (!m || m.producerId !== producerId) return TXN_ERR.INVALID_PRODUCER_ID_MAPPING;
    if (epoch !== m.epoch) return TXN_ERR.INVALID_PRODUCER_EPOCH;
    if (m.status === 'PrepareCommit' || m.status === 'PrepareAbort') return TXN_ERR.CONCURRENT_TRANSACTIONS;
    return m;
  }

  /** AddPartitionsToTxn: one error code per partition */
  addPartitions(id: string, producerId: number, epoch: number, parts: Array<{ topic: string; partition: number }>) {
    return this.locked(id, async () => {
      const m = this.verify(id, producerId, epoch);
      if (typeof m === 'number') return parts.map(() => m);
      const unknown = parts.map(({ topic, partition }) => !this.c.topics.get(topic)?.partitions[partition]);
      if (unknown.some(Boolean))
        return unknown.map((u) => (u ? TXN_ERR.UNKNOWN_TOPIC_OR_PARTITION : TXN_ERR.OPERATION_NOT_ATTEMPTED));
      const ongoing = m.status === 'Ongoing';
      const have = new Set(ongoing ? m.partitions.map(([t, p]) => `${t}\0${p}`) : []);
      const added = parts.filter((p) => !have.has(`${p.topic}\0${p.partition}`));
      if (ongoing && added.length === 0) return parts.map(() => 0);
      const error = await this.persist(id, {
        ...m,
        status: 'Ongoing',
        startedAt: ongoing ? m.startedAt : this.c.now(),
        partitions: [...(ongoing ? m.partitions : []), ...added.map((p): [string, number] => [p.topic, p.partition])],
      });
      return parts.map(() => error);
    });
  }

  /** AddOffsetsToTxn: the group's __consumer_offsets partition joins the transaction */
  async addOffsets(id: string, producerId: number, epoch: number, group: string): Promise<number> {
    const { offsets } = this.host;
    const errors = await this.addPartitions(id, producerId, epoch, [
      { topic: offsets.topic, partition: offsets.partitionFor(group) },
    ]);
    return errors[0] ?? 0;
  }

  endTxn(id: string, producerId: number, epoch: number, commit: boolean): Promise<number> {
    return this.locked(id, async () => {
      if (!this.coordinates(id)) return NOT_COORDINATOR;
      const m = this.byId.get(id);
      if (!m || m.producerId !== producerId) return TXN_ERR.INVALID_PRODUCER_ID_MAPPING;
      if (epoch !== m.epoch) return TXN_ERR.INVALID_PRODUCER_EPOCH;
      const prepare = commit ? 'PrepareCommit' : 'PrepareAbort';
      if (m.status === 'Ongoing' || m.status === prepare) return this.finish(id, m, commit);
      // a retried EndTxn of the same outcome succeeds; anything else is out of order
      if (m.status === (commit ? 'CompleteCommit' : 'CompleteAbort')) return 0;
      return TXN_ERR.INVALID_TXN_STATE;
    });
  }

  /**
   * TxnOffsetCommit, on the group's coordinator (not the transaction's): the offsets go into the
   * group's __consumer_offsets partition as the producer's transactional records (txn-offsets.ts)
   */
  async txnOffsetCommit(group: string, producerId: number, epoch: number, offsets: PendingOffset[]): Promise<number> {
    const { offsets: log } = this.host;
    const p = this.c.topics.get(log.topic)?.partitions[log.partitionFor(group)];
    if (!p || !this.host.leads(p)) return NOT_COORDINATOR;
    if (staleOffsetsEpoch(this.c, p, producerId, epoch)) return TXN_ERR.INVALID_PRODUCER_EPOCH;
    if (offsets.length === 0) return 0;
    const entries = offsets.map((o) => ({
      topic: o.topic,
      partition: o.partition,
      committed: { offset: o.offset, leaderEpoch: o.leaderEpoch, metadata: o.metadata },
    }));
    const batch = encodeTxnCommits(log, group, entries, producerId, epoch, this.c.now());
    const { error } = await appendHere(this.c, this.host, log.topic, p, batch);
    return error === 0 ? 0 : error === 6 ? NOT_COORDINATOR : COORDINATOR_NOT_AVAILABLE;
  }

  /** aborts (and fences) every transaction open longer than its timeout */
  private expire(): void {
    const now = this.c.now();
    for (const [id, m] of this.byId) {
      if (m.status !== 'Ongoing' || now - m.startedAt <= m.timeoutMs || !this.coordinates(id)) continue;
      void this.locked(id, async () => {
        const cur = this.byId.get(id);
        if (cur?.status !== 'Ongoing' || this.c.now() - cur.startedAt <= cur.timeoutMs) return;
        if ((await this.finish(id, this.bumped(cur), false)) === 0) this.counts.timedOut++;
      });
    }
  }

  /** leadership of a __transaction_state partition changed on this node */
  onLeadership(index: number, p: Partition, leads: boolean): void {
    for (const id of [...this.byId.keys()]) if (txnPartitionFor(id) === index) this.byId.delete(id);
    if (!leads) return;
    for (const [id, rec] of loadTxnStates(p.log)) {
      this.byId.set(id, rec);
      if (rec.status === 'PrepareCommit' || rec.status === 'PrepareAbort') {
        this.counts.resumed++;
        void this.locked(id, async () => {
          const cur = this.byId.get(id);
          if (cur?.status === 'PrepareCommit' || cur?.status === 'PrepareAbort')
            await this.finish(id, cur, cur.status === 'PrepareCommit');
        });
      }
    }
  }

  summary(): { ids: number; ongoing: number } {
    let ongoing = 0;
    for (const m of this.byId.values()) if (m.status === 'Ongoing') ongoing++;
    return { ids: this.byId.size, ongoing };
  }
}

const registry = new WeakMap<Cluster, ReplicatedTxns>();

function setReplicatedTxns(c: Cluster, t: ReplicatedTxns): void {
  registry.set(c, t);
}

/** the node's replicated coordinator, or undefined on a single node (coordinator.ts serves it) */
export function replicatedTxnsOf(c: Cluster): ReplicatedTxns | undefined {
  return registry.get(c);
}

/** a node's coordinator, wired to its replicas (leadership, appends) and its control mesh */
export function startReplicatedTxns(
  c: Cluster,
  replicas: {
    me: number;
    leads(p: Partition): boolean;
    appended(p: Partition): void;
    awaitReplicated(p: Partition, end: number, timeoutMs: number): Promise<number>;
    onLeadership: (topic: string, index: number, p: Partition, leads: boolean) => void;
  },
  send: (node: number, msg: Record<string, unknown>) => void,
  offsets: OffsetsLog,
): ReplicatedTxns {
  const t = new ReplicatedTxns(c, {
    me: replicas.me,
    offsets,
    leads: (p) => replicas.leads(p),
    appended: (p) => replicas.appended(p),
    awaitReplicated: (p, end, ms) => replicas.awaitReplicated(p, end, ms),
    send,
  });
  replicas.onLeadership = (topic, index, p, leads) => {
    if (topic === TXN_TOPIC) t.onLeadership(index, p, leads);
  };
  setReplicatedTxns(c, t);
  return t;
}
