/**
 * Fetch (key 1), v4–11 (none flexible).
 * Request: replica_id INT32, max_wait_ms INT32, min_bytes INT32, max_bytes INT32, isolation_level INT8,
 *   session_id INT32 (v7+), session_epoch INT32 (v7+),
 *   topics [topic STRING, partitions [partition INT32, current_leader_epoch INT32 (v9+),
 *     fetch_offset INT64, log_start_offset INT64 (v5+), partition_max_bytes INT32]],
 *   forgotten_topics_data [topic STRING, partitions [INT32]] (v7+), rack_id STRING (v11+)
 * Response: throttle_time_ms INT32, error_code INT16 (v7+), session_id INT32 (v7+),
 *   responses [topic STRING, partitions [partition_index INT32, error_code INT16, high_watermark INT64,
 *     last_stable_offset INT64, log_start_offset INT64 (v5+),
 *     aborted_transactions NULLABLE [producer_id INT64, first_offset INT64],
 *     preferred_read_replica INT32 (v11+), records RECORDS]]
 * isolation_level 1 (read_committed) stops at the last stable offset and returns aborted_transactions.
 * Whole stored batches from the one containing fetch_offset (KIP-74: the first even if too big);
 * records are never null (librdkafka rejects that); session_id is always 0 (no fetch sessions).
 * With less than min_bytes available the request is parked, as Kafka's delayed fetch, until appends to its
 * partitions bring what it could return to min_bytes, or max_wait_ms (capped by maxFetchWaitMs) passes.
 */
import type { Cluster } from '../cluster.ts';
import type { PartitionLog } from '../log.ts';
import { Writer } from '../protocol/writer.ts';
import type { Partition } from '../topics.ts';
import { committedRead } from '../txn/fetch.ts';
import { lastStableOffset, type AbortedTxn } from '../txn/partition-state.ts';
import { ERR, type Api, type ApiContext } from './types.ts';

interface Want {
  topic: string;
  parts: Array<{ partition: number; offset: number; maxBytes: number }>;
}

/**
 * replicaId >= 0: a follower's fetch (replicated clusters), which reads to the log end, not the HWM;
 * readCommitted (isolation_level 1) stops at the last stable offset
 */
function collect(ctx: ApiContext, wants: Want[], maxBytes: number, replicaId = -1, readCommitted = false) {
  const c = ctx.cluster;
  let total = 0;
  const out = wants.map(({ topic, parts }) => {
    const t = c.topics.get(topic);
    return {
      topic,
      parts: parts.map(({ partition, offset, maxBytes: pmax }) => {
        const p: Partition | undefined = t?.partitions[partition];
        const base = {
          partition,
          hwm: p?.log.visibleEnd ?? -1,
          lso: p ? lastStableOffset(p.log) : -1,
          aborted: null as AbortedTxn[] | null,
          logStart: p?.log.logStart ?? -1,
          batches: [] as Buffer[],
          bytes: 0,
        };
        if (ctx.forcedError !== undefined) return { ...base, error: ctx.forcedError };
        const denied = ctx.session?.deny('topic', topic, 'read');
        if (denied) return { ...base, error: denied };
        if (!p) return { ...base, error: ERR.UNKNOWN_TOPIC_OR_PARTITION };
        if (p.leader !== ctx.node) return { ...base, error: ERR.NOT_LEADER_OR_FOLLOWER };
        const end = replicaId >= 0 ? p.log.hwm : p.log.visibleEnd;
        if (offset < p.log.logStart || offset > end) return { ...base, error: ERR.OFFSET_OUT_OF_RANGE };
        if (replicaId >= 0) c.replication?.onReplicaFetch(replicaId, topic, p, offset);
        const budget = Math.min(pmax, Math.max(0, maxBytes - total));
        let got = total > 0 && budget === 0 ? { batches: [], bytes: 0 } : p.log.read(offset, budget, end);
        // read_committed stops at the last stable offset and lists the aborted transactions (txn/fetch.ts)
        const committed = readCommitted && replicaId < 0 ? committedRead(p.log, offset, got) : undefined;
        if (committed) got = committed;
        total += got.bytes;
        return { ...base, error: ERR.NONE, ...got, aborted: committed?.aborted ?? null };
      }),
    };
  });
  return { out, total };
}

