export { initBackend } from './backend.ts';
export type { FeatureSpec } from './encode.ts';
export { rocAuc, atThreshold, bestF1Threshold } from './evaluate.ts';
export { FraudModel } from './inference.ts';
export { trainFraudModel, type TrainOptions, type TrainResult } from './train.ts';
export {
  PACKAGE_MODELS_DIR,
  saveModelArtefacts,
  loadFraudModel,
  loadFraudModels,
  listModelVersions,
  readModelMetrics,
  type ModelMetrics,
} from './artefacts.ts';
