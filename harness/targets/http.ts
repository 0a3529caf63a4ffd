/**
 * `http` target: any URL. Two drivers:
 * - engine 'undici' (default): each iteration is one request on an undici Pool with keep-alive
 *   connections, so it works under every executor (open-model arrival rates included: requests
 *   are sent on schedule, and queueing for a connection counts in the latency). Samples are
 *   tagged with `status`; non-2xx and network errors (status '0', tag `error`) are errors.
 * - engine 'autocannon': for closed-model max-throughput runs (constant-vus only). autocannon
 *   owns the loop (connections = vus, pipelining, duration) and every response it reports is
 *   folded into the registry (latency, iterations, errors with status tags).
 */
import { z } from 'zod';
import { Pool } from 'undici';
import type { ServiceInfo } from '../../results/types.ts';
import { enumOf, positiveDuration, positiveInt, strictObject } from '../config/fields.ts';
import { parseDuration } from '../../results/duration.ts';
import type { IterationContext, IterationOutcome, Target, TargetContext } from './api.ts';
import { driveAutocannon, type AutocannonDrive } from './http-autocannon.ts';

/** every default of the http target, in one place */
const DEFAULTS = {
  engine: 'undici',
  connections: 100,
  pipelining: 1,
  timeout: '10s',
  keepAliveTimeoutMs: 30_000,
} as const;

const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'] as const;
const ENGINES = ['undici', 'autocannon'] as const;

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

const tagCache = new Map<number, { status: string }>();
function statusTags(code: number): { status: string } {
  let t = tagCache.get(code);
  if (!t) {
    t = { status: String(code) };
    tagCache.set(code, t);
  }
  return t;
}

function requestBody(c: Config): { body?: string; headers: Record<string, string> } {
  const headers = { ...(c.headers ?? {}) };
  if (c.body === undefined) return { headers };
  if (typeof c.body === 'string') return { body: c.body, headers };
  if (!Object.keys(headers).some((h) => h.toLowerCase() === 'content-type'))
    headers['content-type'] = 'application/json';
  return { body: JSON.stringify(c.body), headers };
}

export interface HttpTarget extends Target {
  /** autocannon engine: run the whole closed-model load; resolves with the autocannon result */
  drive?(d: AutocannonDrive): Promise<{ requests: number; errors: number; non2xx: number; timeouts: number }>;
}

export function create(c: Config): HttpTarget {
  const url = new URL(c.url);
  const path = url.pathname + url.search;
  const method = c.method ?? (c.body !== undefined ? 'POST' : 'GET');
  const { body, headers } = requestBody(c);
  const timeoutMs = parseDuration(c.timeout ?? DEFAULTS.timeout);
  const ok = new Set(c.okStatus ?? []);
  const isOk = (s: number): boolean => (s >= 200 && s < 300) || ok.has(s);
  let pool: Pool | undefined;
  let ctx: TargetContext | undefined;
  let lastResult: Record<string, unknown> | undefined;

  const target: HttpTarget = {
    kind: 'http',
    async setup(tc) {
      ctx = tc;
      if ((c.engine ?? DEFAULTS.engine) === 'undici') {
        pool = new Pool(url.origin, {
          connections: c.connections ?? DEFAULTS.connections,
          pipelining: c.pipelining ?? DEFAULTS.pipelining,
          keepAliveTimeout: DEFAULTS.keepAliveTimeoutMs,
          headersTimeout: timeoutMs,
          bodyTimeout: timeoutMs,
        });
      }
    },
    async iterate(it: IterationContext): Promise<IterationOutcome> {
      if (!pool)
        throw new Error('http target: iterate() before setup() (or engine autocannon, which drives its own loop)');
      try {
        const res = await pool.request({ path, method, headers, body, signal: it.signal });
        await res.body.dump();
        return { ok: isOk(res.statusCode), tags: statusTags(res.statusCode) };
      } catch (e) {
        const code = (e as { code?: string }).code ?? (e as Error).name ?? 'error';
        return { ok: false, tags: { status: '0', error: code } };
      }
    },
    async teardown() {
      await pool?.close();
      pool = undefined;
    },
    services(): Record<string, ServiceInfo> {
      return {
        target: { mode: 'external', detail: `${method} ${c.url}${c.engine === 'autocannon' ? ' (autocannon)' : ''}` },
      };
    },
    extra() {
      return lastResult ? { autocannon: lastResult } : {};
    },
  };

  if (c.engine === 'autocannon')
    target.drive = async (d) => {
      const r = await driveAutocannon(
        { url: c.url, method, headers, body, pipelining: c.pipelining ?? DEFAULTS.pipelining, timeoutMs, isOk },
        { ...d, connections: c.connections ?? d.connections },
        ctx ?? d.ctx,
      );
      lastResult = r.details;
      return r.counts;
    };
  return target;
}
