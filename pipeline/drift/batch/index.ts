/** Batch drift statistics: one reference window against one current window. */
export { ks2samp, ksExactPvalue, KS_MAX_AUTO_N, type KsResult, type KsMethod } from './ks.ts';
export { kolmogorovSf } from './kolmogorov.ts';
export { wasserstein1, wassersteinNormed, type WassersteinResult } from './wasserstein.ts';
export { psi, psiFromShares, type PsiResult, type PsiBinning } from './psi.ts';
export { jensenShannon, jensenShannonDistance, type JsResult } from './jensen-shannon.ts';
export { chiSquare, chiSquareGoodnessOfFit, type ChiSquareResult } from './chisquare.ts';
export { proportionsZTest, type ZTestResult } from './ztest.ts';
export type { Shares } from './binning.ts';
export {
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
} from './evidently.ts';
