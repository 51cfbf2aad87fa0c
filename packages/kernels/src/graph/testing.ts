/**
 * Small int8 graphs with seeded random weights for tests: every op of the IR in one chain with a
 * residual ADD, quantized as a TFLite converter would quantize it (per-channel weights, int32 biases in
 * input × weight scale, softmax output 1/256 and -128).
 */
import { createRng } from '@murmur/core';
import { INT8_GRAPH_VERSION, elementCount, type GraphOp, type GraphTensor, type Int8Graph } from './ir';

/** Tensors of a test graph under construction: activations, seeded random weights and biases. */
function graphBuilder(seed: string) {
  const rng = createRng(seed);
  const tensors: GraphTensor[] = [];
  const act = (name: string, shape: number[], scale: number, zeroPoint: number): number =>
    tensors.push({
      name,
      shape,
      type: 'int8',
      quant: { scale: [Math.fround(scale)], zeroPoint: [zeroPoint], axis: 0 },
    }) - 1;
  const weights = (
    name: string,
    shape: number[],
    channels: number,
    axis: number,
    scaleMax = 0.012,
  ): number => {
    const data = Int8Array.from({ length: elementCount(shape) }, () => rng.int(-127, 127));
    const scale = Array.from({ length: channels }, () => Math.fround(scaleMax * (0.2 + 0.8 * rng.next())));
    return (
      tensors.push({
        name,
        shape,
        type: 'int8',
        quant: { scale, zeroPoint: scale.map(() => 0), axis },
        data,
      }) - 1
    );
  };
  const bias = (name: string, inputScale: number, w: number, channels: number): number => {
    const scales = tensors[w]!.quant!.scale;
    const scale = Array.from({ length: channels }, (_, c) =>
      Math.fround(inputScale * scales[scales.length > 1 ? c : 0]!),
    );
    const data = Int32Array.from(scale, () => rng.int(-2000, 2000));
    return (
      tensors.push({
        name,
        shape: [scale.length],
        type: 'int32',
        quant: { scale, zeroPoint: scale.map(() => 0), axis: 0 },
        data,
      }) - 1
    );
  };
  return { tensors, act, weights, bias };
}

export function tinyGraph(seed = 'tiny-graph'): Int8Graph {
  const { tensors, act, weights, bias } = graphBuilder(seed);
  const ops: GraphOp[] = [];
  const x = act('input', [1, 6, 6, 2], 0.05, 3);
  const cw = weights('conv/filter', [4, 3, 3, 2], 4, 0);
  const c = act('conv', [1, 6, 6, 4], 0.08, -128);
  ops.push({
    op: 'conv2d',
    inputs: [x, cw, bias('conv/bias', 0.05, cw, 4)],
    outputs: [c],
    stride: [1, 1],
    dilation: [1, 1],
    padding: 'same',
    activation: 'relu',
  });
  const dw = weights('dw/filter', [1, 3, 3, 8], 8, 3);
  const d = act('dw', [1, 3, 3, 8], 0.07, -5);
  ops.push({
    op: 'depthwise_conv2d',
    inputs: [c, dw, bias('dw/bias', 0.08, dw, 8)],
    outputs: [d],
    stride: [2, 2],
    dilation: [1, 1],
    depthMultiplier: 2,
    padding: 'same',
    activation: 'relu6',
  });
  const pw = weights('pw/filter', [8, 1, 1, 8], 8, 0);
  const p = act('pw', [1, 3, 3, 8], 0.06, 2);
  ops.push({
    op: 'conv2d',
    inputs: [d, pw, -1],
    outputs: [p],
    stride: [1, 1],
    dilation: [1, 1],
    padding: 'valid',
    activation: 'none',
  });
  const s = act('residual', [1, 3, 3, 8], 0.09, -1);
  ops.push({ op: 'add', inputs: [d, p], outputs: [s], activation: 'relu' });
  const m = act('maxpool', [1, 2, 2, 8], 0.09, -1);
  ops.push({
    op: 'maxpool2d',
    inputs: [s],
    outputs: [m],
    filter: [2, 2],
    stride: [2, 2],
    padding: 'same',
    activation: 'none',
  });
  const a = act('avgpool', [1, 1, 1, 8], 0.09, -1);
  ops.push({
    op: 'avgpool2d',
    inputs: [m],
    outputs: [a],
    filter: [2, 2],
    stride: [2, 2],
    padding: 'valid',
    activation: 'none',
  });
  const shape =
    tensors.push({ name: 'flat/shape', shape: [2], type: 'int32', data: Int32Array.from([1, 8]) }) - 1;
  const f = act('flat', [1, 8], 0.09, -1);
  ops.push({ op: 'reshape', inputs: [a, shape], outputs: [f] });
  const fw = weights('fc/weights', [3, 8], 1, 0, 0.0015);
  const logits = act('logits', [1, 3], 0.02, 10);
  ops.push({
    op: 'fully_connected',
    inputs: [f, fw, bias('fc/bias', 0.09, fw, 3)],
    outputs: [logits],
    activation: 'none',
  });
  const y = act('probabilities', [1, 3], 1 / 256, -128);
  ops.push({ op: 'softmax', inputs: [logits], outputs: [y], beta: 1 });
  return {
    format: 'murmur-int8-graph',
    version: INT8_GRAPH_VERSION,
    name: 'tiny',
    tensors,
    ops,
    inputs: [x],
    outputs: [y],
  };
}

