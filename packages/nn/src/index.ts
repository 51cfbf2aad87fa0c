export {
  isWeightLayer,
  samePadLeft,
  modelShapes,
  parameterCount,
  cloneModel,
  serializeModel,
  type Tensor,
  type DenseLayer,
  type Conv1dLayer,
  type DepthwiseConv1dLayer,
  type Pool1dLayer,
  type Layer,
  type WeightLayer,
  type InputNorm,
  type ModelIR,
} from './ir';
export { runFloat, traceFloat, normalizeInput } from './interpreter';
export { buildMlp, buildCnn, buildAutoencoder } from './builders';
export { loadTf, type Tf } from './backend';
export { needsConvGradients, type TfParams, type ForwardHooks } from './tf-forward';
export { classificationReport, argmax, rocAuc, type ClassificationReport } from './metrics';
export {
  splitGroups,
  computeInputNorm,
  trainClassifier,
  predictClasses,
  evaluateClassifier,
  reconstructionErrors,
  type TrainOptions,
  type TrainResult,
} from './train';
export { saveModel, loadModel } from './files';
export { groupFolds, type GroupFold, type CvEstimate } from './cross-validation';
