/**
 * DeleteTopics (key 20), v0–3 (none flexible).
 * Request: topic_names [STRING], timeout_ms INT32
 * Response: throttle_time_ms INT32 (v1+), responses [name STRING, error_code INT16]
 */
import { Writer } from '../protocol/writer.ts';
import { ERR, type Api } from './types.ts';

export const api: Api = {
  key: 20,
  name: 'DeleteTopics',
  min: 0,
  max: 3,
  flexibleFrom: Infinity,
  handle(r, ctx) {
    const names = r.array((r) => r.string());
    r.int32();
    const w = new Writer();
    if (ctx.version >= 1) w.int32(0);
    w.array(names, (w, name) => {
      const denied = ctx.session?.deny('topic', name, 'delete');
      const error =
        ctx.forcedError ?? (denied || (ctx.cluster.deleteTopic(name) ? ERR.NONE : ERR.UNKNOWN_TOPIC_OR_PARTITION));
      w.string(name).int16(error);
    });
    return w;
  },
};
