/**
 * The http target's scenario fields (schema and defaults), apart from its drivers: validating a
 * scenario needs these, not undici or autocannon (http.ts).
 */
import { z } from 'zod';
import { enumOf, positiveDuration, positiveInt, strictObject } from '../config/fields.ts';

/** every default of the http target, in one place */
export const DEFAULTS = {
  engine: 'raw',
  connections: 100,
  pipelining: 1,
  timeout: '10s',
  keepAliveTimeoutMs: 30_000,
} as const;

const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'] as const;
const ENGINES = ['undici', 'raw', 'autocannon'] as const;

export const schema = strictObject({
  type: z.literal('http'),
  url: z.url({ protocol: /^https?$/, error: 'expected an http:// or https:// URL' }),
  method: enumOf(METHODS).optional(),
  headers: z.record(z.string(), z.string({ error: 'header values must be strings' })).optional(),
  /** a string is sent as is; anything else as JSON (content-type set when absent) */
  body: z.unknown().optional(),
  /** per-request timeout */
  timeout: positiveDuration().optional(),
  engine: enumOf(ENGINES).optional(),
  /** undici: keep-alive connections in the pool (default 100); autocannon: defaults to the executor's vus */
  connections: positiveInt().optional(),
  /** requests in flight per connection (HTTP/1.1 pipelining), default 1 */
  pipelining: positiveInt().optional(),
  /** extra status codes (besides 2xx) that count as success, e.g. [404] */
  okStatus: z.array(z.number().int()).optional(),
});
export type Config = z.output<typeof schema>;
