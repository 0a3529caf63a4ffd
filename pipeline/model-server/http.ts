/**
 * The model server's HTTP surface: POST /predict (body limit, JSON and schema checks with the
 * failing field named), GET /healthz (versions, routes, breaker states), GET /metrics
 * (Prometheus). Every answer is counted by route and status.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import { BREAKER_STATE_VALUE } from './breaker.ts';
import type { ServerMetrics } from './metrics.ts';
import type { ModelPool } from './pool.ts';
import { parsePredictBody, type ValidationIssue } from './validate.ts';
import { COMPACT_INSTANCES, COMPACT_PREDICTIONS, decodeInstances, encodePredictions } from './wire.ts';

/** the request bodies POST /predict reads (the Accept-Post header, as W3C LDP defines it) */
const ACCEPT_POST = `application/json, ${COMPACT_INSTANCES}`;

export interface HttpOptions {
  bodyLimitBytes: number;
  batchSize: number;
  maxWaitMs: number;
  /**
   * when set, POST /predict and GET /metrics need `Authorization: Bearer <token>` (GET /healthz
   * stays open for probes)
   */
  token?: string;
}

/** a constant-time check of the bearer token (digests, so lengths do not leak either) */
function bearerMatches(header: string | undefined, token: string): boolean {
  const m = /^Bearer (.+)$/.exec(header ?? '');
  const digest = (s: string) => createHash('sha256').update(s).digest();
  return m !== null && timingSafeEqual(digest(m[1]!), digest(token));
}

export function modelServerHandler(pool: ModelPool, metrics: ServerMetrics, o: HttpOptions): RequestListener {
  const send = (res: ServerResponse, status: number, body: unknown, route: string, type = 'application/json') => {
    metrics.requests.inc({ route, status: String(status) });
    const text = typeof body === 'string' || Buffer.isBuffer(body) ? body : JSON.stringify(body);
    res.writeHead(status, { 'content-type': type, 'content-length': Buffer.byteLength(text) });
    res.end(text);
  };
  const error = (
    res: ServerResponse,
    status: number,
    code: string,
    message: string,
    route: string,
    issues: ValidationIssue[] = [],
  ) => send(res, status, { error: { code, message, issues } }, route);

  // injected faults (the harness's fault timeline): a share of requests refused, an added delay
  let errorDebt = 0;
  const faulted = async (res: ServerResponse): Promise<boolean> => {
    const f = pool.faults;
    if (f.errorShare > 0) errorDebt += f.errorShare;
    if (errorDebt >= 1) {
      errorDebt -= 1;
      error(res, 503, 'FAULT_INJECTED', 'the model server is erroring (fault injected)', '/predict');
      return true;
    }
    const d = f.delay?.() ?? 0;
    if (d > 0) await new Promise((r) => setTimeout(r, d));
    return false;
  };

  const handlePredict = async (req: IncomingMessage, res: ServerResponse) => {
    // every /predict answer says which bodies this server reads: ModelClient switches to compact on seeing it
    res.setHeader('accept-post', ACCEPT_POST);
    const body = await readBody(req, o.bodyLimitBytes);
    if (await faulted(res)) return;
    if (typeof body === 'string') return error(res, 413, 'BODY_TOO_LARGE', body, '/predict');
    const compact = req.headers['content-type']?.startsWith(COMPACT_INSTANCES) === true;
    const parsed = compact ? decodeInstances(body) : parseJsonBody(body);
    if (typeof parsed === 'string') return error(res, 400, 'INVALID_JSON', parsed, '/predict');
    if (!parsed.ok) {
      const first = parsed.issues[0]!;
      const more = parsed.issues.length > 1 ? ` (and ${parsed.issues.length - 1} more)` : '';
      const message = `invalid ${first.path}: ${first.message}${more}`;
      return error(res, 400, 'INVALID_INPUT', message, '/predict', parsed.issues);
    }
    const end = metrics.requestSeconds.startTimer();
    const predictions = await pool.predict(parsed.instances);
    end();
    if (compact) send(res, 200, encodePredictions(predictions), '/predict', COMPACT_PREDICTIONS);
    else send(res, 200, { predictions }, '/predict');
  };

  const route = async (req: IncomingMessage, res: ServerResponse, path: string | undefined) => {
    if (o.token !== undefined && path !== '/healthz' && !bearerMatches(req.headers.authorization, o.token)) {
      res.setHeader('www-authenticate', 'Bearer');
      return error(res, 401, 'UNAUTHORIZED', 'a valid bearer token is required', path === '/predict' ? path : 'other');
    }
    if (path === '/predict') {
      if (req.method !== 'POST') return error(res, 405, 'METHOD_NOT_ALLOWED', 'use POST /predict', '/predict');
      return handlePredict(req, res);
    }
    if (path === '/healthz') {
      const states = Object.fromEntries([...pool.breakers].map(([v, b]) => [v, b.state]));
      const { versions, routes } = pool;
      const health = {
        status: 'ok',
        versions,
        routes,
        breakers: states,
        batchSize: o.batchSize,
        maxWaitMs: o.maxWaitMs,
      };
      return send(res, 200, health, '/healthz');
    }
    if (path === '/metrics') {
      for (const [v, b] of pool.breakers) metrics.breakerState.set({ version: v }, BREAKER_STATE_VALUE[b.state]);
      return send(res, 200, await metrics.registry.metrics(), '/metrics', metrics.registry.contentType);
    }
    const have = '(have POST /predict, GET /healthz, GET /metrics)';
    return error(res, 404, 'NOT_FOUND', `no route ${req.method} ${path} ${have}`, 'other');
  };

  return (req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    route(req, res, path).catch((e) => {
      if (!res.headersSent) error(res, 500, 'INTERNAL', (e as Error).message, 'other');
      else res.destroy();
    });
  };
}

/** a JSON /predict body's instances or issues, or the message when it is not JSON */
function parseJsonBody(body: Buffer): ReturnType<typeof parsePredictBody> | string {
  let json: unknown;
  try {
    json = JSON.parse(body.toString('utf8'));
  } catch (e) {
    return `body is not valid JSON: ${(e as Error).message}`;
  }
  return parsePredictBody(json);
}

/** the request body, or the 413 message when it exceeds the limit (declared or streamed) */
async function readBody(req: IncomingMessage, limit: number): Promise<Buffer | string> {
  const declared = Number(req.headers['content-length'] ?? NaN);
  if (declared > limit) {
    req.resume();
    return `request body of ${declared} bytes exceeds the limit of ${limit} bytes`;
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const c of req as AsyncIterable<Buffer>) {
    size += c.length;
    if (size > limit) {
      req.resume();
      return `request body exceeds the limit of ${limit} bytes`;
    }
    chunks.push(c);
  }
  return Buffer.concat(chunks);
}
