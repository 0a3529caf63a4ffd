/**
 * pipelab/broker: the embedded Kafka-protocol broker. `startBroker({ brokers, ... })` returns
 * the bootstrap list, lag and stats, and fault hooks (`control(apiKey, fn)`); real clients
 * (kafkajs, @platformatic/kafka, librdkafka) talk to it unchanged. `registerKafkajsCodecs()`
 * adds the Snappy and LZ4 codecs kafkajs lacks. TLS, SASL and ACLs: `tls`, `sasl`, `acls` (docs/security.md).
 * `startSchemaRegistry()` (or `startBroker({ schemaRegistry: true })`) serves a minimal Confluent Schema Registry API.
 */
export { startBroker } from '../broker/index.ts';
export type {
  Broker,
  BrokerOptions,
  BrokerStats,
  GroupLag,
  PartitionLag,
  ControlFn,
  Hook,
  HookAction,
  RequestInfo,
  TopicSpec,
  CompactionResult,
  SecurityOptions,
  SaslMechanismName,
  AclRule,
  BrokerNode,
  ClusterView,
  NodeStatus,
  ReplicatedOptions,
} from '../broker/index.ts';
export { registerKafkajsCodecs } from '../broker/codecs.ts';
export { startSchemaRegistry } from '../broker/schema-registry/index.ts';
export type {
  SchemaRegistry,
  SchemaRegistryOptions,
  CompatibilityLevel,
} from '../broker/schema-registry/index.ts';
