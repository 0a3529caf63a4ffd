/**
 * `http` target: any URL. Three drivers:
 * - engine 'raw' (default): each iteration is one request on pipelab's own HTTP/1.1 keep-alive
 *   client (http-raw.ts: plain sockets, the request encoded once), so it works under every
 *   executor (open-model arrival rates included: requests are sent on schedule, and queueing for
 *   a connection counts in the latency, reported apart as http_req_blocked). It drives a server
 *   as hard as wrk and autocannon do from one core.
 * - engine 'undici': the same on an undici Pool, for what the raw client does not do (HTTP
 *   features beyond status and framing). About a third slower per request.
 *   Both tag samples with `status`; non-2xx and network errors (status '0', tag `error`) are errors.
 * - engine 'autocannon': for closed-model max-throughput runs (constant-vus only). autocannon
 *   owns the loop (connections = vus, pipelining, duration) and every response it reports is
 *   folded into the registry (latency, iterations, errors with status tags).
 */
import { createRequire } from 'node:module';
import type { Dispatcher } from 'undici';
import type { ServiceInfo } from '../../results/types.ts';
import { parseDuration } from '../../results/duration.ts';
import type { IterationContext, IterationOutcome, Target, TargetContext } from './api.ts';
import { RawPool } from './http-raw.ts';
import { driveAutocannon, type AutocannonDrive } from './http-autocannon.ts';
import { DEFAULTS, type Config } from './http-schema.ts';

export { schema, type Config } from './http-schema.ts';

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

/** one request's response handler: resolves with the outcome when the body has been read */
class Exchange implements Dispatcher.DispatchHandler {
  private status = 0;
  constructor(
    private readonly resolve: (o: IterationOutcome) => void,
    private readonly isOk: (s: number) => boolean,
  ) {}
  onRequestStart(): void {}
  onResponseStart(_c: Dispatcher.DispatchController, statusCode: number): void {
    this.status = statusCode;
  }
  onResponseData(): void {}
  onResponseEnd(): void {
    this.resolve({ ok: this.isOk(this.status), tags: statusTags(this.status) });
  }
  onResponseError(_c: Dispatcher.DispatchController, e: Error): void {
    this.resolve(errorOutcome((e as { code?: string }).code ?? e.name ?? 'error'));
  }
}

export interface HttpTarget extends Target {
  /** autocannon engine: run the whole closed-model load; resolves with the autocannon result */
  drive?(d: AutocannonDrive): Promise<{ requests: number; errors: number; non2xx: number; timeouts: number }>;
}

/** one way of sending the target's request: undici's pool or pipelab's raw sockets */
interface Engine {
  /** sends the request; `done` gets its outcome once */
  send(done: (o: IterationOutcome) => void): void;
  /** fail what is in flight now (the run's hard stop) */
  destroy(): void;
  close(): Promise<void>;
}

const require = createRequire(import.meta.url);

function undiciEngine(c: Config, url: URL, req: ReturnType<typeof requestBody> & { method: string }): Engine {
  // undici loads with the first undici engine: every process importing 'pipelab' paid for it
  const { Pool } = require('undici') as typeof import('undici');
  const timeoutMs = parseDuration(c.timeout ?? DEFAULTS.timeout);
  const isOk = okStatus(c);
  const pool = new Pool(url.origin, {
    connections: c.connections ?? DEFAULTS.connections,
    pipelining: c.pipelining ?? DEFAULTS.pipelining,
    keepAliveTimeout: DEFAULTS.keepAliveTimeoutMs,
    headersTimeout: timeoutMs,
    bodyTimeout: timeoutMs,
  });
  const opts = { origin: url.origin, path: url.pathname + url.search, ...req };
  return {
    // dispatch with a small handler instead of request(): no body stream, no AsyncResource and one
    // promise per request (28 % more requests/s on one core)
    send: (done) => {
      pool.dispatch(opts, new Exchange(done, isOk));
    },
    destroy: () => void pool.destroy().catch(() => {}),
    close: () => pool.close(),
  };
}

