/**
 * The model server: node:http, POST /predict, GET /healthz, GET /metrics.
 *
 * Each instance is routed to a model version (A/B weights, sticky by user id), queued in that
 * version's micro-batcher, and scored through that version's circuit breaker; when the breaker
 * is open, the batch fails or is slower than the breaker's timeout, the rules answer instead
 * (`source: 'rules'`). Fault hooks (`server.faults`) make the model slow or failing on demand,
 * for tests and the fallback scenario. Binds 127.0.0.1 unless told otherwise.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { loadFraudModels } from '../model/artefacts.ts';
import type { FraudModel } from '../model/inference.ts';
import type { ScoringInput } from '../types.ts';
import type { Timers } from './batcher.ts';
import type { BreakerOptions, CircuitBreaker } from './breaker.ts';
import { modelServerHandler } from './http.ts';
import { createServerMetrics, type ServerMetrics } from './metrics.ts';
import type { Prediction } from '../types.ts';
import { ModelPool, type ModelFaults } from './pool.ts';
import type { RouteWeight } from './router.ts';
import { withDefaults } from '../../results/defaults.ts';

export type { ModelFaults } from './pool.ts';
export type { Prediction } from '../types.ts';

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
  /** require `Authorization: Bearer <token>` on /predict and /metrics (default: none) */
  token?: string;
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
  /** stop listening and drop every connection, models kept (an outage); up() listens again on the same port */
  down(): Promise<void>;
  up(): Promise<void>;
  close(): Promise<void>;
}

export const MODEL_SERVER_DEFAULTS = {
  port: 0,
  host: '127.0.0.1',
  batchSize: 32,
  maxWaitMs: 5,
  bodyLimitBytes: 1 << 20,
};

export async function startModelServer(opts: ModelServerOptions): Promise<ModelServer> {
  const o = withDefaults(MODEL_SERVER_DEFAULTS, opts);
  // a copy: addVersion extends it without touching the caller's map
  const models = new Map(typeof o.models === 'string' ? await loadFraudModels(o.models) : o.models);
  const metrics = createServerMetrics({ defaultMetrics: o.defaultMetrics });
  const pool = new ModelPool(models, o.routes, o, metrics);
  const server = createServer(modelServerHandler(pool, metrics, o));
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(o.port, o.host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://${o.host}:${port}`,
    port,
    versions: pool.versions,
    faults: pool.faults,
    breakers: pool.breakers,
    metrics,
    predict: (xs) => pool.predict(xs),
    model: (v) => pool.model(v),
    routes: () => pool.routes.map((r) => ({ ...r })),
    addVersion: (v, model) => pool.addVersion(v, model),
    setRoutes: (rs) => pool.setRoutes(rs),
    down: async () => {
      if (!server.listening) return;
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
    up: async () => {
      if (server.listening) return;
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, o.host, () => resolve());
      });
    },
    close: async () => {
      for (const b of pool.batchers.values()) b.drain();
      if (!server.listening) return;
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}
