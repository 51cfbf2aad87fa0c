export {
  isQuantizedWeightLayer,
  isPerTensor,
  rowRequant,
  weightValues,
  packBits,
  readSignedBits,
  weightTensorBytes,
  modelWeightBytes,
  peakActivationBytes,
  compressedToJson,
  compressedFromJson,
  COMPRESSED_IR_VERSION,
  type ActivationQuant,
  type WeightFormat,
  type SparseWeights,
  type CompressedWeights,
  type QuantizedWeightLayer,
  type QuantizedLayer,
  type CompressedModel,
} from './ir';
export {
  multiplyByQuantizedMultiplier,
  quantizeMultiplier,
  roundHalfAway,
  INT32_MIN,
  INT32_MAX,
} from './fixed-point';
export {
  quantizeInput,
  dequantize,
  dotRow,
  roundedMean,
  compressedShapes,
  runInt8,
  argmaxInt8,
  quantizeModelInput,
  classifyInt8,
  reconstructionErrorInt8,
} from './int8-interpreter';
export { kernelDir, kernelSources, kernelFiles } from './c-sources';
export {
  INT8_GRAPH_VERSION,
  elementBytes,
  elementCount,
  tensorBytes,
  type Activation,
  type GraphOp,
  type GraphTensor,
  type Int8Graph,
  type Padding,
} from './graph/ir';
export {
  prepareGraph,
  runGraph,
  inferGraph,
  type GraphValues,
  type PreparedGraph,
} from './graph/interpreter';
export { summarizeGraph, type GraphSummary, type OpSummary } from './graph/summary';
export type { Conv2dParams } from './graph/ops/conv2d';
export type { DepthwiseConv2dParams } from './graph/ops/depthwise-conv2d';
export type { FullyConnectedParams } from './graph/ops/fully-connected';
export type { Pool2dParams } from './graph/ops/pool2d';
export type { AddParams } from './graph/ops/add';
export type { SoftmaxParams } from './graph/ops/softmax';
export type { PadParams } from './graph/ops/pad';
export type { MeanParams } from './graph/ops/mean';
export type { QuantizeParams } from './graph/ops/quantize';
export type { DequantizeParams } from './graph/ops/dequantize';
