/**
 * Transaction markers on a replicated cluster (Kafka's WriteTxnMarkers, carried on the nodes'
 * control mesh): the coordinator asks each partition's leader to append the commit or abort
 * marker; the leader appends it as any batch (replicated by the followers' fetches), notes it
 * (LSO, aborted index, pending offsets: txn-offsets.ts) and answers once its in-sync replicas
 * hold it. Partitions whose leader is down, moved or slow are asked again until every marker is
 * written or the coordinator stops being one (its successor resumes from the Prepare* state).
 *
 *   txn-markers {req, pid, epoch, commit, parts: [[topic, partition]]}   coordinator → leader
 *   txn-markers-ack {req, errors: [code]}                                leader → coordinator
 */
import type { Cluster } from '../cluster.ts';
import { parseBatchHeader } from '../protocol/record-batch.ts';
import type { Partition } from '../topics.ts';
import { markerBatch } from './markers.ts';
import { isControl } from './records.ts';
import { type OffsetsLog, txnBatchAppended } from './txn-offsets.ts';

export interface TxnHost {
  readonly me: number;
  /** the replicated offsets log: its topic gets transactional offsets (txn-offsets.ts) */
  readonly offsets: OffsetsLog;
  leads(p: Partition): boolean;
  /** the batch was appended on the leader (the high watermark may move) */
  appended(p: Partition): void;
  /** 0 once the high watermark passes `end`, or the error (6 not leader, 7 timed out) */
  awaitReplicated(p: Partition, end: number, timeoutMs: number): Promise<number>;
  send(node: number, msg: Record<string, unknown>): void;
}

const REPLICATE_MS = 5000;
const RETRY_MS = 100;
/** markers of one transaction are retried this often at most (about a minute) before the coordinator gives up */
const MAX_ROUNDS = 300;

type Part = [string, number];

/** appends an internal batch on this leader, notes it, and waits for the in-sync replicas: 0 or the error */
export async function appendHere(c: Cluster, host: TxnHost, topic: string, p: Partition, batch: Buffer) {
  if (!host.leads(p)) return { error: 6, base: -1 };
  const h = parseBatchHeader(batch, 0, false);
  const base = p.log.append(batch, h, p.leaderEpoch);
  // a marker's epoch fences the producer's older ones on this partition (Kafka's way)
  if (isControl(batch)) c.producers.marker(h.producerId, h.producerEpoch, topic, p.index);
  host.appended(p);
  txnBatchAppended(c, p, batch, base, topic === host.offsets.topic);
  return { error: await host.awaitReplicated(p, base + h.count, REPLICATE_MS), base };
}

export class MarkerChannel {
  private nextReq = 1;
  private readonly waiting = new Map<number, { resolve: (e: number[]) => void; timer: NodeJS.Timeout }>();

  constructor(
    private readonly c: Cluster,
    private readonly host: TxnHost,
  ) {}

  /** writes the marker to every partition here (this node must lead each); one error code per partition */
  async writeHere(parts: Part[], pid: number, epoch: number, commit: boolean): Promise<number[]> {
    return Promise.all(
      parts.map(async ([topic, index]) => {
        const p = this.c.topics.get(topic)?.partitions[index];
        if (!p) return 0; // deleted meanwhile: nothing to mark
        const batch = markerBatch(pid, epoch, commit, this.c.now());
        return (await appendHere(this.c, this.host, topic, p, batch)).error;
      }),
    );
  }

  /** a mesh message for the channel; true when it was one */
  onMessage(from: number, m: Record<string, unknown>): boolean {
    if (m.t === 'txn-markers') {
      const parts = m.parts as Part[];
      void this.writeHere(parts, m.pid as number, m.epoch as number, m.commit as boolean).then((errors) =>
        this.host.send(from, { t: 'txn-markers-ack', req: m.req, errors }),
      );
      return true;
    }
    if (m.t === 'txn-markers-ack') {
      const w = this.waiting.get(m.req as number);
      if (w) {
        this.waiting.delete(m.req as number);
        clearTimeout(w.timer);
        w.resolve(m.errors as number[]);
      }
      return true;
    }
    return false;
  }

  private ask(node: number, parts: Part[], pid: number, epoch: number, commit: boolean): Promise<number[]> {
    const req = this.nextReq++;
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.waiting.delete(req);
        resolve(parts.map(() => 7));
      }, REPLICATE_MS + 1000);
      this.waiting.set(req, { resolve, timer });
      this.host.send(node, { t: 'txn-markers', req, pid, epoch, commit, parts });
    });
  }

  /**
   * Markers to every partition, each on its current leader, retried until all are written; false
   * when `stillCoordinator` turns false or the rounds run out (the transaction stays Prepare*).
   */
  async writeAll(parts: Part[], pid: number, epoch: number, commit: boolean, stillCoordinator: () => boolean) {
    let todo = parts;
    for (let round = 0; todo.length > 0; round++) {
      if (!stillCoordinator() || round >= MAX_ROUNDS || this.c.closed) return false;
      if (round > 0) await new Promise((r) => setTimeout(r, RETRY_MS * Math.min(round, 10)));
      const byLeader = new Map<number, Part[]>();
      const left: Part[] = [];
      for (const part of todo) {
        const p = this.c.topics.get(part[0])?.partitions[part[1]];
        if (!p) continue;
        if (p.leader < 0) left.push(part);
        else byLeader.set(p.leader, [...(byLeader.get(p.leader) ?? []), part]);
      }
      const asked = [...byLeader].map(async ([node, list]) => {
        const errors =
          node === this.host.me
            ? await this.writeHere(list, pid, epoch, commit)
            : await this.ask(node, list, pid, epoch, commit);
        list.forEach((part, i) => {
          if (errors[i] !== 0) left.push(part);
        });
      });
      await Promise.all(asked);
      todo = left;
    }
    return true;
  }

  close(): void {
    for (const w of this.waiting.values()) {
      clearTimeout(w.timer);
      w.resolve([]);
    }
    this.waiting.clear();
  }
}
