/**
 * OffsetFetch (key 9), v1–5 (none flexible).
 * Request: group_id STRING, topics NULLABLE [name STRING, partition_indexes [INT32]] (null = all, v2+)
 * Response: throttle_time_ms INT32 (v3+), topics [name STRING, partitions [partition_index INT32,
 *   committed_offset INT64, committed_leader_epoch INT32 (v5+), metadata NULLABLE_STRING, error_code INT16]],
 *   error_code INT16 (v2+)
 * No commit yet: offset -1, empty metadata, no error.
 */
import { Writer } from '../protocol/writer.ts';
import { ERR, type Api } from './types.ts';

export const api: Api = {
  key: 9,
  name: 'OffsetFetch',
  min: 1,
  max: 5,
  flexibleFrom: Infinity,
  handle(r, ctx) {
    const v = ctx.version,
      c = ctx.cluster;
    const groupId = r.string();
    ctx.forcedError ??= ctx.session?.deny('group', groupId, 'describe') || undefined;
    ctx.forcedError ??= ctx.cluster.notCoordinator(groupId) || undefined;
    let topics = r.nullableArray((r) => ({ name: r.string(), parts: r.array((r) => r.int32()) }));
    if (topics === null) {
      const byTopic = new Map<string, number[]>();
      for (const e of c.offsets.entries(groupId)) byTopic.set(e.topic, [...(byTopic.get(e.topic) ?? []), e.partition]);
      topics = [...byTopic].map(([name, parts]) => ({ name, parts }));
    }
    const w = new Writer();
    if (v >= 3) w.int32(0);
    w.array(topics, (w, { name, parts }) => {
      w.string(name);
      w.array(parts, (w, index) => {
        const got = ctx.forcedError === undefined ? c.offsets.get(groupId, name, index) : undefined;
        w.int32(index).int64(got?.offset ?? -1);
        if (v >= 5) w.int32(got?.leaderEpoch ?? -1);
        w.nullableString(got?.metadata ?? '').int16(ctx.forcedError ?? ERR.NONE);
      });
    });
    if (v >= 2) w.int16(ctx.forcedError ?? ERR.NONE);
    return w;
  },
};
