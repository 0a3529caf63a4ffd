/**
 * pipelab: the root entry, what scenario files and most notebooks import (`from 'pipelab'`).
 * It holds the everyday API: write and run scenarios (live and simulated), read the results they
 * produce (summary.json types, encoded HDR histograms, durations) and build reports from them.
 * Everything else sits under a subpath (pipelab/generators, pipelab/broker, pipelab/pipeline,
 * pipelab/engine, pipelab/sim, pipelab/drift, pipelab/reports, pipelab/k6); docs/api.md lists them.
 * The CLI calls the same functions; nothing is reachable from only one of them.
 */

// --- errors and version
export { PipelabError, EXIT_CODES } from './errors.ts';
export type { ErrorCode, Issue } from './errors.ts';
export { version } from './results/version.ts';

// --- write scenarios: live ones (defineScenario) and simulated ones (defineSimulation + the scaling policies)
export { defineScenario, validateScenario, loadScenario, planScenario } from './harness/scenario/index.ts';
export type {
  Scenario,
  ScenarioPlan,
  ScenarioInput,
  ExecutorConfigInput,
  TargetConfigInput,
} from './harness/scenario/index.ts';
// the context a function target's `fn` gets each iteration
export type { FunctionIterationContext, FunctionTargetFn } from './harness/targets/index.ts';
export { defineSimulation, type SimulationScenario } from './harness/sim/scenario.ts';
export { seedPolicies, type ScalingPolicy } from './harness/sim/autoscale/policies.ts';
export type { ThresholdsConfig, ThresholdSpec } from './harness/thresholds/api.ts';
// lets loadScenario import .ts scenario files outside tsx (tslab, plain node + dist/pipelab.cjs)
export { enableTypeScript } from './harness/scenario/typescript.ts';

// --- run them
export { runScenario, exitCodeFor } from './harness/runner/index.ts';
export type {
  LiveTick,
  RunnerOptions,
  RunObserver,
  RunOptions,
  Progress,
  ScenarioOverrides,
} from './harness/runner/index.ts';

// --- capacity: the highest arrival rate that meets an SLO (`pipelab capacity`), and its report
// (the search on any probe function: pipelab/engine; the report's parts: pipelab/reports)
export { findCapacity, type CapacityOptions } from './harness/capacity/find.ts';
export { writeCapacityReport } from './reports/capacity.ts';
export type * from './results/capacity.ts';

// --- read results: the summary.json contract, encoded HDR histograms, durations, per-second series
export type * from './results/types.ts';
export {
  decodeHistogram,
  decodeValues,
  mergeEncoded,
  percentileFromEncoded,
  trendFromEncoded,
  type DecodedHistogram,
} from './results/hdr.ts';
export { latencyBuckets, type LatencyBucket } from './reports/histogram.ts';
export { parseDuration, formatDuration } from './results/duration.ts';
export { timeSeriesColumns, type TimeSeriesColumns, type TimeSeriesOptions } from './reports/timeseries.ts';

// --- build reports of any run (sections for simulated runs and the drift loop: pipelab/reports)
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
} from './reports/index.ts';
export type { ChartSpec, ChartOptions, ConsoleOptions, WriteReportOptions } from './reports/index.ts';
