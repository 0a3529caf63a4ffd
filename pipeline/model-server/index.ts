export { MicroBatcher } from './batcher.ts';
export { CircuitBreaker, BREAKER_DEFAULTS, type BreakerOptions, type BreakerState } from './breaker.ts';
export { ModelClient, CLIENT_FALLBACK_VERSION, type ModelClientOptions } from './client.ts';
export { AbRouter, parseWeights, type RouteWeight } from './router.ts';
export { ruleScore, RULES_THRESHOLD } from './rules.ts';
export {
  startModelServer,
  MODEL_SERVER_DEFAULTS,
  type ModelServer,
  type ModelServerOptions,
  type ModelFaults,
  type Prediction,
} from './server.ts';
