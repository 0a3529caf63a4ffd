/**
 * The model server: node:http, POST /predict, GET /healthz, GET /metrics.
 *
 * Each instance is routed to a model version (A/B weights, sticky by user id), queued in that
 * version's micro-batcher, and scored through that version's circuit breaker; when the breaker
 * is open, the batch fails or is slower than the breaker's timeout, the rules answer instead
 * (`source: 'rules'`). Fault hooks (`server.faults`) make the model slow or failing on demand,
 * for tests and the fallback scenario. Binds 127.0.0.1 unless told otherwise.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { loadFraudModels } from '../model/artefacts.ts';
import type { FraudModel } from '../model/inference.ts';
import type { ScoringInput } from '../types.ts';
import { MicroBatcher, type Timers } from './batcher.ts';
import { BREAKER_STATE_VALUE, CircuitBreaker, type BreakerOptions } from './breaker.ts';
import { createServerMetrics, type ServerMetrics } from './metrics.ts';
import { AbRouter, type RouteWeight } from './router.ts';
import { RULES_THRESHOLD, ruleScore } from './rules.ts';
import { parsePredictBody, type ValidationIssue } from './validate.ts';
import { withDefaults } from '../../results/defaults.ts';
import { PipelabError } from '../../errors.ts';

export interface Prediction {
  id: string;
  score: number;
  fraud: boolean;
  source: 'model' | 'rules';
  /** the version the user is routed to (also set when the rules answered for it) */
  modelVersion: string;
  threshold: number;
}

export interface ModelServerOptions {
  /** loaded models by version, or a folder of version folders (models/fraud) */
  models: Map<string, FraudModel> | string;
  /** A/B weights; default: all traffic to the last version in sort order */
  routes?: RouteWeight[];
  port?: number;
  host?: string;
  batchSize?: number;
  maxWaitMs?: number;
  breaker?: BreakerOptions;
  /** request body limit in bytes (413 above it); default 1 MiB */
  bodyLimitBytes?: number;
  timers?: Timers;
  /** also export Node process metrics on /metrics */
  defaultMetrics?: boolean;
}

export interface ModelFaults {
  /** extra latency added to every inference batch (ms) */
  delayMs: number;
  /** every inference batch throws */
  fail: boolean;
}

export interface ModelServer {
  url: string;
  port: number;
  versions: string[];
  faults: ModelFaults;
  breakers: Map<string, CircuitBreaker>;
  metrics: ServerMetrics;
  /** score instances in-process (the same path /predict takes, without HTTP) */
  predict(instances: ScoringInput[]): Promise<Prediction[]>;
  /** the loaded model of a version (undefined when not loaded) */
  model(version: string): FraudModel | undefined;
  /** the current A/B weights */
  routes(): RouteWeight[];
  /** load another version at run time (its own batcher and breaker); no traffic until routed */
  addVersion(version: string, model: FraudModel): void;
  /** change the A/B weights at run time (every named version must be loaded); users re-hash at once */
  setRoutes(routes: RouteWeight[]): void;
  close(): Promise<void>;
}

export const MODEL_SERVER_DEFAULTS = {
  port: 0,
  host: '127.0.0.1',
  batchSize: 32,
  maxWaitMs: 5,
  bodyLimitBytes: 1 << 20,
};

const WARMUP_ROW: ScoringInput = {
  transaction: {
    id: 'warmup',
    userId: 'warmup',
    deviceId: 'd',
    merchantId: 'm',
    amount: 10,
    currency: 'EUR',
    country: 'DE',
    channel: 'online',
    eventTime: 0,
  },
  features: { user_transaction_count_1h: 1, user_avg_transaction_amount_24h: 10, user_device_risk_score: 0 },
};

function rulesPrediction(x: ScoringInput, version: string): Prediction {
  const score = ruleScore(x);
  return {
    id: x.transaction.id,
    score,
    fraud: score >= RULES_THRESHOLD,
    source: 'rules',
    modelVersion: version,
    threshold: RULES_THRESHOLD,
  };
}

