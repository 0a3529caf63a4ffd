/**
 * pipelab public API: what notebooks and scenario files import (`import { ... } from 'pipelab'`).
 * The CLI calls the same functions; nothing is reachable from only one of them.
 */
export { Rng, toSeed } from './generators/rng.ts';
export { PipelabError, EXIT_CODES } from './harness/errors.ts';
export type * from './harness/results/types.ts';
export { version } from './harness/version.ts';

// reports: writers and chart builders; they read a RunSummary only (summary.json)
export {
  writeReport, defaultReportDir, formatConsoleSummary, formatMarkdown, formatJunit, formatHtml, formatJson,
  chartSpecs, latencyOverTimeSpec, latencyHistogramSpec, throughputSpec, errorsSpec, CHART_FONT,
  renderSvg, renderPng, latencyBuckets, decodeValues,
} from './reports/index.ts';
export type { ChartSpec, ChartOptions, ConsoleOptions, LatencyBucket, WriteReportOptions } from './reports/index.ts';
