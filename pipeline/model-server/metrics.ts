/** The model server's Prometheus metrics (prom-client), in a registry per server instance. */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export function createServerMetrics(opts: { defaultMetrics?: boolean } = {}) {
  const registry = new Registry();
  if (opts.defaultMetrics) collectDefaultMetrics({ register: registry, prefix: 'pipelab_model_server_' });
  const registers = [registry];
  return {
    registry,
    requests: new Counter({
      name: 'pipelab_model_requests_total',
      help: 'HTTP requests by route and status',
      labelNames: ['route', 'status'],
      registers,
    }),
    requestSeconds: new Histogram({
      name: 'pipelab_model_request_seconds',
      help: 'HTTP /predict latency',
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1],
      registers,
    }),
    predictions: new Counter({
      name: 'pipelab_model_predictions_total',
      help: 'scored instances by source (model|rules) and model version',
      labelNames: ['source', 'version'],
      registers,
    }),
    batchSize: new Histogram({
      name: 'pipelab_model_batch_size',
      help: 'rows per inference batch',
      labelNames: ['version'],
      buckets: [1, 2, 4, 8, 16, 24, 32, 48, 64],
      registers,
    }),
    inferenceSeconds: new Histogram({
      name: 'pipelab_model_inference_seconds',
      help: 'model forward-pass time per batch',
      labelNames: ['version'],
      buckets: [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1],
      registers,
    }),
    breakerState: new Gauge({
      name: 'pipelab_model_breaker_state',
      help: 'circuit breaker state per version: 0 closed, 1 half-open, 2 open',
      labelNames: ['version'],
      registers,
    }),
    fallbacks: new Counter({
      name: 'pipelab_model_fallbacks_total',
      help: 'instances answered by the rules, by version and reason (open|error|timeout)',
      labelNames: ['version', 'reason'],
      registers,
    }),
  };
}

export type ServerMetrics = ReturnType<typeof createServerMetrics>;