type Collected = ReturnType<typeof collect>;

function failed(res: Collected): boolean {
  return res.out.some((t) => t.parts.some((p) => p.error !== ERR.NONE));
}

/**
 * Kafka's delayed fetch: waits until the request could return `need` bytes, or `waitMs` passes, or the
 * broker closes. Appends to its partitions add their sizes to an estimate (an upper bound: a partition's
 * budget, the high watermark of a replicated log and read_committed's last stable offset can hold some
 * back), and the request is collected again only once the estimate reaches `need`, or after a wake that
 * appended nothing (a replicated high watermark moved, a topic went). So an append costs a sum, not a
 * read of the whole response. Resolves with the collection that satisfied it (or failed), else undefined
 * (the caller collects what is there).
 */
function park(
  c: Cluster,
  logs: PartitionLog[],
  have: number,
  need: number,
  waitMs: number,
  again: () => Collected,
): Promise<Collected | undefined> {
  return new Promise((resolve) => {
    const seen = logs.map((l) => l.appended);
    let estimate = have;
    let queued = false;
    let done = false;
    const finish = (res?: Collected): void => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      leave();
      for (const stop of stops) stop();
      resolve(res);
    };
    // after the appending request's turn, as the promise this replaced: its other state is settled by then
    const check = (): void => {
      queued = false;
      if (done) return;
      let added = 0;
      for (let i = 0; i < logs.length; i++) {
        added += logs[i]!.appended - seen[i]!;
        seen[i] = logs[i]!.appended;
      }
      estimate += added;
      if (added > 0 && estimate < need) return;
      const res = again();
      if (res.total >= need || failed(res)) finish(res);
      else estimate = res.total;
    };
    const stops = logs.map((l) =>
      l.listen(() => {
        if (queued) return;
        queued = true;
        queueMicrotask(check);
      }),
    );
    const timer = setTimeout(() => finish(), waitMs);
    const leave = c.onClose(() => finish());
  });
}

export const api: Api = {
  key: 1,
  name: 'Fetch',
  min: 4,
  max: 11,
  flexibleFrom: Infinity,
  async handle(r, ctx) {
    const v = ctx.version,
      c = ctx.cluster;
    const replicaId = r.int32();
    const maxWait = r.int32();
    const minBytes = r.int32();
    const maxBytes = r.int32();
    const readCommitted = r.int8() === 1;
    if (v >= 7) {
      r.int32();
      r.int32();
    }
    const wants: Want[] = r.array((r) => ({
      topic: r.string(),
      parts: r.array((r) => {
        const partition = r.int32();
        if (v >= 9) r.int32();
        const offset = r.int64();
        if (v >= 5) r.int64();
        return { partition, offset, maxBytes: r.int32() };
      }),
    }));
    if (v >= 7)
      r.array((r) => {
        r.string();
        r.array((r) => r.int32());
      });
    if (v >= 11) r.string();

    const again = () => collect(ctx, wants, maxBytes, replicaId, readCommitted);
    let res = again();
    const need = Math.max(1, minBytes);
    if (res.total < need && maxWait > 0 && !failed(res) && !c.closed) {
      const logs = wants.flatMap(({ topic, parts }) =>
        parts.flatMap(({ partition }) => c.topics.get(topic)?.partitions[partition]?.log ?? []),
      );
      const waitMs = Math.min(maxWait, c.options.maxFetchWaitMs);
      res = (await park(c, logs, res.total, need, waitMs, again)) ?? again();
    }

    const w = new Writer();
    w.int32(0);
    if (v >= 7) w.int16(ERR.NONE).int32(0);
    w.array(res.out, (w, t) => {
      w.string(t.topic);
      w.array(t.parts, (w, p) => {
        w.int32(p.partition).int16(p.error).int64(p.hwm).int64(p.lso);
        if (v >= 5) w.int64(p.logStart);
        w.array(p.aborted ?? [], (w, a) => {
          w.int64(a.producerId).int64(a.firstOffset);
        });
        if (v >= 11) w.int32(-1);
        w.int32(p.bytes);
        for (const b of p.batches) w.raw(b);
      });
    });
    c.counters.fetchedBytes += res.total;
    return w;
  },
};
