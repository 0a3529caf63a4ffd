/** The drift lab (harness side): evaluation of detectors and the two-file drift check. */
export { evaluateDetectors, type EvaluationResult, type DetectorStreamResult } from './evaluate.ts';
export {
  parseEvaluateConfig,
  EVALUATE_DEFAULTS,
  type EvaluateConfig,
  type EvaluateConfigInput,
} from './config.ts';
export * as driftMetrics from './metrics.ts';
export { formatTable } from './table.ts';
export { delayVsFalseAlarmsSpec, streamWithAlarmsSpec } from './charts.ts';
export {
  compareFiles,
  compareTables,
  compareReportJson,
  formatCompareReport,
  COMPARE_METHODS,
  type CompareReport,
  type CompareOptions,
  type CompareMethod,
} from './compare.ts';
export { readTable, type Table } from './tabular.ts';
