/**
 * The int8 graph IR: a model as tensors and the ops between them (a DAG in execution order), the shape a
 * `.tflite` model has. Activations are int8 with per-tensor affine quantization; weights are int8 with
 * per-tensor or per-channel symmetric quantization; biases are int32 in units of input scale × weight
 * scale. Layout is NHWC for activations, OHWI for conv2d filters, 1HWO for depthwise filters and
 * [out, in] for fully-connected weights, as in TFLite. Arithmetic follows TFLite's int8 reference
 * kernels (./ops, one file per op), which the C kernels reproduce byte for byte.
 */
import { MurmurError } from '@murmur/core';

export const INT8_GRAPH_VERSION = 1;

export type TensorType = 'int8' | 'int32' | 'float32';

/** real = scale[c] · (q − zeroPoint[c]), c along `axis`; one entry for per-tensor quantization. Scales are float32 values, as TFLite stores them. */
export interface TensorQuant {
  scale: number[];
  zeroPoint: number[];
  axis: number;
}

export interface GraphTensor {
  name: string;
  shape: number[];
  type: TensorType;
  quant?: TensorQuant;
  /** Constant data (weights, biases, shapes); absent for activations. */
  data?: Int8Array | Int32Array | Float32Array;
}

export type Activation = 'none' | 'relu' | 'relu6' | 'relu_n1_to_1';
export type Padding = 'same' | 'valid';

/** A tensor index; -1 for an optional input that is absent (TFLite's convention). */
export type TensorRef = number;

interface Spatial {
  /** [height, width]. */
  stride: [number, number];
  padding: Padding;
  activation: Activation;
}

export interface Conv2dOp extends Spatial {
  op: 'conv2d';
  /** [input, filter, bias]. */
  inputs: [TensorRef, TensorRef, TensorRef];
  outputs: [TensorRef];
  dilation: [number, number];
}

export interface DepthwiseConv2dOp extends Spatial {
  op: 'depthwise_conv2d';
  inputs: [TensorRef, TensorRef, TensorRef];
  outputs: [TensorRef];
  dilation: [number, number];
  depthMultiplier: number;
}

export interface FullyConnectedOp {
  op: 'fully_connected';
  /** [input, weights, bias]. */
  inputs: [TensorRef, TensorRef, TensorRef];
  outputs: [TensorRef];
  activation: Activation;
}

export interface Pool2dOp extends Spatial {
  op: 'avgpool2d' | 'maxpool2d';
  inputs: [TensorRef];
  outputs: [TensorRef];
  /** [height, width]. */
  filter: [number, number];
}

export interface AddOp {
  op: 'add';
  inputs: [TensorRef, TensorRef];
  outputs: [TensorRef];
  activation: Activation;
}

/** Same bytes, new shape (the optional shape tensor is not needed: the output tensor has the shape). */
export interface ReshapeOp {
  op: 'reshape';
  inputs: [TensorRef] | [TensorRef, TensorRef];
  outputs: [TensorRef];
}

export interface SoftmaxOp {
  op: 'softmax';
  inputs: [TensorRef];
  outputs: [TensorRef];
  beta: number;
}

/** PAD with the zero point (TFLite PAD, int8): paddings a constant int32 [rank][2] of (before, after) counts. */
export interface PadOp {
  op: 'pad';
  inputs: [TensorRef, TensorRef];
  outputs: [TensorRef];
}

/** MEAN over the axes of a constant int32 tensor (TFLite MEAN, int8), rescaled to the output. */
export interface MeanOp {
  op: 'mean';
  inputs: [TensorRef, TensorRef];
  outputs: [TensorRef];
  keepDims: boolean;
}

/**
 * QUANTIZE to int8: of an int8 tensor to another int8 quantization (TFLite's Requantize), or of a float32
 * tensor (a graph input) to int8 (TFLite's AffineQuantize).
 */
export interface QuantizeOp {
  op: 'quantize';
  inputs: [TensorRef];
  outputs: [TensorRef];
}

/** DEQUANTIZE of an int8 tensor to float32 (TFLite's Dequantize): scale · (q − zero point). */
export interface DequantizeOp {
  op: 'dequantize';
  inputs: [TensorRef];
  outputs: [TensorRef];
}

