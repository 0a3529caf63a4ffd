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
  if (!t) tagCache.set(code, (t = { status: String(code) }));
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

interface AutocannonDrive {
  /** how many connections (the executor's vus) */
  connections: number;
  durationMs: number;
  ctx: TargetContext;
  /** tags for the samples (scenario + executor) */
  tags: Readonly<Record<string, string>>;
  signal: AbortSignal;
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

  if (c.engine === 'autocannon') {
    target.drive = async (d) => {
      // loaded only when this engine is used (types: ./autocannon.d.ts)
      const { default: autocannon } = await import('autocannon');
      const tc = ctx ?? d.ctx;
      const latency = tc.metrics.trend('latency');
      const iterations = tc.metrics.counter('iterations');
      const errors = tc.metrics.rate('errors');
      const tagged = new Map<number, Record<string, string>>();
      const tagsFor = (s: number): Record<string, string> => {
        let t = tagged.get(s);
        if (!t) tagged.set(s, (t = { ...d.tags, status: String(s) }));
        return t;
      };
      const errTags = { ...d.tags, status: '0', error: 'request' };
      const instance = autocannon({
        url: c.url,
        method,
        headers,
        body,
        connections: c.connections ?? d.connections,
        pipelining: c.pipelining ?? DEFAULTS.pipelining,
        duration: Math.max(1, Math.round(d.durationMs / 1000)),
        timeout: Math.max(1, Math.round(timeoutMs / 1000)),
      });
      instance.on('response', (_client, statusCode, _bytes, responseTime) => {
        const now = tc.now();
        const t = tagsFor(statusCode);
        latency.add(responseTime, now, t);
        iterations.add(1, now, t);
        errors.add(!isOk(statusCode), now, t);
      });
      instance.on('reqError', () => {
        const now = tc.now();
        iterations.add(1, now, errTags);
        errors.add(true, now, errTags);
      });
      const onAbort = (): void => instance.stop();
      d.signal.addEventListener('abort', onAbort, { once: true });
      const result = await new Promise<AutocannonResult>((resolve, reject) => {
        instance.on('done', (r) => resolve(r as AutocannonResult));
        instance.on('error', reject);
      }).finally(() => d.signal.removeEventListener('abort', onAbort));
      lastResult = {
        requests: result.requests?.total,
        errors: result.errors,
        timeouts: result.timeouts,
        non2xx: result.non2xx,
        latency: result.latency,
        throughput: result.throughput,
        connections: result.connections,
        pipelining: result.pipelining,
      };
      return {
        requests: result.requests?.total ?? 0,
        errors: result.errors ?? 0,
        non2xx: result.non2xx ?? 0,
        timeouts: result.timeouts ?? 0,
      };
    };
  }
  return target;
}

interface AutocannonResult {
  requests?: { total: number };
  errors?: number;
  timeouts?: number;
  non2xx?: number;
  latency?: unknown;
  throughput?: unknown;
  connections?: number;
  pipelining?: number;
}
