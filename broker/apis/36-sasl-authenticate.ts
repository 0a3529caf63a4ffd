/**
 * SaslAuthenticate (key 36), v0–2; flexible from v2.
 * Request: auth_bytes BYTES (v2: COMPACT_BYTES), TAG_BUFFER (v2).
 * Response: error_code INT16, error_message NULLABLE_STRING, auth_bytes BYTES,
 *   session_lifetime_ms INT64 (v1+; 0 = no re-authentication), TAG_BUFFER (v2).
 * A failed exchange answers SASL_AUTHENTICATION_FAILED and the connection closes after the reply.
 */
import { AUTH_ERR } from '../auth/session.ts';
import { Writer } from '../protocol/writer.ts';
import { ERR, type Api } from './types.ts';

export const api: Api = {
  key: 36,
  name: 'SaslAuthenticate',
  min: 0,
  max: 2,
  flexibleFrom: 2,
  handle(r, ctx) {
    const flex = ctx.version >= 2;
    const token = (flex ? r.compactNullableBytes() : r.nullableBytes()) ?? Buffer.alloc(0);
    if (flex) r.tags();
    const s = ctx.session;
    let error: number = ERR.NONE,
      message: string | null = null,
      reply = Buffer.alloc(0);
    if (ctx.forcedError !== undefined) error = ctx.forcedError;
    else if (!s?.sasl || s.authenticated || !s.mechanism) {
      error = AUTH_ERR.ILLEGAL_SASL_STATE;
      message = 'SaslAuthenticate without a SaslHandshake first';
    } else {
      const step = s.authenticate(token);
      if (step.ok) reply = step.reply;
      else {
        error = AUTH_ERR.SASL_AUTHENTICATION_FAILED;
        message = step.reason;
      }
    }
    if (error !== ERR.NONE && s) s.closeAfterReply = true;
    const w = new Writer();
    w.int16(error);
    if (flex) w.compactNullableString(message).compactNullableBytes(reply);
    else w.nullableString(message).bytes(reply);
    if (ctx.version >= 1) w.int64(0);
    if (flex) w.tags();
    return w;
  },
};
