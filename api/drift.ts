/**
 * pipelab/drift: the drift lab and the pipeline's drift loop.
 * - drifting synthetic streams with ground truth (SEA, STAGGER, Agrawal, hyperplane, numeric,
 *   categorical, label drift), pure and seeded;
 * - batch statistics of one reference window against one current window (KS, PSI, Wasserstein,
 *   Jensen-Shannon, chi-square, z-test) and Evidently-style column and dataset drift;
 * - streaming detectors with River's semantics (ADWIN, Page-Hinkley, KSWIN, DDM, EDDM, HDDM-A);
 * - detector evaluation (delay, false alarms, River's drift metrics) and its table and charts;
 * - the two-dataset drift check of CSV/JSON files (`pipelab drift compare`);
 * - the pipeline's loop: DriftMonitor → retrain → A/B candidate → AUC-gated promotion.
 */

// --- drifting streams with ground truth
export * from '../generators/drift/index.ts';

// --- batch statistics
export {
  ks2samp,
  ksExactPvalue,
  KS_MAX_AUTO_N,
  type KsResult,
  type KsMethod,
  wasserstein1,
  wassersteinNormed,
  type WassersteinResult,
  psi,
  psiFromShares,
  type PsiResult,
  type PsiBinning,
  jensenShannon,
  jensenShannonDistance,
  type JsResult,
  chiSquare,
  chiSquareGoodnessOfFit,
  type ChiSquareResult,
  proportionsZTest,
  type ZTestResult,
  type Shares,
  columnDrift,
  datasetDrift,
  defaultMethod,
  DEFAULT_THRESHOLDS,
  DEFAULT_DRIFT_SHARE,
  type ColumnDrift,
  type DatasetDrift,
  type DriftMethod,
  type ColumnKind,
  type ColumnDriftOptions,
} from '../pipeline/drift/batch/index.ts';

// --- streaming detectors
export * from '../pipeline/drift/streaming/index.ts';

// --- evaluation of detectors, and the two-dataset drift check
export {
  evaluateDetectors,
  parseEvaluateConfig,
  EVALUATE_DEFAULTS,
  driftMetrics,
  formatTable,
  delayVsFalseAlarmsSpec,
  streamWithAlarmsSpec,
  compareFiles,
  compareTables,
  compareReportJson,
  formatCompareReport,
  COMPARE_METHODS,
  readTable,
  type EvaluationResult,
  type DetectorStreamResult,
  type EvaluateConfig,
  type EvaluateConfigInput,
  type CompareReport,
  type CompareOptions,
  type CompareMethod,
  type Table,
} from '../harness/drift-lab/index.ts';

// --- the pipeline's drift loop
export {
  DriftMonitor,
  DRIFT_MONITOR_DEFAULTS,
  type DriftMonitorOptions,
  type DriftAlert,
  type MonitorSignal,
  type MonitorObservation,
  type MonitorStats,
} from '../pipeline/drift/monitor.ts';
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
} from '../pipeline/drift/loop.ts';
export { fraudRetrainer, type RetrainOptions } from '../pipeline/drift/retrain.ts';
