/**
 * DeleteGroups (key 42), v0–1 (none flexible).
 * Request: groups_names [STRING]
 * Response: throttle_time_ms INT32, results [group_id STRING, error_code INT16]
 */
import { Writer } from '../protocol/writer.ts';
import { ERR, type Api } from './types.ts';

export const api: Api = {
  key: 42,
  name: 'DeleteGroups',
  min: 0,
  max: 1,
  flexibleFrom: Infinity,
  handle(r, ctx) {
    const ids = r.array((r) => r.string());
    const c = ctx.cluster;
    const w = new Writer().int32(0);
    w.array(ids, (w, id) => {
      let error = ctx.forcedError ?? (ctx.session?.deny('group', id, 'delete') || c.groups.delete(id));
      if (error === 69 && c.offsets.has(id)) error = ERR.NONE;
      if (error === ERR.NONE) c.offsets.deleteGroup(id);
      w.string(id).int16(error);
    });
    return w;
  },
};
