/**
 * Metadata (key 3), v0–10; flexible from v9.
 * Request: topics [name STRING] (v0: empty = all; v1+: null = all; v10: [topic_id UUID, name NULLABLE]),
 *   allow_auto_topic_creation BOOL (v4+), include_cluster_authorized_operations BOOL (v8–10),
 *   include_topic_authorized_operations BOOL (v8+)
 * Response: throttle_time_ms INT32 (v3+), brokers [node_id INT32, host STRING, port INT32, rack NULLABLE (v1+)],
 *   cluster_id NULLABLE (v2+), controller_id INT32 (v1+),
 *   topics [error_code INT16, name STRING, topic_id UUID (v10+), is_internal BOOL (v1+),
 *     partitions [error_code INT16, partition_index INT32, leader_id INT32, leader_epoch INT32 (v7+),
 *       replica_nodes [INT32], isr_nodes [INT32], offline_replicas [INT32] (v5+)],
 *     topic_authorized_operations INT32 (v8+)],
 *   cluster_authorized_operations INT32 (v8–10)
 */
import { Writer } from '../protocol/writer.ts';
import { ERR, type Api } from './types.ts';

const ZERO_UUID = Buffer.alloc(16);

export const api: Api = {
  key: 3,
  name: 'Metadata',
  min: 0,
  max: 10,
  flexibleFrom: 9,
  handle(r, ctx) {
    const v = ctx.version,
      flex = v >= 9,
      c = ctx.cluster;
    const topicEntry = (r: typeof import('../protocol/reader.ts').Reader.prototype) => {
      if (v >= 10) {
        r.uuid();
        const n = r.compactNullableString();
        r.tags();
        return n;
      }
      return flex ? r.compactString() : r.string();
    };
    let names: Array<string | null> | null = flex ? r.compactNullableArray(topicEntry) : r.nullableArray(topicEntry);
    if (v === 0 && names && names.length === 0) names = null;
    const autoCreate = v >= 4 ? r.bool() : true;
    if (v >= 8) {
      if (v <= 10) r.bool();
      r.bool();
    }
    if (flex) r.tags();

    // listing every topic shows only those the principal may describe; a named one it may not is an error
    const all = () => c.topics.all().filter((t) => !ctx.session?.deny('topic', t.name, 'describe'));
    const requested = names === null ? all().map((t) => t.name) : names.filter((n): n is string => n !== null);
    const topics = requested.map((name) => {
      const denied = ctx.session?.deny('topic', name, 'describe') ?? 0;
      let t = denied ? undefined : c.topics.get(name);
      let error: number = denied;
      const mayCreate = !denied && !ctx.session?.deny('topic', name, 'create');
      if (!t && mayCreate && autoCreate && c.options.autoCreateTopics && ctx.forcedError === undefined) {
        try {
          t = c.createTopic(name, { partitions: c.options.defaultPartitions });
        } catch {
          error = ERR.INVALID_TOPIC_EXCEPTION;
        }
      }
      if (!t && error === ERR.NONE) error = ERR.UNKNOWN_TOPIC_OR_PARTITION;
      return { name, t, error: ctx.forcedError ?? error };
    });

    const w = new Writer();
    const arr = <T>(items: readonly T[], each: (w: Writer, x: T) => void) =>
      flex ? w.compactArray(items, each) : w.array(items, each);
    const str = (s: string) => (flex ? w.compactString(s) : w.string(s));
    const nstr = (s: string | null) => (flex ? w.compactNullableString(s) : w.nullableString(s));
    if (v >= 3) w.int32(0);
    const live = c.liveNodes();
    arr(live, (w, n) => {
      w.int32(n.id);
      str(n.host);
      w.int32(n.port);
      if (v >= 1) nstr(null);
      if (flex) w.tags();
    });
    if (v >= 2) nstr(c.clusterId);
    if (v >= 1) w.int32(c.replication?.controllerId() ?? live[0]?.id ?? -1);
    const liveIds = new Set(live.map((n) => n.id));
    arr(topics, (w, { name, t, error }) => {
      w.int16(error);
      str(name);
      if (v >= 10) w.raw(t?.id ?? ZERO_UUID);
      if (v >= 1) w.bool(false);
      arr(t && error === ERR.NONE ? t.partitions : [], (w, p) => {
        w.int16(p.leader < 0 ? ERR.LEADER_NOT_AVAILABLE : ERR.NONE)
          .int32(p.index)
          .int32(p.leader);
        if (v >= 7) w.int32(p.leaderEpoch);
        const isr = p.isr ?? p.replicas.filter((id) => liveIds.has(id));
        arr(p.replicas, (w, id) => w.int32(id));
        arr(isr.length ? isr : [p.leader], (w, id) => w.int32(id));
        if (v >= 5)
          arr(
            p.replicas.filter((id) => !liveIds.has(id)),
            (w, id) => w.int32(id),
          );
        if (flex) w.tags();
      });
      if (v >= 8) w.int32(-2147483648);
      if (flex) w.tags();
    });
    if (v >= 8 && v <= 10) w.int32(-2147483648);
    if (flex) w.tags();
    return w;
  },
};