function rawEngine(c: Config, url: URL, req: ReturnType<typeof requestBody> & { method: string }, tc: TargetContext) {
  const isOk = okStatus(c);
  const blocked = tc.metrics.trend('http_req_blocked');
  // one outcome object per status, reused (no allocation per response)
  const outcomes = new Map<number, IterationOutcome>();
  const outcomeOf = (status: number): IterationOutcome => {
    let o = outcomes.get(status);
    if (!o) {
      o = { ok: isOk(status), tags: statusTags(status) };
      outcomes.set(status, o);
    }
    return o;
  };
  const tags = tc.tags;
  const pool = new RawPool({
    url,
    ...req,
    connections: c.connections ?? DEFAULTS.connections,
    pipelining: c.pipelining ?? DEFAULTS.pipelining,
    timeoutMs: parseDuration(c.timeout ?? DEFAULTS.timeout),
    now: tc.now,
  });
  // one handler for every request, the iteration's callback passed along as the token: no closure per request
  const onResult = (status: number, error: string | undefined, blockedMs: number, done: unknown): void => {
    blocked.add(blockedMs, tc.now(), tags);
    (done as (o: IterationOutcome) => void)(error === undefined ? outcomeOf(status) : errorOutcome(error));
  };
  const engine: Engine & { warm(): Promise<void> } = {
    send: (done) => pool.send(onResult, done),
    destroy: () => pool.destroy(),
    close: () => pool.close(),
    warm: () => pool.warm(Math.min(5000, parseDuration(c.timeout ?? DEFAULTS.timeout))),
  };
  return engine;
}

const errorTags = new Map<string, IterationOutcome>();
function errorOutcome(code: string): IterationOutcome {
  let o = errorTags.get(code);
  if (!o) {
    o = { ok: false, tags: { status: '0', error: code } };
    errorTags.set(code, o);
  }
  return o;
}

function okStatus(c: Config): (s: number) => boolean {
  const ok = new Set(c.okStatus ?? []);
  return (s) => (s >= 200 && s < 300) || ok.has(s);
}

export function create(c: Config): HttpTarget {
  const url = new URL(c.url);
  const method = c.method ?? (c.body !== undefined ? 'POST' : 'GET');
  const { body, headers } = requestBody(c);
  const engineName = c.engine ?? DEFAULTS.engine;
  let engine: Engine | undefined;
  let ctx: TargetContext | undefined;
  let lastResult: Record<string, unknown> | undefined;
  // no per-request signal: every request listening on the run's one shared signal made each
  // addEventListener walk thousands of listeners (a third of the CPU at 25k/s); one listener per
  // executor signal (one per open-model run, one per closed-model VU) destroys the pool instead
  const watched = new WeakSet<AbortSignal>();
  const watchAbort = (signal: AbortSignal): void => {
    watched.add(signal);
    signal.addEventListener('abort', () => engine?.destroy(), { once: true });
  };

  const target: HttpTarget = {
    kind: 'http',
    readsInBatches: engineName === 'raw',
    slots: (c.connections ?? DEFAULTS.connections) * (c.pipelining ?? DEFAULTS.pipelining),
    async setup(tc) {
      ctx = tc;
      if (engineName === 'undici') engine = undiciEngine(c, url, { method, headers, body });
      else if (engineName === 'raw') {
        const raw = rawEngine(c, url, { method, headers, body }, tc);
        engine = raw;
        await raw.warm();
      }
    },
    iterate(it: IterationContext): Promise<IterationOutcome> {
      if (!engine)
        return Promise.reject(
          new Error('http target: iterate() before setup() (or engine autocannon, which drives its own loop)'),
        );
      if (!watched.has(it.signal)) watchAbort(it.signal);
      const e = engine;
      return new Promise((resolve) => e.send(resolve));
    },
    iterateCallback(it: IterationContext, done: (o: IterationOutcome) => void): void {
      if (!engine) throw new Error('http target: iterateCallback() before setup() (or engine autocannon)');
      if (!watched.has(it.signal)) watchAbort(it.signal);
      engine.send(done);
    },
    async teardown() {
      await engine?.close();
      engine = undefined;
    },
    services(): Record<string, ServiceInfo> {
      return {
        target: {
          mode: 'external',
          detail: `${method} ${c.url}${engineName === DEFAULTS.engine ? '' : ` (${engineName})`}`,
        },
      };
    },
    extra() {
      return lastResult ? { autocannon: lastResult } : {};
    },
  };

  if (c.engine === 'autocannon')
    target.drive = async (d) => {
      const r = await driveAutocannon(
        {
          url: c.url,
          method,
          headers,
          body,
          pipelining: c.pipelining ?? DEFAULTS.pipelining,
          timeoutMs: parseDuration(c.timeout ?? DEFAULTS.timeout),
          isOk: okStatus(c),
        },
        { ...d, connections: c.connections ?? d.connections },
        ctx ?? d.ctx,
      );
      lastResult = r.details;
      return r.counts;
    };
  return target;
}
