/**
 * TxnOffsetCommit (key 28), v0–2 (none flexible; v3 adds the group generation and member).
 * Request: transactional_id STRING, group_id STRING, producer_id INT64, producer_epoch INT16,
 *   topics [name STRING, partitions [partition_index INT32, committed_offset INT64,
 *   committed_leader_epoch INT32 (v2+), committed_metadata NULLABLE_STRING]]
 * Response: throttle_time_ms INT32, topics [name STRING, partitions [partition_index INT32, error_code INT16]]
 * The offsets are held by the transaction and committed to the group only when it commits (on a
 * replicated cluster: records in __consumer_offsets that the commit marker materialises).
 */
import { Writer } from '../protocol/writer.ts';
import { TXN_ERR, txnsOf, type PendingOffset } from '../txn/coordinator.ts';
import { replicatedTxnsOf } from '../txn/replicated.ts';
import type { Api } from './types.ts';

export const api: Api = {
  key: 28,
  name: 'TxnOffsetCommit',
  min: 0,
  max: 2,
  flexibleFrom: Infinity,
  handle(r, ctx) {
    const v = ctx.version,
      c = ctx.cluster;
    const id = r.string();
    const group = r.string();
    const producerId = r.int64();
    const epoch = r.int16();
    const topics = r.array((r) => ({
      name: r.string(),
      parts: r.array((r) => {
        const partition = r.int32();
        const offset = r.int64();
        const leaderEpoch = v >= 2 ? r.int32() : -1;
        return { partition, offset, leaderEpoch, metadata: r.nullableString() };
      }),
    }));
    ctx.forcedError ??= ctx.session?.deny('group', group, 'read') || undefined;
    const known = (topic: string, partition: number) => !!c.topics.get(topic)?.partitions[partition];
    const offsets: PendingOffset[] = topics.flatMap((t) =>
      t.parts.filter((p) => known(t.name, p.partition)).map((p) => ({ topic: t.name, ...p })),
    );
    const rt = replicatedTxnsOf(c);
    if (rt && ctx.forcedError === undefined)
      return rt.txnOffsetCommit(group, producerId, epoch, offsets).then((e) => respond(topics, e, known));
    return respond(topics, ctx.forcedError ?? txnsOf(c).txnOffsetCommit(id, group, producerId, epoch, offsets), known);
  },
};

function respond(
  topics: Array<{ name: string; parts: Array<{ partition: number }> }>,
  error: number,
  known: (topic: string, partition: number) => boolean,
): Writer {
  const w = new Writer().int32(0);
  w.array(topics, (w, t) => {
    w.string(t.name);
    w.array(t.parts, (w, p) => {
      const e = error === TXN_ERR.NONE && !known(t.name, p.partition) ? TXN_ERR.UNKNOWN_TOPIC_OR_PARTITION : error;
      w.int32(p.partition).int16(e);
    });
  });
  return w;
}
