/**
 * pipelab/engine: the parts runScenario is made of, for driving or extending them directly:
 * the k6-style executors and their clocks (a virtual clock for tests), the function/http targets,
 * the HDR metrics registry and the system sampler, and the k6 threshold grammar.
 * The reference pipeline's own target is in pipelab/pipeline.
 */
export { RealClock, VirtualClock, EXECUTOR_TYPES, executors } from '../harness/executors/index.ts';
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
} from '../harness/executors/index.ts';
export { TARGET_TYPES, createTarget } from '../harness/targets/index.ts';
export type {
  TargetType,
  TargetConfig,
  FunctionTargetConfig,
  HttpTargetConfig,
  KafkaTargetConfig,
  KafkaEventContext,
  KafkaEventFunction,
  FunctionIterationContext,
  FunctionTargetFn,
} from '../harness/targets/index.ts';
export type { Target, TargetContext, IterationContext, IterationOutcome } from '../harness/targets/api.ts';
export { createRegistry, subMetricKey, startSystemSampler } from '../harness/metrics/index.ts';
export { encodeValues } from '../results/hdr.ts';
export type {
  Registry,
  RegistryOptions,
  MetricsRegistry,
  Tags,
  SystemPoint,
  SystemSampler,
} from '../harness/metrics/index.ts';
export {
  compileThresholds,
  compileThresholdsOrThrow,
  parseExpression,
  parseMetricKey,
} from '../harness/thresholds/index.ts';
export { parseDurationResult, type DurationResult } from '../results/duration.ts';
export type { CompiledThresholds } from '../harness/thresholds/api.ts';
// capacity search on any probe function (findCapacity in 'pipelab' probes scenarios with it)
export {
  searchCapacity,
  roundRate,
  type ProbeFn,
  type ProbeOutcome,
  type SearchOptions,
} from '../harness/capacity/search.ts';
export { judgeProbe, parseSlo, backlogSlope, DEFAULT_CRITERIA, type Slo } from '../harness/capacity/judge.ts';