export type GraphOp =
  | Conv2dOp
  | DepthwiseConv2dOp
  | FullyConnectedOp
  | Pool2dOp
  | AddOp
  | ReshapeOp
  | SoftmaxOp
  | PadOp
  | MeanOp
  | QuantizeOp
  | DequantizeOp;
export type GraphOpName = GraphOp['op'];

export interface Int8Graph {
  format: 'murmur-int8-graph';
  version: typeof INT8_GRAPH_VERSION;
  name: string;
  tensors: GraphTensor[];
  /** In execution order: every input of an op is a constant, a graph input or an earlier op's output. */
  ops: GraphOp[];
  inputs: TensorRef[];
  outputs: TensorRef[];
}

/** Elements of a shape. */
export const elementCount = (shape: readonly number[]): number => shape.reduce((n, d) => n * d, 1);

/** An error about op `index` of a graph, naming the op and its tensors' shapes. */
export function opError(g: Int8Graph, index: number, message: string): MurmurError {
  const op = g.ops[index]!;
  const shapes = [...op.inputs, ...op.outputs]
    .filter((t) => t >= 0)
    .map((t) => `${g.tensors[t]!.name} [${g.tensors[t]!.shape.join(', ')}]`)
    .join(', ');
  return new MurmurError(`op ${index} (${op.op}; ${shapes}): ${message}`, { field: `ops[${index}]` });
}

/** Most elements a tensor may have (256 MiB of int8): bounds what a corrupt shape can make us allocate. */
export const MAX_TENSOR_ELEMENTS = 2 ** 28;

/** Inputs each op needs (the rest, such as a bias, may be -1). */
const REQUIRED_INPUTS: Record<GraphOpName, number> = {
  conv2d: 2,
  depthwise_conv2d: 2,
  fully_connected: 2,
  avgpool2d: 1,
  maxpool2d: 1,
  add: 2,
  reshape: 1,
  softmax: 1,
  pad: 2,
  mean: 2,
  quantize: 1,
  dequantize: 1,
};

/** Bytes of one element of a tensor type. */
export const elementBytes = (type: TensorType): number => (type === 'int8' ? 1 : 4);

/** Bytes of a tensor: its elements times its type's width. */
export const tensorBytes = (t: GraphTensor): number => elementCount(t.shape) * elementBytes(t.type);

/**
 * Checks what every op relies on: tensor references in range, shapes of non-negative integers within
 * MAX_TENSOR_ELEMENTS, constants with as many values as their shape, int8 activations (float32 only where a
 * model's float edges are: a graph input read by QUANTIZE, DEQUANTIZE's output), and an execution order in
 * which every op reads only constants, graph inputs and outputs of earlier ops.
 */
