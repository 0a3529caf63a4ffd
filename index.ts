/**
 * pipelab public API: what notebooks and scenario files import (`import { ... } from 'pipelab'`).
 * The CLI calls the same functions; nothing is reachable from only one of them.
 */
export { Rng, toSeed } from './generators/rng.ts';
export { PipelabError, EXIT_CODES } from './errors.ts';
export type * from './results/types.ts';
export { version } from './results/version.ts';

// Embedded Kafka-protocol broker (broker): startBroker({ brokers, ... }) → bootstrap, lag, stats, control
export { startBroker } from './broker/index.ts';
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
} from './broker/index.ts';
export { registerKafkajsCodecs } from './broker/codecs.ts';
// --- metrics & thresholds (harness/metrics, harness/thresholds): HDR registry, encoded-histogram helpers
export { createRegistry, startSystemSampler, subMetricKey } from './harness/metrics/index.ts';
export {
  mergeEncoded,
  decodeHistogram,
  percentileFromEncoded,
  trendFromEncoded,
  encodeValues,
} from './results/hdr.ts';
export type { DecodedHistogram } from './results/hdr.ts';
export type {
  Registry,
  RegistryOptions,
  MetricsRegistry,
  Tags,
  SystemPoint,
  SystemSampler,
} from './harness/metrics/index.ts';
export {
  compileThresholds,
  compileThresholdsOrThrow,
  parseExpression,
  parseMetricKey,
} from './harness/thresholds/index.ts';
export { parseDuration, parseDurationResult, formatDuration } from './results/duration.ts';
export type { CompiledThresholds, ThresholdsConfig, ThresholdSpec } from './harness/thresholds/api.ts';
// --- generators: seeded event streams, arrival processes, key skew, drift, serialisation ---
export { createArrivals, parseArrivalSpec, ArrivalSpecSchema, ARRIVAL_KINDS } from './generators/arrivals.ts';
export type { Arrivals, ArrivalSpec, ArrivalSpecInput } from './generators/arrivals.ts';
export { createZipf, zipfPmf, ZIPF_ALIAS_MAX, AliasTable } from './generators/zipf.ts';
export type { ZipfSampler, ZipfMethod } from './generators/zipf.ts';
export { DriftSchedule, DriftSpecSchema, driftProbability, paramPaths } from './generators/drift.ts';
export type { DriftSpec, DriftSpecInput, DriftTruth, Params as DriftParams } from './generators/drift.ts';
export { UserPopulation, MerchantPopulation } from './generators/population.ts';
export { COUNTRIES, distanceKm } from './generators/geo.ts';
export type { Country } from './generators/geo.ts';
export {
  TransactionStream,
  createTransactionStream,
  TransactionConfigSchema,
  defaultTransactionParams,
  FRAUD_PATTERNS,
  CHANNELS,
} from './generators/transactions.ts';
export type {
  Transaction,
  FraudPattern,
  Channel,
  TransactionConfigInput,
  TransactionParams,
} from './generators/transactions.ts';
export {
  UserEventStream,
  createUserEventStream,
  UserEventConfigSchema,
  defaultUserEventParams,
  USER_EVENT_TYPES,
  DEVICE_TYPES,
} from './generators/user-events.ts';
export type {
  UserEvent,
  UserEventType,
  DeviceType,
  UserEventConfigInput,
  UserEventParams,
} from './generators/user-events.ts';
export type { EventStream } from './generators/stream.ts';
export {
  transactionToJson,
  transactionFromJson,
  transactionToAvro,
  transactionFromAvro,
  transactionAvroType,
  userEventToJson,
  userEventFromJson,
  userEventToAvro,
  userEventFromAvro,
  userEventAvroType,
  avroSyncMarker,
} from './generators/serialize.ts';
export { TRANSACTION_AVSC, USER_EVENT_AVSC } from './generators/schemas/index.ts';
export { GENERATORS, getGenerator, createGenerator, generatorNames } from './generators/registry.ts';
export type { GeneratorEntry } from './generators/registry.ts';

