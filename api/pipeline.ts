/**
 * pipelab/pipeline: the reference pipeline (the system under test) piece by piece, and what runs
 * it: Kafka topics, the stream processor, feature stores, the fraud model (training, artefacts,
 * evaluation), the model server and its client, service resolution (external → container →
 * local → embedded) and the `pipeline` target with its event accounting and live autoscaling.
 * The pipeline's drift monitor and retraining loop are in pipelab/drift.
 */
export type { TransactionInput, UserFeatures, ScoringInput } from '../pipeline/types.ts';
export { FEATURE_NAMES, EMPTY_FEATURES } from '../pipeline/types.ts';

// --- Kafka topics and the stream processor
export {
  TOPICS,
  TOPIC_CONFIG,
  ensureTopics,
  type TopicDecl,
  type TopicName,
  type Compression,
  type EnsureTopicsResult,
} from '../pipeline/topics.ts';
export {
  StreamProcessor,
  PROCESSOR_DEFAULTS,
  TumblingWindows,
  WINDOW_DEFAULTS,
  RecentIds,
  PIPELINE_HEADERS,
  type ProcessorOptions,
  type ProcessorStats,
  type ProcessorMetrics,
  type Scorer,
  type WindowAggregate,
  type WindowOptions,
} from '../pipeline/processor/index.ts';

// --- feature stores
export {
  FeatureComputer,
  MemoryFeatureStore,
  RedisFeatureStore,
  FeatureUpdater,
  featureKey,
  recordLookupsInto,
  FEATURE_KEY_PREFIX,
  DEFAULT_TTL_MS,
  type FeatureStore,
  type FeatureStoreOptions,
  type FeatureStoreStats,
  type MemoryFeatureStoreOptions,
  type RedisFeatureStoreOptions,
} from '../pipeline/features/index.ts';

// --- the fraud model
export {
  PACKAGE_MODELS_DIR,
  initBackend,
  FraudModel,
  trainFraudModel,
  saveModelArtefacts,
  loadFraudModel,
  loadFraudModels,
  listModelVersions,
  readModelMetrics,
  rocAuc,
  atThreshold,
  bestF1Threshold,
  type FeatureSpec,
  type ModelMetrics,
  type TrainOptions,
  type TrainResult,
} from '../pipeline/model/index.ts';
export { trainingTransactions, type TrainingDataOptions } from '../pipeline/model/data.ts';

// --- the model server and its client
export {
  startModelServer,
  ModelClient,
  MicroBatcher,
  CircuitBreaker,
  AbRouter,
  parseWeights,
  ruleScore,
  MODEL_SERVER_DEFAULTS,
  BREAKER_DEFAULTS,
  CLIENT_FALLBACK_VERSION,
  RULES_THRESHOLD,
  type ModelServer,
  type ModelServerOptions,
  type ModelFaults,
  type Prediction,
  type ModelClientOptions,
  type BreakerOptions,
  type BreakerState,
  type RouteWeight,
} from '../pipeline/model-server/index.ts';

// --- service resolution: Kafka, Redis, the model server
export {
  resolveServices,
  resolveService,
  resolveRedis,
  resolveModelServer,
  openFeatureStore,
  servicesRequestFrom,
  redisSpec,
  modelServerSpec,
  RESOLUTION_ORDER,
  type ResolvedServices,
  type ServicesRequest,
  type ResolvableMode,
  type ResolveOptions,
  type ResolvedService,
  type ServiceSpec,
  type RedisConnection,
  type ModelServerConnection,
  type ModelServerSetup,
} from '../harness/services/index.ts';
export {
  resolveKafka,
  kafkaSpec,
  parseBootstrap,
  KAFKA_IMAGE,
  type KafkaConnection,
} from '../harness/services/kafka.ts';

// --- the `pipeline` target: runs the pipeline under load, accounts for every event, autoscales live
export {
  create as createPipelineTarget,
  PIPELINE_TARGET_DEFAULTS,
  type PipelineTarget,
} from '../harness/targets/pipeline/index.ts';
export type { PipelineTargetConfig } from '../harness/targets/index.ts';
export { EventLedger, type Accounting } from '../harness/targets/pipeline/accounting.ts';
export {
  LiveAutoscaler,
  autoscaleSchema,
  LIVE_AUTOSCALE_DEFAULTS,
  type AutoscaleConfig,
  type ScalableGroup,
  type LiveAutoscaleLog,
} from '../harness/targets/pipeline/autoscale.ts';
export {
  openField,
  openObject,
  PiiCipher,
  PII_HEADERS,
  PII_PREFIX,
  type PiiSealer,
  sealField,
  sealObject,
  type SubjectKey,
} from '../pipeline/pii/cipher.ts';
export { KEYS_TOPIC, UserKeyVault } from '../pipeline/pii/vault.ts';
export { loadPiiKeys, parsePiiKeys, type PiiKey, type PiiKeyring } from '../pipeline/pii/keys.ts';
export { maskObject, maskValue } from '../pipeline/pii/mask.ts';
export { AUDIT_TOPIC, type AuditAction, type AuditEvent } from '../pipeline/pii/audit.ts';
export { forgetUser, type ForgetOptions, type ForgetReport, type TopicForget } from '../pipeline/pii/forget.ts';
