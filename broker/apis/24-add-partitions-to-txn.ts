/**
 * AddPartitionsToTxn (key 24), v0–1 (none flexible; v4+ is the batched broker form).
 * Request: transactional_id STRING, producer_id INT64, producer_epoch INT16,
 *   topics [name STRING, partitions [INT32]]
 * Response: throttle_time_ms INT32, results [name STRING, results [partition_index INT32, error_code INT16]]
 * The first Add* of a transaction starts it (and its timeout); see txn/coordinator.ts.
 */
import { Writer } from '../protocol/writer.ts';
import { txnsOf } from '../txn/coordinator.ts';
import { replicatedTxnsOf } from '../txn/replicated.ts';
import type { Api } from './types.ts';

export const api: Api = {
  key: 24,
  name: 'AddPartitionsToTxn',
  min: 0,
  max: 1,
  flexibleFrom: Infinity,
  handle(r, ctx) {
    const id = r.string();
    const producerId = r.int64();
    const epoch = r.int16();
    const topics = r.array((r) => ({ name: r.string(), parts: r.array((r) => r.int32()) }));
    const flat = topics.flatMap((t) => t.parts.map((partition) => ({ topic: t.name, partition })));
    // ACLs: writing to every partition of the transaction (TOPIC_AUTHORIZATION_FAILED otherwise)
    const denied = flat.map((p) => ctx.session?.deny('topic', p.topic, 'write') ?? 0);
    ctx.forcedError ??= denied.find((d) => d !== 0);
    const rt = replicatedTxnsOf(ctx.cluster);
    if (ctx.forcedError !== undefined)
      return respond(
        topics,
        flat.map((_, i) => denied[i] || (denied.some(Boolean) ? 55 : ctx.forcedError!)), // 55 OPERATION_NOT_ATTEMPTED
      );
    if (rt) return rt.addPartitions(id, producerId, epoch, flat).then((errors) => respond(topics, errors));
    return respond(topics, txnsOf(ctx.cluster).addPartitions(id, producerId, epoch, flat));
  },
};

function respond(topics: Array<{ name: string; parts: number[] }>, errors: number[]): Writer {
  let i = 0;
  const w = new Writer().int32(0);
  w.array(topics, (w, t) => {
    w.string(t.name);
    w.array(t.parts, (w, p) => {
      w.int32(p).int16(errors[i++]!);
    });
  });
  return w;
}
