export type {
  TreeRows,
  TreeKind,
  FloatTree,
  FloatTreeModel,
  FeatureBits,
  FeatureQuantizer,
  QuantizedTreeModel,
  TreePrediction,
} from './types';
export { binRows, growTree, floatLeaf, treeShape, splitThreshold, MAX_BINS } from './cart';
export {
  trainTrees,
  TREE_KINDS,
  type TreeParams,
  type ForestParams,
  type BoostedParams,
  type TreeModelParams,
} from './train';
export {
  fitQuantizer,
  featureLevel,
  quantizeFeatures,
  quantizeThreshold,
  quantizeTreeModel,
  scoreShiftFor,
  type QuantizeOptions,
} from './quantize';
export {
  argmaxLowest,
  floatScores,
  predictFloat,
  walkQuantized,
  classifyQuantized,
  predictQuantized,
} from './predict';
export { generateTreeCode, type TreeLayout, type TreeCodeOptions, type GeneratedTreeCode } from './codegen';
export { treeCheckProgram, expectedCheckLines, treeCostProgram, TREE_COST_LABELS } from './programs';
export { treeModelSize, type TreeArch, type TreeModelSize } from './size';
export {
  foldIndices,
  pickRows,
  crossValidateTrees,
  subjectBootstrap,
  type TreeFold,
  type TreeCvPrediction,
  type TreeCrossValidation,
  type Estimate,
  type BootstrapSummary,
} from './cv';
export {
  defaultTreeSpecs,
  trainTreeSpec,
  evaluateTreeCandidates,
  type TreeSpec,
  type TrainedTrees,
  type TreeCandidate,
  type TreeReference,
} from './candidate';
export { treeModelToJson, treeModelFromJson, checkTreeModel, TREE_MODEL_FORMAT } from './files';
