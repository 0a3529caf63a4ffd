/**
 * SyncGroup (key 14), v0–3 (none flexible).
 * Request: group_id STRING, generation_id INT32, member_id STRING, group_instance_id NULLABLE (v3+),
 *   assignments [member_id STRING, assignment BYTES]
 * Response: throttle_time_ms INT32 (v1+), error_code INT16, assignment BYTES
 * Followers wait here until the leader sends the assignments.
 */
import { Writer } from '../protocol/writer.ts';
import type { Api } from './types.ts';

export const api: Api = {
  key: 14,
  name: 'SyncGroup',
  min: 0,
  max: 3,
  flexibleFrom: Infinity,
  async handle(r, ctx) {
    const groupId = r.string();
    const generation = r.int32();
    const memberId = r.string();
    if (ctx.version >= 3) r.nullableString();
    const assignments = r.array((r) => ({ memberId: r.string(), assignment: Buffer.from(r.bytes()) }));
    ctx.forcedError ??= ctx.session?.deny('group', groupId, 'read') || undefined;
    ctx.forcedError ??= ctx.cluster.notCoordinator(groupId) || undefined;
    const res =
      ctx.forcedError !== undefined
        ? { errorCode: ctx.forcedError, assignment: Buffer.alloc(0) }
        : await ctx.cluster.groups.sync(groupId, generation, memberId, assignments);
    const w = new Writer();
    if (ctx.version >= 1) w.int32(0);
    return w.int16(res.errorCode).bytes(res.assignment);
  },
};
