/**
 * pipelab/reports: report sections for particular kinds of run, beside the everyday report API
 * of 'pipelab' (writeReport, the format* writers, chartSpecs, renderSvg): a simulated run's
 * analysis (scale-outs, reaction, SLO minutes, recovery, cost) with its text, Markdown, HTML and
 * charts, and the pipeline drift loop's section and timeline.
 */
export {
  simReportData,
  formatSimReport,
  simMarkdown,
  simHtml,
  simChartSpecs,
  simTimelineSpec,
  replicaTimelineSpec,
  lagOverTimeSpec,
} from '../reports/index.ts';
export type { SimReportData, SimReportOptions, ScaleOutRow } from '../reports/index.ts';
export { recoveryOf } from '../results/slo.ts';
export {
  driftLoopData,
  driftLoopRows,
  driftLoopHeadline,
  driftLoopMarkdown,
  driftLoopHtml,
  driftLoopTimelineSpec,
  type DriftLoopSummaryData,
} from '../reports/drift-loop.ts';
export {
  capacityMarkdown,
  capacityHtml,
  capacityChartSpecs,
  capacityLatencySpec,
  capacityThroughputSpec,
} from '../reports/capacity.ts';
export {
  writeCompareReport,
  compareMarkdown,
  compareHtml,
  compareChartSpecs,
  compareLatencySpec,
  compareDistributionSpec,
  compareThroughputSpec,
  compareFiguresSpec,
  type LabelledRun,
} from '../reports/compare.ts';
// where the time went and what went wrong: stage breakdown, response-time ranges, errors by reason
export {
  stageBreakdownSpec,
  responseRangesSpec,
  responseRanges,
  errorReasons,
  errorsByReasonValues,
  recordedStages,
  STAGES,
  breakdownMarkdown,
  breakdownHtml,
  type ResponseRanges,
} from '../reports/breakdown.ts';
export { emptyChart } from '../reports/chart-empty.ts';
export { redactSummary, redactText, redactUrl, redactValue, registerSecret } from '../results/redact.ts';
