/**
 * Request and response headers (https://kafka.apache.org/protocol#protocol_messages).
 *   Request header v1: api_key i16, api_version i16, correlation_id i32, client_id NULLABLE_STRING
 *   Request header v2: v1 + TAG_BUFFER (client_id stays an int16-length string even here)
 *   Response header v0: correlation_id i32; v1: + TAG_BUFFER
 * Flexible responses get the tag byte, except ApiVersions (its response header is always v0 so
 * a client can parse it before it knows the broker's versions).
 */
import type { Reader } from './reader.ts';

export interface RequestHeader {
  apiKey: number;
  apiVersion: number;
  correlationId: number;
  clientId: string | null;
}

/** Parses the fixed part; the caller skips the tag buffer when the request is flexible. */
export function readRequestHeader(r: Reader): RequestHeader {
  const apiKey = r.int16();
  const apiVersion = r.int16();
  const correlationId = r.int32();
  const clientId = r.nullableString();
  return { apiKey, apiVersion, correlationId, clientId };
}

export const API_VERSIONS_KEY = 18;

/** Frames a response: size i32, correlation id, optional tag byte, then the body pieces. */
export function frameResponse(correlationId: number, flexibleHeader: boolean, body: Buffer[]): Buffer[] {
  let bodyLen = 0;
  for (const b of body) bodyLen += b.length;
  const headLen = flexibleHeader ? 9 : 8;
  const head = Buffer.allocUnsafe(headLen);
  head.writeInt32BE(bodyLen + headLen - 4, 0);
  head.writeInt32BE(correlationId, 4);
  if (flexibleHeader) head[8] = 0;
  return [head, ...body];
}
