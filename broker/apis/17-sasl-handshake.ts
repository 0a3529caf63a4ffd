/**
 * SaslHandshake (key 17), v0–1. Request: mechanism STRING.
 * Response: error_code INT16, mechanisms [STRING].
 * A mechanism the listener does not enable (or SASL off) gets UNSUPPORTED_SASL_MECHANISM with
 * the enabled list; a second handshake after authentication gets ILLEGAL_SASL_STATE.
 * v0 is advertised because librdkafka's feature check asks for 0..1, but the tokens must then come
 * in SaslAuthenticate requests (v1 behaviour): raw v0 tokens outside Kafka framing close the
 * connection as a malformed frame. kafkajs, librdkafka and @platformatic/kafka all send v1.
 */
import { AUTH_ERR } from '../auth/session.ts';
import { Writer } from '../protocol/writer.ts';
import { ERR, type Api } from './types.ts';

export const api: Api = {
  key: 17,
  name: 'SaslHandshake',
  min: 0,
  max: 1,
  flexibleFrom: Infinity,
  handle(r, ctx) {
    const mechanism = r.string();
    const s = ctx.session;
    const enabled = s?.sasl?.mechanisms ?? [];
    let error: number = ERR.NONE;
    if (ctx.forcedError !== undefined) error = ctx.forcedError;
    else if (s?.sasl && s.authenticated) error = AUTH_ERR.ILLEGAL_SASL_STATE;
    else if (!s?.handshake(mechanism)) error = AUTH_ERR.UNSUPPORTED_SASL_MECHANISM;
    const w = new Writer();
    w.int16(error);
    w.array(enabled, (w, m) => {
      w.string(m);
    });
    return w;
  },
};
