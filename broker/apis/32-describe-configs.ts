/**
 * DescribeConfigs (key 32), v0–2 (none flexible).
 * Request: resources [resource_type INT8 (2 topic, 4 broker), resource_name STRING,
 *   configuration_keys NULLABLE [STRING]], include_synonyms BOOL (v1+)
 * Response: throttle_time_ms INT32, results [error_code INT16, error_message NULLABLE_STRING,
 *   resource_type INT8, resource_name STRING, configs [name STRING, value NULLABLE_STRING,
 *   read_only BOOL, is_default BOOL (v0) | config_source INT8 (v1+), is_sensitive BOOL,
 *   synonyms [name STRING, value NULLABLE_STRING, source INT8] (v1+)]]
 * Topics report the configs this broker acts on (set ones as DYNAMIC_TOPIC_CONFIG = 1, the
 * rest as DEFAULT_CONFIG = 5); brokers report none.
 */
import { COMPACTION_DEFAULTS } from '../compaction-config.ts';
import { DEFAULT_LOG_CONFIG } from '../topics.ts';
import { Writer } from '../protocol/writer.ts';
import { ERR, type Api } from './types.ts';

const TOPIC = 2;
const DEFAULTS: Record<string, string> = {
  'retention.ms': String(DEFAULT_LOG_CONFIG.retentionMs),
  'retention.bytes': String(DEFAULT_LOG_CONFIG.retentionBytes),
  'segment.ms': String(DEFAULT_LOG_CONFIG.segmentMs),
  'segment.bytes': String(DEFAULT_LOG_CONFIG.segmentBytes),
  'max.message.bytes': String(DEFAULT_LOG_CONFIG.maxMessageBytes),
  ...COMPACTION_DEFAULTS,
};

export const api: Api = {
  key: 32,
  name: 'DescribeConfigs',
  min: 0,
  max: 2,
  flexibleFrom: Infinity,
  handle(r, ctx) {
    const v = ctx.version;
    const resources = r.array((r) => ({ type: r.int8(), name: r.string(), keys: r.nullableArray((r) => r.string()) }));
    if (v >= 1) r.bool();
    const w = new Writer().int32(0);
    w.array(resources, (w, res) => {
      const topic = res.type === TOPIC ? ctx.cluster.topics.get(res.name) : undefined;
      const denied = res.type === TOPIC ? ctx.session?.deny('topic', res.name, 'describe') : 0;
      const error =
        ctx.forcedError ?? (denied || (res.type === TOPIC && !topic ? ERR.UNKNOWN_TOPIC_OR_PARTITION : ERR.NONE));
      const entries =
        topic && error === ERR.NONE
          ? Object.entries({ ...DEFAULTS, ...topic.configs })
              .filter(([k]) => !res.keys || res.keys.includes(k))
              .map(([name, value]) => ({ name, value, set: name in topic.configs }))
          : [];
      w.int16(error).nullableString(null).int8(res.type).string(res.name);
      w.array(entries, (w, e) => {
        w.string(e.name).nullableString(e.value).bool(false);
        if (v === 0) w.bool(!e.set);
        else w.int8(e.set ? 1 : 5);
        w.bool(false);
        if (v >= 1) w.array([], () => {});
      });
    });
    return w;
  },
};
