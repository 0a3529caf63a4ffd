/**
 * JoinGroup (key 11), v0–5 (none flexible).
 * Request: group_id STRING, session_timeout_ms INT32, rebalance_timeout_ms INT32 (v1+), member_id STRING,
 *   group_instance_id NULLABLE_STRING (v5+), protocol_type STRING, protocols [name STRING, metadata BYTES]
 * Response: throttle_time_ms INT32 (v2+), error_code INT16, generation_id INT32, protocol_name STRING,
 *   leader STRING, member_id STRING, members [member_id STRING, group_instance_id NULLABLE (v5+), metadata BYTES]
 * The response is held until the rebalance completes (see groups.ts).
 */
import { Writer } from '../protocol/writer.ts';
import type { Api } from './types.ts';

export const api: Api = {
  key: 11,
  name: 'JoinGroup',
  min: 0,
  max: 5,
  flexibleFrom: Infinity,
  async handle(r, ctx) {
    const v = ctx.version;
    const groupId = r.string();
    const sessionTimeoutMs = r.int32();
    const rebalanceTimeoutMs = v >= 1 ? r.int32() : sessionTimeoutMs;
    const memberId = r.string();
    const groupInstanceId = v >= 5 ? r.nullableString() : null;
    const protocolType = r.string();
    const protocols = r.array((r) => ({ name: r.string(), metadata: Buffer.from(r.bytes()) }));
    ctx.forcedError ??= ctx.session?.deny('group', groupId, 'read') || undefined;
    ctx.forcedError ??= ctx.cluster.notCoordinator(groupId) || undefined;
    const res =
      ctx.forcedError !== undefined
        ? { errorCode: ctx.forcedError, generationId: -1, protocolName: '', leader: '', memberId, members: [] }
        : await ctx.cluster.groups.join({
            groupId,
            memberId,
            groupInstanceId,
            clientId: ctx.header.clientId ?? '',
            clientHost: ctx.clientHost,
            sessionTimeoutMs,
            rebalanceTimeoutMs,
            protocolType,
            protocols,
            requireKnownMemberId: v >= 4,
          });
    const w = new Writer();
    if (v >= 2) w.int32(0);
    w.int16(res.errorCode).int32(res.generationId).string(res.protocolName).string(res.leader).string(res.memberId);
    w.array(res.members, (w, m) => {
      w.string(m.memberId);
      if (v >= 5) w.nullableString(m.groupInstanceId);
      w.bytes(m.metadata);
    });
    return w;
  },
};
