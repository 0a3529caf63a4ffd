/**
 * InitProducerId (key 22), v0–1 (none flexible).
 * Request: transactional_id NULLABLE_STRING, transaction_timeout_ms INT32
 * Response: throttle_time_ms INT32, error_code INT16, producer_id INT64, producer_epoch INT16
 * A null transactional_id gets a fresh producer id (idempotence); a transactional id goes to the
 * transaction coordinator (txn/coordinator.ts: epochs, fencing; on a replicated cluster
 * txn/replicated.ts, NOT_COORDINATOR from any node but the id's coordinator).
 */
import { Writer } from '../protocol/writer.ts';
import { txnsOf } from '../txn/coordinator.ts';
import { replicatedTxnsOf } from '../txn/replicated.ts';
import { ERR, type Api } from './types.ts';

export const api: Api = {
  key: 22,
  name: 'InitProducerId',
  min: 0,
  max: 1,
  flexibleFrom: Infinity,
  handle(r, ctx) {
    const txid = r.nullableString();
    const timeoutMs = r.int32();
    const w = new Writer().int32(0);
    if (ctx.forcedError !== undefined) return w.int16(ctx.forcedError).int64(-1).int16(-1);
    if (txid !== null) {
      const rt = replicatedTxnsOf(ctx.cluster);
      if (rt)
        return rt.initProducerId(txid, timeoutMs).then((t) => w.int16(t.error).int64(t.producerId).int16(t.epoch));
      const t = txnsOf(ctx.cluster).initProducerId(txid, timeoutMs);
      return w.int16(t.error).int64(t.producerId).int16(t.epoch);
    }
    const { producerId, epoch } = ctx.cluster.producers.allocate();
    return w.int16(ERR.NONE).int64(producerId).int16(epoch);
  },
};
