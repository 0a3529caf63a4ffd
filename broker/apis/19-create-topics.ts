/**
 * CreateTopics (key 19), v0–4 (none flexible).
 * Request: topics [name STRING, num_partitions INT32, replication_factor INT16,
 *   assignments [partition_index INT32, broker_ids [INT32]], configs [name STRING, value NULLABLE_STRING]],
 *   timeout_ms INT32, validate_only BOOL (v1+)
 * Response: throttle_time_ms INT32 (v2+), topics [name STRING, error_code INT16, error_message NULLABLE_STRING (v1+)]
 * num_partitions / replication_factor -1 mean the broker default (v4+).
 */
import { TopicError } from '../topics.ts';
import { Writer } from '../protocol/writer.ts';
import { ERR, type Api } from './types.ts';

export const api: Api = {
  key: 19,
  name: 'CreateTopics',
  min: 0,
  max: 4,
  flexibleFrom: Infinity,
  handle(r, ctx) {
    const v = ctx.version,
      c = ctx.cluster;
    const topics = r.array((r) => ({
      name: r.string(),
      partitions: r.int32(),
      rf: r.int16(),
      assignments: r.array((r) => ({ index: r.int32(), brokers: r.array((r) => r.int32()) })),
      configs: r.array((r) => ({ name: r.string(), value: r.nullableString() })),
    }));
    r.int32();
    const validateOnly = v >= 1 ? r.bool() : false;
    const results = topics.map((t) => {
      if (ctx.forcedError !== undefined) return { name: t.name, error: ctx.forcedError, message: null };
      const denied = ctx.session?.deny('topic', t.name, 'create');
      if (denied) return { name: t.name, error: denied, message: 'Authorization failed.' };
      try {
        const configs: Record<string, string> = {};
        for (const cfg of t.configs) if (cfg.value !== null) configs[cfg.name] = cfg.value;
        const partitions = t.assignments.length > 0 ? t.assignments.length : t.partitions;
        c.createTopic(t.name, {
          partitions: partitions === -1 ? undefined : partitions,
          replicationFactor: t.rf === -1 ? undefined : t.rf,
          configs,
          validateOnly,
        });
        return { name: t.name, error: ERR.NONE, message: null };
      } catch (e) {
        if (e instanceof TopicError) return { name: t.name, error: e.errorCode, message: e.message };
        throw e;
      }
    });
    const w = new Writer();
    if (v >= 2) w.int32(0);
    w.array(results, (w, t) => {
      w.string(t.name).int16(t.error);
      if (v >= 1) w.nullableString(t.message);
    });
    return w;
  },
};
