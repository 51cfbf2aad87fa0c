/**
 * Small int8 graphs with seeded random weights for tests: every op of the IR in one chain with a
 * residual ADD, quantized as a TFLite converter would quantize it (per-channel weights, int32 biases in
 * input × weight scale, softmax output 1/256 and -128).
 */
import { createRng } from '@murmur/core';
import { INT8_GRAPH_VERSION, elementCount, type GraphOp, type GraphTensor, type Int8Graph } from './ir';

export function tinyGraph(seed = 'tiny-graph'): Int8Graph {
  const rng = createRng(seed);
  const tensors: GraphTensor[] = [];
  const ops: GraphOp[] = [];
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
