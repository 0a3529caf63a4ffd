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
 * With less than min_bytes available the request waits for an append, up to max_wait_ms.
 */
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

    let res = collect(ctx, wants, maxBytes, replicaId, readCommitted);
    const hasError = res.out.some((t) => t.parts.some((p) => p.error !== ERR.NONE));
    if (res.total < Math.max(1, minBytes) && maxWait > 0 && !hasError && !c.closed) {
      // long-poll: wake on the first append to any requested partition, or at max_wait_ms
      const waits = wants.flatMap(({ topic, parts }) =>
        parts.flatMap(({ partition }) => {
          const log = c.topics.get(topic)?.partitions[partition]?.log;
          return log ? [log.waitForData()] : [];
        }),
      );
      const deadline = Math.min(maxWait, c.options.maxFetchWaitMs);
      let timer: NodeJS.Timeout | undefined;
      let leave = (): void => {};
      await Promise.race([
        ...waits.map((w) => w.promise),
        new Promise<void>((res) => {
          timer = setTimeout(res, deadline);
          leave = c.onClose(res);
        }),
      ]);
      clearTimeout(timer);
      leave();
      for (const w of waits) w.cancel();
      res = collect(ctx, wants, maxBytes, replicaId, readCommitted);
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
