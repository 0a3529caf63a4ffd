/**
 * pipelab/sim: the discrete-event model of the reference pipeline and what surrounds it:
 * simulate() and the simulated-scenario helpers, queue self-checks against queueing theory,
 * service-time distributions, the HPA and KEDA autoscaler models, the instance catalogue and run
 * cost, the cost/SLO comparison of runs, and calibration from a live run (predicted vs measured).
 * A simulation scenario is written with defineSimulation and seedPolicies from 'pipelab'.
 */
export { simulate, type SimExtra, type SimulateOptions } from '../harness/sim/simulate.ts';
export { PIPELINE_DEFAULTS, type PipelineSimConfig } from '../harness/sim/config.ts';
export {
  loadSimulation,
  validateSimulation,
  runSimulation,
  loadAnyScenario,
  type AnyScenario,
  type SimulationOverrides,
  type RunSimulationOptions,
} from '../harness/sim/scenario.ts';

// --- queueing theory and the queue self-check
export { simulateQueue, type QueueSimOptions, type QueueSimResult } from '../harness/sim/queue.ts';
export {
  analytic,
  mm1,
  mmc,
  md1,
  erlangC,
  mmcWaitTail,
  type QueueFigures,
  type QueueModel,
} from '../harness/sim/theory.ts';
export { lognormalFromP50P99, empiricalFromSummary, type ServiceTimeSpec } from '../harness/sim/dist.ts';
export type { ArrivalProcess } from '../harness/sim/arrivals.ts';

// --- autoscaler models
export {
  Hpa,
  HPA_DEFAULTS,
  type HpaSpec,
  type HpaMetric,
  type HpaBehavior,
  type HpaPolicy,
  type HpaInput,
} from '../harness/sim/autoscale/hpa.ts';
export {
  KedaKafkaScaler,
  kafkaTotalLag,
  KEDA_KAFKA_DEFAULTS,
  type KedaKafkaOptions,
  type KafkaPartitionOffsets,
} from '../harness/sim/autoscale/keda.ts';
export type { ScaleDecision, PodSample } from '../harness/sim/autoscale/types.ts';

// --- cost, and the cost/SLO comparison of runs
export {
  loadCatalogue,
  parseCatalogue,
  hourlyPrice,
  DEFAULT_CATALOGUE_PATH,
  type Catalogue,
  type Instance,
  type Pricing,
} from '../harness/sim/cost/catalogue.ts';
export { configCost, runCost, DEFAULT_COST_SPEC, type CostSpec, type CostBreakdown } from '../harness/sim/cost/cost.ts';
export {
  compareRow,
  formatCompareTable,
  compareChartSpec,
  type CompareRow,
} from '../harness/sim/cost/compare.ts';
export { sloViolationMinutes } from '../results/slo.ts';
// verdicts of runs against a baseline (`pipelab compare --out`, --fail-on worse): better, worse or the same
// within noise
export { compareReport, perSecond, COMPARE_FIGURES, type CompareInput } from '../harness/sim/cost/verdict.ts';
export type {
  CompareReport,
  CompareFigures,
  CompareFigure,
  FigureVerdict,
  Verdict,
} from '../results/compare.ts';

// --- calibration: a simulator config from a live pipeline run, predictions of other rates
export {
  calibrate,
  predict,
  measuredFigures,
  compareWithMeasured,
  formatCalibrationTable,
  type Calibration,
  type CalibrationSource,
  type CalibrateOptions,
  type PredictOptions,
  type Prediction as CalibratedPrediction,
  type MeasuredFigures,
  type ComparisonRow,
} from '../harness/sim/calibrate.ts';
export { calibrateRuns, type RampCalibration, type RampFit } from '../harness/sim/calibrate-fit.ts';
export type { CpuDemand, HostSpec, HostFigures } from '../harness/sim/model/cpu.ts';
// --- capacity sweep: one configuration at rising rates, the knee and what saturates first
export {
  capacitySweep,
  sweepAt,
  type SweepRow,
  type SweepResult,
  type SweepOptions,
} from '../harness/sim/sweep.ts';