/**
 * Convolutions that the generated C runs in place, in one chain: a 1 x 1 convolution from the input (not in
 * place: the input is the graph's), a 3 x 3 depthwise one (stride 1, SAME; six channels: a group of four and
 * two more), 1 x 1 convolutions to as many and to fewer channels, and a 5 x 3 depthwise one (padding 2 rows).
 */
export function inPlaceGraph(seed = 'in-place-graph'): Int8Graph {
  const { tensors, act, weights, bias } = graphBuilder(seed);
  const ops: GraphOp[] = [];
  const conv = (
    input: number,
    inScale: number,
    channels: number,
    name: string,
    scale: number,
    zp: number,
  ): number => {
    const inChannels = tensors[input]!.shape[3]!;
    const w = weights(`${name}/filter`, [channels, 1, 1, inChannels], channels, 0);
    const y = act(name, [1, 7, 5, channels], scale, zp);
    ops.push({
      op: 'conv2d',
      inputs: [input, w, bias(`${name}/bias`, inScale, w, channels)],
      outputs: [y],
      stride: [1, 1],
      dilation: [1, 1],
      padding: 'valid',
      activation: 'relu',
    });
    return y;
  };
  const depthwise = (input: number, inScale: number, filter: [number, number], name: string): number => {
    const channels = tensors[input]!.shape[3]!;
    const w = weights(`${name}/filter`, [1, ...filter, channels], channels, 3);
    const y = act(name, [1, 7, 5, channels], 0.07, -5);
    ops.push({
      op: 'depthwise_conv2d',
      inputs: [input, w, bias(`${name}/bias`, inScale, w, channels)],
      outputs: [y],
      stride: [1, 1],
      dilation: [1, 1],
      depthMultiplier: 1,
      padding: 'same',
      activation: 'relu6',
    });
    return y;
  };
  const x = act('input', [1, 7, 5, 2], 0.05, 3);
  const a = conv(x, 0.05, 6, 'expand', 0.08, -128);
  const b = depthwise(a, 0.08, [3, 3], 'dw3x3');
  const c = conv(b, 0.07, 6, 'pointwise', 0.06, -128);
  const d = conv(c, 0.06, 3, 'project', 0.06, -128);
  const y = depthwise(d, 0.06, [5, 3], 'dw5x3');
  return {
    format: 'murmur-int8-graph',
    version: INT8_GRAPH_VERSION,
    name: 'in_place',
    tensors,
    ops,
    inputs: [x],
    outputs: [y],
  };
}

/**
 * PAD, QUANTIZE, MEAN and a broadcasting ADD in one chain: the input padded on every side (and one more
 * channel), requantized to another scale and zero point, averaged over the width (keeping it) and that over
 * the height, and the row means plus their mean (a [1, 1, 1, 4] tensor stretched over the eight rows).
 */
