/**
 * ListGroups (key 16), v0–2 (none flexible).
 * Request: (empty)
 * Response: throttle_time_ms INT32 (v1+), error_code INT16, groups [group_id STRING, protocol_type STRING]
 */
import { Writer } from '../protocol/writer.ts';
import { ERR, type Api } from './types.ts';

export const api: Api = {
  key: 16,
  name: 'ListGroups',
  min: 0,
  max: 2,
  flexibleFrom: Infinity,
  handle(_r, ctx) {
    const c = ctx.cluster;
    const ids = new Set([
      ...c.groups
        .all()
        .filter((g) => g.state !== 'Dead')
        .map((g) => g.id),
      ...c.offsets.groupIds(),
    ]);
    for (const id of ids) if (ctx.session?.deny('group', id, 'describe')) ids.delete(id);
    const w = new Writer();
    if (ctx.version >= 1) w.int32(0);
    w.int16(ctx.forcedError ?? ERR.NONE);
    w.array(ctx.forcedError === undefined ? [...ids] : [], (w, id) => {
      w.string(id).string(c.groups.get(id)?.protocolType || 'consumer');
    });
    return w;
  },
};
