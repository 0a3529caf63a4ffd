/**
 * LeaveGroup (key 13), v0–3 (none flexible).
 * Request v0–2: group_id STRING, member_id STRING
 * Request v3: group_id STRING, members [member_id STRING, group_instance_id NULLABLE_STRING]
 * Response: throttle_time_ms INT32 (v1+), error_code INT16,
 *   members [member_id STRING, group_instance_id NULLABLE_STRING, error_code INT16] (v3+)
 */
import { Writer } from '../protocol/writer.ts';
import { ERR, type Api } from './types.ts';

export const api: Api = {
  key: 13,
  name: 'LeaveGroup',
  min: 0,
  max: 3,
  flexibleFrom: Infinity,
  handle(r, ctx) {
    const v = ctx.version,
      groups = ctx.cluster.groups;
    const groupId = r.string();
    const members =
      v >= 3
        ? r.array((r) => ({ memberId: r.string(), instanceId: r.nullableString() }))
        : [{ memberId: r.string(), instanceId: null }];
    ctx.forcedError ??= ctx.session?.deny('group', groupId, 'read') || undefined;
    // another node of a replicated cluster coordinates the group: nothing to leave here, and Kafka's
    // NOT_COORDINATOR would fail kafkajs's disconnect (it does not retry a LeaveGroup); the
    // coordinator drops the member when its session expires
    const elsewhere = ctx.cluster.notCoordinator(groupId) !== 0;
    const results = members.map((m) => ({
      ...m,
      error: ctx.forcedError ?? (elsewhere ? ERR.NONE : groups.leave(groupId, m.memberId)),
    }));
    const w = new Writer();
    if (v >= 1) w.int32(0);
    if (v >= 3) {
      w.int16(ctx.forcedError ?? ERR.NONE);
      w.array(results, (w, m) => {
        w.string(m.memberId).nullableString(m.instanceId).int16(m.error);
      });
    } else {
      w.int16(results[0]!.error);
    }
    return w;
  },
};
