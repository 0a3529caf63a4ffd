/**
 * OffsetCommit (key 8), v2–7 (none flexible).
 * Request: group_id STRING, generation_id INT32, member_id STRING, group_instance_id NULLABLE (v7+),
 *   retention_time_ms INT64 (v2–4), topics [name STRING, partitions [partition_index INT32,
 *   committed_offset INT64, committed_leader_epoch INT32 (v6+), committed_metadata NULLABLE_STRING]]
 * Response: throttle_time_ms INT32 (v3+), topics [name STRING, partitions [partition_index INT32, error_code INT16]]
 */
import { Writer } from '../protocol/writer.ts';
import { ERR, type Api } from './types.ts';

export const api: Api = {
  key: 8,
  name: 'OffsetCommit',
  min: 2,
  max: 7,
  flexibleFrom: Infinity,
  handle(r, ctx) {
    const v = ctx.version,
      c = ctx.cluster;
    const groupId = r.string();
    const generation = r.int32();
    const memberId = r.string();
    if (v >= 7) r.nullableString();
    if (v <= 4) r.int64();
    const topics = r.array((r) => ({
      name: r.string(),
      parts: r.array((r) => {
        const index = r.int32();
        const offset = r.int64();
        const leaderEpoch = v >= 6 ? r.int32() : -1;
        return { index, offset, leaderEpoch, metadata: r.nullableString() };
      }),
    }));
    ctx.forcedError ??= ctx.session?.deny('group', groupId, 'read') || undefined;
    ctx.forcedError ??= ctx.cluster.notCoordinator(groupId) || undefined;
    const groupError = ctx.forcedError ?? c.groups.checkCommit(groupId, generation, memberId);
    const committed: Parameters<NonNullable<NonNullable<typeof c.replication>['commitOffsets']>>[1] = [];
    const errors = topics.map(({ name, parts }) =>
      parts.map((p) => {
        let error = groupError || (ctx.session?.deny('topic', name, 'read') ?? 0);
        if (error === ERR.NONE) {
          if (!c.topics.get(name)?.partitions[p.index]) error = ERR.UNKNOWN_TOPIC_OR_PARTITION;
          else {
            const entry = { offset: p.offset, leaderEpoch: p.leaderEpoch, metadata: p.metadata };
            c.offsets.commit(groupId, name, p.index, entry);
            committed.push({ topic: name, partition: p.index, committed: entry });
          }
        }
        return error;
      }),
    );
    const respond = (replicated: number) => {
      const w = new Writer();
      if (v >= 3) w.int32(0);
      w.array(
        topics.map((t, ti) => ({ name: t.name, parts: t.parts.map((p, pi) => [p.index, errors[ti]![pi]!] as const) })),
        (w, { name, parts }) => {
          w.string(name);
          w.array(parts, (w, [index, error]) => w.int32(index).int16(error || replicated));
        },
      );
      return w;
    };
    // a replicated cluster answers once the commits are in __consumer_offsets on every in-sync replica
    const replicate = c.replication?.commitOffsets;
    if (replicate && committed.length) return replicate.call(c.replication, groupId, committed).then(respond);
    return respond(ERR.NONE);
  },
};