// --- Simulation, autoscaling and cost (issue #6): discrete-event pipeline model, queue
// self-checks against theory, HPA/KEDA controllers, instance catalogue and run comparison.
export { simulate, downsamplePoints, type SimExtra, type SimulateOptions } from './harness/sim/simulate.ts';
export { PIPELINE_DEFAULTS, resolveConfig, type PipelineSimConfig } from './harness/sim/config.ts';
export { simulateQueue, type QueueSimOptions, type QueueSimResult } from './harness/sim/queue.ts';
export {
  analytic,
  mm1,
  mmc,
  md1,
  erlangC,
  mmcWaitTail,
  type QueueFigures,
  type QueueModel,
} from './harness/sim/theory.ts';
export {
  sampler,
  lognormalFromP50P99,
  empiricalFromSummary,
  type ServiceTimeSpec,
  type Sampler,
} from './harness/sim/dist.ts';
export { toArrivalProcess, type ArrivalProcess } from './harness/sim/arrivals.ts';
export { EventQueue } from './harness/sim/heap.ts';
export { partitionOf } from './harness/sim/keys.ts';
export {
  Hpa,
  HPA_DEFAULTS,
  defaultBehavior,
  type HpaSpec,
  type HpaMetric,
  type HpaBehavior,
  type HpaPolicy,
  type HpaInput,
} from './harness/sim/autoscale/hpa.ts';
export {
  KedaKafkaScaler,
  kafkaTotalLag,
  partitionLag,
  KEDA_KAFKA_DEFAULTS,
  type KedaKafkaOptions,
  type KafkaPartitionOffsets,
} from './harness/sim/autoscale/keda.ts';
export { seedPolicies, type ScalingPolicy } from './harness/sim/autoscale/policies.ts';
export { ReplicaGroup } from './harness/sim/autoscale/replicas.ts';
export type { ScaleDecision, PodSample } from './harness/sim/autoscale/types.ts';
export {
  loadCatalogue,
  parseCatalogue,
  hourlyPrice,
  DEFAULT_CATALOGUE_PATH,
  type Catalogue,
  type Instance,
  type Pricing,
} from './harness/sim/cost/catalogue.ts';
export { configCost, runCost, DEFAULT_COST_SPEC, type CostSpec, type CostBreakdown } from './harness/sim/cost/cost.ts';
export {
  compareRow,
  formatCompareTable,
  compareChartSpec,
  sloViolationMinutes,
  type CompareRow,
} from './harness/sim/cost/compare.ts';
export {
  defineSimulation,
  loadSimulation,
  loadAnyScenario,
  validateSimulation,
  runSimulation,
  scenarioKind,
  isSimulationScenario,
  SIM_METRIC_TYPES,
  SIMULATION_KIND,
  type SimulationScenario,
  type SimulationOverrides,
  type RunSimulationOptions,
  type AnyScenario,
} from './harness/sim/scenario.ts';

// Calibration and live autoscaling (issue #6 item 5): a simulator config from a live pipeline run, predictions of other rates; the autoscalers on real processors
export {
  calibrate,
  predict,
  measuredFigures,
  compareWithMeasured,
  formatCalibrationTable,
  liveRate,
  type Calibration,
  type CalibrationSource,
  type CalibrateOptions,
  type PredictOptions,
  type Prediction as CalibratedPrediction,
  type MeasuredFigures,
  type ComparisonRow,
} from './harness/sim/calibrate.ts';
export {
  LiveAutoscaler,
  autoscaleSchema,
  LIVE_AUTOSCALE_DEFAULTS,
  type AutoscaleConfig,
  type ScalableGroup,
  type LiveAutoscaleLog,
} from './harness/targets/pipeline-autoscale.ts';

