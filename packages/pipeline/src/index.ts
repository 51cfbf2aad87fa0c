export {
  defaultModelDir,
  ensureModel,
  evaluateRecipes,
  compressForBoard,
  selectionFolds,
  type Selection,
  type CompressionOutcome,
} from './model';
export { buildApp } from './build';
export { imageMemory, writeReport } from './report';
export { recordedWindowCapacity, recordedStream } from './recorded';
export {
  crossValidate,
  crossValidateApp,
  crossValidateRecipes,
  groupFolds,
  recipeEstimate,
  recipeByName,
  schemeFolds,
  schemeResult,
  defaultCvCacheDir,
  type CrossValidation,
  type CvRun,
  type RecipeCv,
  type SchemeResult,
} from './cross-validate';
export {
  estimate,
  pairedDrop,
  cvEstimate,
  subjectBootstrap,
  formatAccuracy,
  formatF1,
  formatSupport,
  formatEstimate,
  DEFAULT_BOOTSTRAP,
  type Estimate,
} from './intervals';
export { evaluateApp } from './evaluate';
export { appTaskMetrics } from './task';
export { buildTflite, type TfliteBuild } from './tflite-build';
