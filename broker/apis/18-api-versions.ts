/**
 * ApiVersions (key 18), v0–3; v3 is flexible but its response header never carries tags.
 * Request v0–2: (empty)
 * Request v3: client_software_name COMPACT_STRING, client_software_version COMPACT_STRING, TAG_BUFFER
 * Response v0: error_code INT16, api_keys [api_key INT16, min_version INT16, max_version INT16]
 * Response v1–2: v0 + throttle_time_ms INT32
 * Response v3: error_code INT16, api_keys COMPACT[api_key, min, max, TAG_BUFFER], throttle_time_ms INT32, TAG_BUFFER
 * A version above 3 gets a v0 body with UNSUPPORTED_VERSION and the full list (clients retry lower).
 */
import { Writer } from '../protocol/writer.ts';
import { ERR, type Api } from './types.ts';

export function apiVersionsBody(apis: readonly Api[], version: number, errorCode: number): Writer {
  const w = new Writer();
  w.int16(errorCode);
  if (version >= 3) {
    w.compactArray(apis, (w, a) => {
      w.int16(a.key).int16(a.min).int16(a.max).tags();
    });
    w.int32(0).tags();
  } else {
    w.array(apis, (w, a) => {
      w.int16(a.key).int16(a.min).int16(a.max);
    });
    if (version >= 1) w.int32(0);
  }
  return w;
}

export const api: Api = {
  key: 18,
  name: 'ApiVersions',
  min: 0,
  max: 3,
  flexibleFrom: 3,
  handle(r, ctx) {
    if (ctx.version >= 3) {
      r.compactString();
      r.compactString();
      r.tags();
    }
    return apiVersionsBody(ctx.apis, ctx.version, ctx.forcedError ?? ERR.NONE);
  },
};
