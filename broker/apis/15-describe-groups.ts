/**
 * DescribeGroups (key 15), v0–2 (none flexible).
 * Request: groups [STRING]
 * Response: throttle_time_ms INT32 (v1+), groups [error_code INT16, group_id STRING, group_state STRING,
 *   protocol_type STRING, protocol_data STRING, members [member_id STRING, client_id STRING,
 *   client_host STRING, member_metadata BYTES, member_assignment BYTES]]
 */
import { Writer } from '../protocol/writer.ts';
import { ERR, type Api } from './types.ts';

export const api: Api = {
  key: 15,
  name: 'DescribeGroups',
  min: 0,
  max: 2,
  flexibleFrom: Infinity,
  handle(r, ctx) {
    const ids = r.array((r) => r.string());
    const w = new Writer();
    if (ctx.version >= 1) w.int32(0);
    w.array(ids, (w, id) => {
      const d = ctx.cluster.groups.describe(id);
      w.int16(ctx.forcedError ?? (ctx.session?.deny('group', id, 'describe') || ERR.NONE))
        .string(id)
        .string(d.state)
        .string(d.protocolType)
        .string(d.protocolName);
      w.array(d.members, (w, m) => {
        w.string(m.memberId).string(m.clientId).string(m.clientHost).bytes(m.metadata).bytes(m.assignment);
      });
    });
    return w;
  },
};
