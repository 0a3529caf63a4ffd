/**
 * AddOffsetsToTxn (key 25), v0–1 (none flexible).
 * Request: transactional_id STRING, producer_id INT64, producer_epoch INT16, group_id STRING
 * Response: throttle_time_ms INT32, error_code INT16
 * Makes the group's offsets part of the transaction (TxnOffsetCommit then buffers them; on a
 * replicated cluster the group's __consumer_offsets partition joins the transaction).
 */
import { Writer } from '../protocol/writer.ts';
import { txnsOf } from '../txn/coordinator.ts';
import { replicatedTxnsOf } from '../txn/replicated.ts';
import type { Api } from './types.ts';

export const api: Api = {
  key: 25,
  name: 'AddOffsetsToTxn',
  min: 0,
  max: 1,
  flexibleFrom: Infinity,
  handle(r, ctx) {
    const id = r.string();
    const producerId = r.int64();
    const epoch = r.int16();
    const group = r.string();
    ctx.forcedError ??= ctx.session?.deny('group', group, 'read') || undefined;
    const rt = replicatedTxnsOf(ctx.cluster);
    if (rt && ctx.forcedError === undefined)
      return rt.addOffsets(id, producerId, epoch, group).then((error) => new Writer().int32(0).int16(error));
    const error = ctx.forcedError ?? txnsOf(ctx.cluster).addOffsets(id, producerId, epoch, group);
    return new Writer().int32(0).int16(error);
  },
};
