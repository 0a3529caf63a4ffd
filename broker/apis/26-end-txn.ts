/**
 * EndTxn (key 26), v0–1 (none flexible).
 * Request: transactional_id STRING, producer_id INT64, producer_epoch INT16, committed BOOL
 * Response: throttle_time_ms INT32, error_code INT16
 * Writes the commit or abort marker to every partition of the transaction before answering and,
 * on commit, applies its TxnOffsetCommit offsets.
 */
import { Writer } from '../protocol/writer.ts';
import { txnsOf } from '../txn/coordinator.ts';
import { replicatedTxnsOf } from '../txn/replicated.ts';
import type { Api } from './types.ts';

export const api: Api = {
  key: 26,
  name: 'EndTxn',
  min: 0,
  max: 1,
  flexibleFrom: Infinity,
  handle(r, ctx) {
    const id = r.string();
    const producerId = r.int64();
    const epoch = r.int16();
    const commit = r.bool();
    const rt = replicatedTxnsOf(ctx.cluster);
    if (rt && ctx.forcedError === undefined)
      return rt.endTxn(id, producerId, epoch, commit).then((error) => new Writer().int32(0).int16(error));
    const error = ctx.forcedError ?? txnsOf(ctx.cluster).endTxn(id, producerId, epoch, commit);
    return new Writer().int32(0).int16(error);
  },
};
