/**
 * Heartbeat (key 12), v0–3 (none flexible).
 * Request: group_id STRING, generation_id INT32, member_id STRING, group_instance_id NULLABLE (v3+)
 * Response: throttle_time_ms INT32 (v1+), error_code INT16
 */
import { Writer } from '../protocol/writer.ts';
import type { Api } from './types.ts';

export const api: Api = {
  key: 12,
  name: 'Heartbeat',
  min: 0,
  max: 3,
  flexibleFrom: Infinity,
  handle(r, ctx) {
    const groupId = r.string();
    const generation = r.int32();
    const memberId = r.string();
    if (ctx.version >= 3) r.nullableString();
    ctx.forcedError ??= ctx.session?.deny('group', groupId, 'read') || undefined;
    ctx.forcedError ??= ctx.cluster.notCoordinator(groupId) || undefined;
    const error = ctx.forcedError ?? ctx.cluster.groups.heartbeat(groupId, generation, memberId);
    const w = new Writer();
    if (ctx.version >= 1) w.int32(0);
    return w.int16(error);
  },
};