// --- engine (harness/scenario, harness/executors, harness/targets, harness/runner): scenario files, executors, targets, runScenario
export {
  defineScenario,
  loadScenario,
  validateScenario,
  planScenario,
} from './harness/scenario/index.ts';
export type {
  Scenario,
  ScenarioPlan,
  ScenarioInput,
  ExecutorConfigInput,
  TargetConfigInput,
} from './harness/scenario/index.ts';
export { runScenario, exitCodeFor } from './harness/runner/index.ts';
export type { RunnerOptions, RunOptions, Progress, ScenarioOverrides, ReportWriter } from './harness/runner/index.ts';
export { RealClock, VirtualClock, EXECUTOR_TYPES, executors } from './harness/executors/index.ts';
export type {
  Clock,
  ExecutorType,
  ExecutorConfig,
  ConstantArrivalRateConfig,
  RampingArrivalRateConfig,
  ConstantVusConfig,
  RampingVusConfig,
  PerVuIterationsConfig,
  ArrivalPlan,
  VuPlan,
  BasePlan,
} from './harness/executors/index.ts';
export { TARGET_TYPES, createTarget } from './harness/targets/index.ts';
export type {
  TargetType,
  TargetConfig,
  FunctionTargetConfig,
  HttpTargetConfig,
  FunctionIterationContext,
  FunctionTargetFn,
} from './harness/targets/index.ts';
export type { Target, TargetContext, IterationContext, IterationOutcome } from './harness/targets/api.ts';

// reports: writers and chart builders; they read a RunSummary only (summary.json)
export {
  writeReport,
  defaultReportDir,
  formatConsoleSummary,
  formatMarkdown,
  formatJunit,
  formatHtml,
  formatJson,
  chartSpecs,
  latencyOverTimeSpec,
  latencyHistogramSpec,
  throughputSpec,
  errorsSpec,
  CHART_FONT,
  renderSvg,
  renderPng,
  latencyBuckets,
  decodeValues,
} from './reports/index.ts';
export type { ChartSpec, ChartOptions, ConsoleOptions, LatencyBucket, WriteReportOptions } from './reports/index.ts';
// reports of simulated runs (summary.extra.sim): the one analysis (scale-outs, reaction, SLO minutes,
// recovery, cost), its Markdown/HTML sections, the capacity report for notebooks, and the charts
export {
  replicaTimelineSpec,
  lagOverTimeSpec,
  simChartSpecs,
  simTimelineSpec,
  simReportData,
  simMarkdown,
  simHtml,
  formatSimReport,
  recoveryOf,
  fmtSimTime,
} from './reports/index.ts';
export type { SimReportData, SimReportOptions, ScaleOutRow } from './reports/index.ts';

// notebooks: let loadScenario import .ts scenario files outside tsx (tslab, plain node + dist/pipelab.cjs)
export { enableTypeScript } from './harness/scenario/typescript.ts';

// Drift lab (issue #7): drifting streams with ground truth, batch and streaming detectors,
// detector evaluation and the two-dataset drift check.
export * from './generators/drift/index.ts';
export * from './pipeline/drift/batch/index.ts';
export * from './pipeline/drift/streaming/index.ts';
export * from './harness/drift-lab/index.ts';
// Drift loop (issue #7 item 5): monitor → retrain → A/B candidate → AUC-gated promotion in the pipeline.
export {
  DriftMonitor,
  DRIFT_MONITOR_DEFAULTS,
  type DriftMonitorOptions,
  type DriftAlert,
  type MonitorSignal,
  type MonitorObservation,
  type MonitorStats,
} from './pipeline/drift/monitor.ts';
export {
  DriftLoop,
  DRIFT_LOOP_DEFAULTS,
  type DriftLoopOptions,
  type DriftLoopReport,
  type LoopEvent,
  type LoopEventKind,
  type LoopModel,
  type LoopModelHost,
  type LoopState,
} from './pipeline/drift/loop.ts';
export { fraudRetrainer, type RetrainOptions } from './pipeline/drift/retrain.ts';
export {
  driftLoopData,
  driftLoopRows,
  driftLoopHeadline,
  driftLoopMarkdown,
  driftLoopHtml,
  driftLoopTimelineSpec,
  type DriftLoopSummaryData,
} from './reports/drift-loop.ts';