export async function startModelServer(opts: ModelServerOptions): Promise<ModelServer> {
  const o = withDefaults(MODEL_SERVER_DEFAULTS, opts);
  // a copy: addVersion extends it without touching the caller's map
  const models = new Map(typeof o.models === 'string' ? await loadFraudModels(o.models) : o.models);
  const versions = [...models.keys()].sort();
  if (versions.length === 0) throw new RangeError('startModelServer needs at least one model version');
  // one forward pass per model before listening: the first call pays for wasm kernel set-up, and
  // it should not land on a user's request (or trip the breaker's timeout)
  for (const m of models.values()) m.predict(Array.from({ length: o.batchSize }, () => WARMUP_ROW));
  let routes = o.routes ?? [{ version: versions[versions.length - 1]!, weight: 1 }];
  const checkRoutes = (rs: RouteWeight[]) => {
    for (const r of rs)
      if (!models.has(r.version))
        throw new PipelabError(
          'INVALID_ARGUMENT',
          `model route names version "${r.version}", which is not loaded (have ${versions.join(', ')})`,
          {
            hint: `route to loaded versions only (${versions.join(', ')}): target.routes in a scenario, --routes for serve-model`,
          },
        );
  };
  checkRoutes(routes);
  let router = new AbRouter(routes);
  const metrics = createServerMetrics({ defaultMetrics: o.defaultMetrics });
  const faults: ModelFaults = { delayMs: 0, fail: false };
  const breakers = new Map<string, CircuitBreaker>();
  const batchers = new Map<string, MicroBatcher<ScoringInput, number>>();
  const register = (v: string, model: FraudModel): void => {
    const b = new CircuitBreaker({
      ...o.breaker,
      timers: o.breaker?.timers ?? o.timers,
      onStateChange: (_f, to) => metrics.breakerState.set({ version: v }, BREAKER_STATE_VALUE[to]),
    });
    metrics.breakerState.set({ version: v }, 0);
    breakers.set(v, b);
    batchers.set(
      v,
      new MicroBatcher<ScoringInput, number>({
        maxBatch: o.batchSize,
        maxWaitMs: o.maxWaitMs,
        timers: o.timers,
        onBatch: (n) => metrics.batchSize.observe({ version: v }, n),
        run: async (items) => {
          if (faults.delayMs > 0) await new Promise((r) => setTimeout(r, faults.delayMs));
          if (faults.fail) throw new Error('model unavailable (fault injected)');
          const end = metrics.inferenceSeconds.startTimer({ version: v });
          const scores = model.predict(items);
          end();
          return Array.from(scores);
        },
      }),
    );
  };
  for (const [v, model] of models) register(v, model);

  const predictOne = async (x: ScoringInput): Promise<Prediction> => {
    const v = router.route(x.transaction.userId);
    const model = models.get(v)!;
    const r = await breakers.get(v)!.exec(
      async () => {
        const score = await batchers.get(v)!.submit(x);
        return {
          id: x.transaction.id,
          score,
          fraud: score >= model.threshold,
          source: 'model',
          modelVersion: v,
          threshold: model.threshold,
        } satisfies Prediction;
      },
      (why) => {
        metrics.fallbacks.inc({ version: v, reason: why });
        return rulesPrediction(x, v);
      },
    );
    metrics.predictions.inc({ source: r.value.source, version: v });
    return r.value;
  };
  const predict = (xs: ScoringInput[]) => Promise.all(xs.map(predictOne));

  const send = (res: ServerResponse, status: number, body: unknown, route: string, type = 'application/json') => {
    metrics.requests.inc({ route, status: String(status) });
    const text = typeof body === 'string' ? body : JSON.stringify(body);
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

  const handlePredict = async (req: IncomingMessage, res: ServerResponse) => {
    const declared = Number(req.headers['content-length'] ?? NaN);
    if (declared > o.bodyLimitBytes) {
      req.resume();
      return error(
        res,
        413,
        'BODY_TOO_LARGE',
        `request body of ${declared} bytes exceeds the limit of ${o.bodyLimitBytes} bytes`,
        '/predict',
      );
    }
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const c of req as AsyncIterable<Buffer>) {
      size += c.length;
      if (size > o.bodyLimitBytes) {
        req.resume();
        return error(
          res,
          413,
          'BODY_TOO_LARGE',
          `request body exceeds the limit of ${o.bodyLimitBytes} bytes`,
          '/predict',
        );
      }
      chunks.push(c);
    }
    let json: unknown;
    try {
      json = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    } catch (e) {
      return error(res, 400, 'INVALID_JSON', `body is not valid JSON: ${(e as Error).message}`, '/predict');
    }
    const parsed = parsePredictBody(json);
    if (!parsed.ok) {
      const first = parsed.issues[0]!;
      return error(
        res,
        400,
        'INVALID_INPUT',
        `invalid ${first.path}: ${first.message}` +
          (parsed.issues.length > 1 ? ` (and ${parsed.issues.length - 1} more)` : ''),
        '/predict',
        parsed.issues,
      );
    }
    const end = metrics.requestSeconds.startTimer();
    const predictions = await predict(parsed.instances);
    end();
    send(res, 200, { predictions }, '/predict');
  };

  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    const run = async () => {
      if (path === '/predict') {
        if (req.method !== 'POST') return error(res, 405, 'METHOD_NOT_ALLOWED', 'use POST /predict', '/predict');
        return handlePredict(req, res);
      }
      if (path === '/healthz') {
        const states = Object.fromEntries([...breakers].map(([v, b]) => [v, b.state]));
        return send(
          res,
          200,
          { status: 'ok', versions, routes, breakers: states, batchSize: o.batchSize, maxWaitMs: o.maxWaitMs },
          '/healthz',
        );
      }
      if (path === '/metrics') {
        for (const [v, b] of breakers) metrics.breakerState.set({ version: v }, BREAKER_STATE_VALUE[b.state]);
        return send(res, 200, await metrics.registry.metrics(), '/metrics', metrics.registry.contentType);
      }
      return error(
        res,
        404,
        'NOT_FOUND',
        `no route ${req.method} ${path} (have POST /predict, GET /healthz, GET /metrics)`,
        'other',
      );
    };
    run().catch((e) => {
      if (!res.headersSent) error(res, 500, 'INTERNAL', (e as Error).message, 'other');
      else res.destroy();
    });
  });
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(o.port, o.host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://${o.host}:${port}`,
    port,
    versions,
    faults,
    breakers,
    metrics,
    predict,
    model: (v) => models.get(v),
    routes: () => routes.map((r) => ({ ...r })),
    addVersion(v, model) {
      if (models.has(v)) throw new RangeError(`model version "${v}" is already loaded`);
      model.predict(Array.from({ length: o.batchSize }, () => WARMUP_ROW));
      models.set(v, model);
      versions.push(v);
      versions.sort();
      register(v, model);
    },
    setRoutes(rs) {
      checkRoutes(rs);
      router = new AbRouter(rs);
      routes = rs.map((r) => ({ ...r }));
    },
    close: async () => {
      for (const b of batchers.values()) b.drain();
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}
