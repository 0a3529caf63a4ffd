/**
 * pipelab public API: what notebooks and scenario files import (`import { ... } from 'pipelab'`).
 * The CLI calls the same functions; nothing is reachable from only one of them.
 */
export { Rng, toSeed } from './generators/rng.ts';
export { PipelabError, EXIT_CODES } from './harness/errors.ts';
export type * from './harness/results/types.ts';
export { version } from './harness/version.ts';

// Embedded Kafka-protocol broker (harness/broker): startBroker({ brokers, ... }) → bootstrap, lag, stats, control
export { startBroker } from './harness/broker/index.ts';
export type { Broker, BrokerOptions, BrokerStats, GroupLag, PartitionLag, ControlFn, Hook, HookAction, RequestInfo, TopicSpec } from './harness/broker/index.ts';
export { registerKafkajsCodecs } from './harness/broker/codecs.ts';