export function reshapingGraph(seed = 'reshaping-graph'): Int8Graph {
  const { tensors, act } = graphBuilder(seed);
  const ops: GraphOp[] = [];
  const constant = (name: string, values: number[]): number =>
    tensors.push({ name, shape: [values.length], type: 'int32', data: Int32Array.from(values) }) - 1;
  const x = act('input', [1, 5, 4, 3], 0.05, 3);
  const paddings =
    tensors.push({
      name: 'pad/paddings',
      shape: [4, 2],
      type: 'int32',
      data: Int32Array.from([0, 0, 1, 2, 2, 1, 0, 1]),
    }) - 1;
  const padded = act('padded', [1, 8, 7, 4], 0.05, 3);
  ops.push({ op: 'pad', inputs: [x, paddings], outputs: [padded] });
  const requantized = act('requantized', [1, 8, 7, 4], 0.037, -20);
  ops.push({ op: 'quantize', inputs: [padded], outputs: [requantized] });
  const rows = act('row_means', [1, 8, 1, 4], 0.02, 7);
  ops.push({
    op: 'mean',
    inputs: [requantized, constant('mean/width', [2])],
    outputs: [rows],
    keepDims: true,
  });
  const mean = act('mean', [1, 1, 1, 4], 0.011, -9);
  ops.push({ op: 'mean', inputs: [rows, constant('mean/height', [-3])], outputs: [mean], keepDims: true });
  const y = act('rows_plus_mean', [1, 8, 1, 4], 0.03, 2);
  ops.push({ op: 'add', inputs: [rows, mean], outputs: [y], activation: 'none' });
  return {
    format: 'murmur-int8-graph',
    version: INT8_GRAPH_VERSION,
    name: 'reshaping',
    tensors,
    ops,
    inputs: [x],
    outputs: [y],
  };
}

/**
 * A model with float32 edges, as a Keras model converted with float input and output is: a float32 input
 * QUANTIZEd to int8, one FULLY_CONNECTED (or a 3 x 3 CONV_2D) and the int8 result DEQUANTIZEd to a float32
 * output.
 */
export function floatEdgesGraph(
  seed = 'float-edges',
  middle: 'fully_connected' | 'conv2d' = 'fully_connected',
): Int8Graph {
  const { tensors, act, weights, bias } = graphBuilder(seed);
  const ops: GraphOp[] = [];
  const float = (name: string, shape: number[]): number => tensors.push({ name, shape, type: 'float32' }) - 1;
  const conv = middle === 'conv2d';
  const inShape = conv ? [1, 4, 4, 3] : [1, 12];
  const outShape = conv ? [1, 4, 4, 4] : [1, 5];
  const x = float('input', inShape);
  const q = act('quantized', inShape, 0.03, -4);
  ops.push({ op: 'quantize', inputs: [x], outputs: [q] });
  const y = act(conv ? 'conv' : 'logits', outShape, 0.05, 3);
  if (conv) {
    const w = weights('conv/filter', [4, 3, 3, 3], 4, 0);
    ops.push({
      op: 'conv2d',
      inputs: [q, w, bias('conv/bias', 0.03, w, 4)],
      outputs: [y],
      stride: [1, 1],
      dilation: [1, 1],
      padding: 'same',
      activation: 'none',
    });
  } else {
    const w = weights('fc/weights', [5, 12], 1, 0, 0.01);
    ops.push({
      op: 'fully_connected',
      inputs: [q, w, bias('fc/bias', 0.03, w, 5)],
      outputs: [y],
      activation: 'none',
    });
  }
  const out = float('output', outShape);
  ops.push({ op: 'dequantize', inputs: [y], outputs: [out] });
  return {
    format: 'murmur-int8-graph',
    version: INT8_GRAPH_VERSION,
    name: conv ? 'float_edges_conv' : 'float_edges',
    tensors,
    ops,
    inputs: [x],
    outputs: [out],
  };
}

/**
 * float32 inputs for a model with float32 edges whose input scale is `scale`: most within the int8 range
 * (some at a half step, where the rounding decides), some beyond it, zeros of both signs and, unless
 * `finiteOnly`, infinities and NaN.
 */
export function floatInputs(seed: string, size: number, scale: number, finiteOnly = false): Float32Array {
  const rng = createRng(seed);
  const special = finiteOnly ? [0, -0, 1e6, -1e6] : [0, -0, 1e6, -1e6, Infinity, -Infinity, NaN];
  return Float32Array.from({ length: size }, () => {
    const r = rng.next();
    if (r < 0.1) return special[rng.int(0, special.length - 1)]!;
    if (r < 0.3) return (rng.int(-140, 140) + 0.5) * scale;
    return (rng.next() * 2 - 1) * 150 * scale;
  });
}
