/**
 * FindCoordinator (key 10), v0–2 (none flexible).
 * Request: key STRING, key_type INT8 (v1+; 0 group, 1 transaction)
 * Response v0: error_code INT16, node_id INT32, host STRING, port INT32
 * Response v1+: throttle_time_ms INT32, error_code INT16, error_message NULLABLE_STRING, node_id, host, port
 * Group state is shared by every node, so any live node can coordinate; we spread groups by hash.
 */
import { Writer } from '../protocol/writer.ts';
import { replicatedTxnsOf } from '../txn/replicated.ts';
import { ERR, type Api } from './types.ts';

export const api: Api = {
  key: 10,
  name: 'FindCoordinator',
  min: 0,
  max: 2,
  flexibleFrom: Infinity,
  handle(r, ctx) {
    const key = r.string();
    const keyType = ctx.version >= 1 ? r.int8() : 0;
    // transactions on a replicated cluster: the leader of the id's __transaction_state partition
    const txns = keyType === 1 ? replicatedTxnsOf(ctx.cluster) : undefined;
    const node = txns ? txns.coordinatorFor(key) : ctx.cluster.coordinatorFor(key);
    // key type 0 (v1+) or v0 is a group; a transaction coordinator lookup is not checked here
    if (ctx.version === 0 || keyType === 0)
      ctx.forcedError ??= ctx.session?.deny('group', key, 'describe') || undefined;
    const error = ctx.forcedError ?? (node ? ERR.NONE : 15) /* COORDINATOR_NOT_AVAILABLE */;
    const w = new Writer();
    if (ctx.version >= 1) w.int32(0);
    w.int16(error);
    if (ctx.version >= 1) w.nullableString(null);
    w.int32(error === ERR.NONE && node ? node.id : -1)
      .string(error === ERR.NONE && node ? node.host : '')
      .int32(error === ERR.NONE && node ? node.port : -1);
    return w;
  },
};