// Reference pipeline (model helper, issue #5): feature stores, fraud model training/loading, the
// model server and its client, and service resolution (external → container → local → embedded).
export type { TransactionInput, UserFeatures, ScoringInput } from './pipeline/types.ts';
export { FEATURE_NAMES, EMPTY_FEATURES } from './pipeline/types.ts';
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
} from './pipeline/features/index.ts';
export {
  PACKAGE_MODELS_DIR,
  initBackend,
  FraudModel,
  trainFraudModel,
  withFeatures,
  saveModelArtefacts,
  loadFraudModel,
  loadFraudModels,
  listModelVersions,
  readModelMetrics,
  rocAuc,
  atThreshold,
  bestF1Threshold,
  fitSpec,
  encodeRows,
  type FeatureSpec,
  type ModelMetrics,
  type TrainOptions,
  type TrainResult,
} from './pipeline/model/index.ts';
export { trainingTransactions, type TrainingDataOptions } from './pipeline/model/data.ts';
export {
  startModelServer,
  ModelClient,
  MicroBatcher,
  CircuitBreaker,
  AbRouter,
  parseWeights,
  ruleScore,
  parsePredictBody,
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
} from './pipeline/model-server/index.ts';
export {
  resolveServices,
  resolveService,
  resolveRedis,
  resolveModelServer,
  openFeatureStore,
  serviceOptionsFrom,
  servicesRequestFrom,
  servicesInfo,
  probeContainerRuntime,
  startLocalRedis,
  startLocalModelServer,
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
} from './harness/services/index.ts';

// --- k6 export (harness/export): a scenario with an http target as a k6 script (options + request)
export { k6Script, bundleK6Script, K6_URL_ENV } from './harness/export/k6-script.ts';
export type { K6Script, K6ScriptOptions } from './harness/export/k6-script.ts';
export { k6Options, K6_METRICS } from './harness/export/k6-options.ts';
export type { K6Options, K6Scenario, K6Threshold, K6Mapping, K6Dropped } from './harness/export/k6-options.ts';

// --- data frames for notebooks (reports/timeseries.ts): the per-second series as tidy columns for arquero
export { timeSeriesColumns } from './reports/timeseries.ts';
export type { TimeSeriesColumns, TimeSeriesOptions } from './reports/timeseries.ts';

// --- pipeline (pipeline/topics, pipeline/processor, harness/services/kafka, harness/targets/pipeline): Kafka parts of the reference pipeline
export {
  TOPICS,
  TOPIC_CONFIG,
  ensureTopics,
  replicationFor,
  compressionType,
  type TopicDecl,
  type TopicName,
  type Compression,
  type EnsureTopicsResult,
} from './pipeline/topics.ts';
export {
  StreamProcessor,
  PROCESSOR_DEFAULTS,
  TumblingWindows,
  WINDOW_DEFAULTS,
  RecentIds,
  validateTransaction,
  PIPELINE_HEADERS,
  epochNow,
  type ProcessorOptions,
  type ProcessorStats,
  type ProcessorMetrics,
  type Scorer,
  type WindowAggregate,
  type WindowOptions,
  type Validated,
} from './pipeline/processor/index.ts';
export {
  resolveKafka,
  kafkaSpec,
  parseBootstrap,
  KAFKA_IMAGE,
  type KafkaConnection,
} from './harness/services/kafka.ts';
export {
  create as createPipelineTarget,
  PIPELINE_TARGET_DEFAULTS,
  type PipelineTarget,
} from './harness/targets/pipeline.ts';
export { EventLedger, type Accounting } from './harness/targets/pipeline-accounting.ts';
export type { PipelineTargetConfig } from './harness/targets/index.ts';
