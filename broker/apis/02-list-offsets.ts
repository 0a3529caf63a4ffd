/**
 * ListOffsets (key 2), v1–5 (none flexible).
 * Request: replica_id INT32, isolation_level INT8 (v2+),
 *   topics [name STRING, partitions [partition_index INT32, current_leader_epoch INT32 (v4+), timestamp INT64]]
 * Response: throttle_time_ms INT32 (v2+), topics [name STRING, partitions [partition_index INT32,
 *   error_code INT16, timestamp INT64, offset INT64, leader_epoch INT32 (v4+)]]
 * timestamp -1 = latest (high-water mark; the last stable offset for isolation_level 1),
 * -2 = earliest (log start), otherwise the first record
 * with a timestamp >= it (offset -1 when there is none).
 */
import { Writer } from '../protocol/writer.ts';
import { lastStableOffset } from '../txn/partition-state.ts';
import { ERR, type Api } from './types.ts';

export const api: Api = {
  key: 2,
  name: 'ListOffsets',
  min: 1,
  max: 5,
  flexibleFrom: Infinity,
  handle(r, ctx) {
    const v = ctx.version,
      c = ctx.cluster;
    r.int32();
    const readCommitted = v >= 2 && r.int8() === 1;
    const topics = r.array((r) => ({
      name: r.string(),
      parts: r.array((r) => {
        const index = r.int32();
        if (v >= 4) r.int32();
        return { index, ts: r.int64() };
      }),
    }));
    const w = new Writer();
    if (v >= 2) w.int32(0);
    w.array(topics, (w, { name, parts }) => {
      const t = c.topics.get(name);
      w.string(name);
      w.array(parts, (w, { index, ts }) => {
        const p = t?.partitions[index];
        let error: number = ERR.NONE,
          timestamp = -1,
          offset = -1;
        const denied = ctx.session?.deny('topic', name, 'describe');
        if (ctx.forcedError !== undefined) error = ctx.forcedError;
        else if (denied) error = denied;
        else if (!p) error = ERR.UNKNOWN_TOPIC_OR_PARTITION;
        else if (p.leader !== ctx.node) error = ERR.NOT_LEADER_OR_FOLLOWER;
        else if (ts === -1) offset = readCommitted ? lastStableOffset(p.log) : p.log.visibleEnd;
        else if (ts === -2) offset = p.log.logStart;
        else {
          const found = p.log.offsetForTimestamp(ts);
          if (found) ({ offset, timestamp } = found);
        }
        w.int32(index).int16(error).int64(timestamp).int64(offset);
        if (v >= 4) w.int32(p?.leaderEpoch ?? -1);
      });
    });
    return w;
  },
};