export function checkGraph(g: Int8Graph): void {
  g.tensors.forEach((t, i) => {
    const field = `tensors[${i}]`;
    if (!t.shape.every((d) => Number.isInteger(d) && d >= 0))
      throw new MurmurError(`tensor '${t.name}' has a bad shape [${t.shape.join(', ')}]`, {
        field: `${field}.shape`,
      });
    const n = elementCount(t.shape);
    if (n > MAX_TENSOR_ELEMENTS)
      throw new MurmurError(`tensor '${t.name}' has ${n} elements (at most ${MAX_TENSOR_ELEMENTS})`, {
        field: `${field}.shape`,
      });
    const q = t.quant;
    if (
      q &&
      !(
        q.scale.length >= 1 &&
        q.scale.length === q.zeroPoint.length &&
        q.scale.every((v) => Number.isFinite(v) && v > 0 && Math.fround(v) === v) &&
        q.zeroPoint.every((z) => Number.isInteger(z) && z >= -128 && z <= 127)
      )
    )
      throw new MurmurError(
        `tensor '${t.name}' has bad quantization (scales must be finite float32 values > 0, zero points int8)`,
        { field: `${field}.quant` },
      );
    if (t.type === 'float32' && t.data)
      throw new MurmurError(
        `float32 tensor '${t.name}' is a constant: float32 is only a model's input or output`,
        {
          field: `${field}.data`,
        },
      );
    if (t.type === 'int8' && !q)
      throw new MurmurError(`int8 tensor '${t.name}' has no quantization`, { field: `${field}.quant` });
    if (t.data && t.data.length !== n)
      throw new MurmurError(`tensor '${t.name}' holds ${t.data.length} values, its shape ${n}`, {
        field: `${field}.data`,
      });
  });
  const ready = new Set<number>(g.tensors.flatMap((t, i) => (t.data ? [i] : [])));
  const inRange = (t: number): boolean => Number.isInteger(t) && t >= 0 && t < g.tensors.length;
  [...g.inputs, ...g.outputs].forEach((t, i) => {
    if (!inRange(t))
      throw new MurmurError(`graph input/output ${i} refers to no tensor (${t})`, { field: 'inputs' });
  });
  for (const t of g.inputs) {
    if (g.tensors[t]!.type !== 'int8' && g.tensors[t]!.type !== 'float32')
      throw new MurmurError(`graph input '${g.tensors[t]!.name}' must be int8 or float32`, {
        field: 'inputs',
      });
    ready.add(t);
  }
  g.ops.forEach((op, i) => {
    const field = `ops[${i}]`;
    if (!Object.hasOwn(REQUIRED_INPUTS, op.op))
      throw new MurmurError(`unknown op '${op.op}'`, { field: `${field}.op` });
    if (!Array.isArray(op.inputs) || op.inputs.length < REQUIRED_INPUTS[op.op] || op.outputs?.length !== 1)
      throw new MurmurError(`${op.op} needs ${REQUIRED_INPUTS[op.op]} input(s) and 1 output`, { field });
    op.inputs.forEach((t, k) => {
      if (t === -1 && k >= REQUIRED_INPUTS[op.op]) return;
      if (!inRange(t))
        throw new MurmurError(`${op.op} input ${k} refers to no tensor (${t})`, {
          field: `${field}.inputs[${k}]`,
        });
      if (!ready.has(t))
        throw new MurmurError(`${op.op} reads '${g.tensors[t]!.name}' before any op writes it`, {
          field: `${field}.inputs[${k}]`,
        });
      if (g.tensors[t]!.type === 'float32' && !(op.op === 'quantize' && k === 0))
        throw new MurmurError(`${op.op} reads float32 '${g.tensors[t]!.name}': only QUANTIZE takes float32`, {
          field: `${field}.inputs[${k}]`,
        });
    });
    const out = op.outputs[0];
    if (!inRange(out))
      throw new MurmurError(`${op.op} output refers to no tensor (${out})`, { field: `${field}.outputs[0]` });
    if (ready.has(out))
      throw new MurmurError(`${op.op} writes '${g.tensors[out]!.name}', which is already written`, {
        field: `${field}.outputs[0]`,
      });
    const outType = op.op === 'dequantize' ? 'float32' : 'int8';
    if (g.tensors[out]!.type !== outType)
      throw new MurmurError(`${op.op} output '${g.tensors[out]!.name}' must be ${outType}`, {
        field: `${field}.outputs[0]`,
      });
    ready.add(out);
  });
  g.outputs.forEach((t) => {
    if (!ready.has(t))
      throw new MurmurError(`graph output '${g.tensors[t]!.name}' is never written`, { field: 'outputs' });
  });
}

/** Checks a weight tensor's scales (one, or one per channel) and the bias (one int32 per output channel). */
export function checkChannels(
  g: Int8Graph,
  index: number,
  weights: GraphTensor,
  bias: TensorRef,
  channels: number,
): void {
  const scales = weights.quant?.scale.length ?? 0;
  if (scales !== 1 && scales !== channels)
    throw opError(g, index, `the weights need 1 or ${channels} scales, not ${scales}`);
  if (bias >= 0 && elementCount(constantOperand(g, index, bias, 'int32', 'bias').shape) !== channels)
    throw opError(g, index, `the bias needs ${channels} values`);
}

/** A constant operand of op `index`: present, of `type`, with data (weights and biases must be constants). */
export function constantOperand(
  g: Int8Graph,
  index: number,
  t: number,
  type: TensorType,
  what: string,
): GraphTensor {
  const tensor = g.tensors[t]!;
  if (tensor.type !== type || !tensor.data)
    throw opError(g, index, `the ${what} must be a constant ${type} tensor`);
  return tensor;
}
