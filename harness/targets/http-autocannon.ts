/**
 * The http target's 'autocannon' engine: autocannon owns the closed-model loop (connections =
 * vus, pipelining, duration) and every response it reports is folded into the run's registry
 * (latency, iterations, errors, tagged by status), so its figures sit beside every other run's.
 */
import type { TargetContext } from './api.ts';

export interface AutocannonDrive {
  /** how many connections (the executor's vus, or the target's `connections`) */
  connections: number;
  durationMs: number;
  ctx: TargetContext;
  /** tags for the samples (scenario + executor) */
  tags: Readonly<Record<string, string>>;
  signal: AbortSignal;
}

export interface AutocannonRequest {
  url: string;
  method: string;
  headers: Record<string, string>;
  body: string | undefined;
  pipelining: number;
  timeoutMs: number;
  isOk: (status: number) => boolean;
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

export interface AutocannonOutcome {
  counts: { requests: number; errors: number; non2xx: number; timeouts: number };
  /** autocannon's own figures, for extra.autocannon */
  details: Record<string, unknown>;
}

export async function driveAutocannon(
  req: AutocannonRequest,
  d: AutocannonDrive,
  tc: TargetContext,
): Promise<AutocannonOutcome> {
  // loaded only when this engine is used (types: ./autocannon.d.ts)
  const { default: autocannon } = await import('autocannon');
  const latency = tc.metrics.trend('latency');
  const iterations = tc.metrics.counter('iterations');
  const errors = tc.metrics.rate('errors');
  const tagged = new Map<number, Record<string, string>>();
  const tagsFor = (s: number): Record<string, string> => {
    let t = tagged.get(s);
    if (!t) {
      t = { ...d.tags, status: String(s) };
      tagged.set(s, t);
    }
    return t;
  };
  const errTags = { ...d.tags, status: '0', error: 'request' };
  const instance = autocannon({
    url: req.url,
    method: req.method,
    headers: req.headers,
    body: req.body,
    connections: d.connections,
    pipelining: req.pipelining,
    duration: Math.max(1, Math.round(d.durationMs / 1000)),
    timeout: Math.max(1, Math.round(req.timeoutMs / 1000)),
  });
  instance.on('response', (_client, statusCode, _bytes, responseTime) => {
    const now = tc.now();
    const t = tagsFor(statusCode);
    latency.add(responseTime, now, t);
    iterations.add(1, now, t);
    errors.add(!req.isOk(statusCode), now, t);
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
  return {
    counts: {
      requests: result.requests?.total ?? 0,
      errors: result.errors ?? 0,
      non2xx: result.non2xx ?? 0,
      timeouts: result.timeouts ?? 0,
    },
    details: {
      requests: result.requests?.total,
      errors: result.errors,
      timeouts: result.timeouts,
      non2xx: result.non2xx,
      latency: result.latency,
      throughput: result.throughput,
      connections: result.connections,
      pipelining: result.pipelining,
    },
  };
}
