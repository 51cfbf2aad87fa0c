/**
 * Murmur's own compressed models as int8 graphs, for `.tflite` export: dense layers become FULLY_CONNECTED
 * with per-channel weights, 1-D convolutions and pools their 2-D forms on a height of 1, flatten a
 * RESHAPE, softmax a SOFTMAX (TFLite's: probabilities at scale 1/256, where Murmur's int8 path keeps the
 * logits). Every weight format is stored as its int8 values (clustering, pruning, int4 and binary
 * weights keep their values, not their compact storage: TFLite Micro has no such storage). A standalone
 * relu layer (not fused into the layer before) has no TFLite int8 form here and fails with its index.
 */
import { MurmurError } from '@murmur/core';
import {
  compressedShapes,
  INT8_GRAPH_VERSION,
  isQuantizedWeightLayer,
  weightValues,
  type ActivationQuant,
  type CompressedModel,
  type GraphOp,
  type GraphTensor,
  type Int8Graph,
  type QuantizedWeightLayer,
} from '@murmur/kernels';

const quant = (q: ActivationQuant) => ({ scale: [Math.fround(q.scale)], zeroPoint: [q.zeroPoint], axis: 0 });

export function compressedToGraph(model: CompressedModel, name: string): Int8Graph {
  const shapes = compressedShapes(model);
  const tensors: GraphTensor[] = [];
  const ops: GraphOp[] = [];
  const add = (t: GraphTensor): number => tensors.push(t) - 1;
  const activation = (label: string, shape: number[], q: ActivationQuant): number =>
    add({ name: label, shape, type: 'int8', quant: quant(q) });
  /** The current tensor as [1, n] (dense input), reshaping when it has another shape. */
  const flat = (t: number, label: string): number => {
    const shape = tensors[t]!.shape;
    if (shape.length === 2) return t;
    const n = shape.reduce((a, b) => a * b, 1);
    const out = add({ name: label, shape: [1, n], type: 'int8', quant: tensors[t]!.quant });
    const dims = add({ name: `${label}/shape`, shape: [2], type: 'int32', data: Int32Array.from([1, n]) });
    ops.push({ op: 'reshape', inputs: [t, dims], outputs: [out] });
    return out;
  };
  /** The current tensor as [1, 1, steps, channels] (1-D conv and pool input). */
  const image = (t: number, steps: number, channels: number, label: string): number => {
    if (tensors[t]!.shape.length === 4) return t;
    const out = add({ name: label, shape: [1, 1, steps, channels], type: 'int8', quant: tensors[t]!.quant });
    const dims = add({
      name: `${label}/shape`,
      shape: [4],
      type: 'int32',
      data: Int32Array.from([1, 1, steps, channels]),
    });
    ops.push({ op: 'reshape', inputs: [t, dims], outputs: [out] });
    return out;
  };
  const weightTensors = (
    layer: QuantizedWeightLayer,
    label: string,
    shape: number[],
    axis: number,
    values: Int8Array,
  ) => {
    const scales = Array.from(layer.weights.scales);
    const w = add({
      name: `${label}/weights`,
      shape,
      type: 'int8',
      quant: { scale: scales, zeroPoint: scales.map(() => 0), axis },
      data: values,
    });
    const biasScales = scales.map((s) => Math.fround(Math.fround(layer.input.scale) * s));
    const b = add({
      name: `${label}/bias`,
      shape: [layer.bias.length],
      type: 'int32',
      quant: { scale: biasScales, zeroPoint: biasScales.map(() => 0), axis: 0 },
      data: Int32Array.from(layer.bias), // int16 storage widens exactly
    });
    return [w, b] as const;
  };
  const input = activation('input', [1, ...model.inputShape], model.input);
  let x = input;
  model.layers.forEach((layer, i) => {
    const label = `layer${i}_${layer.op}`;
    const inShape = shapes[i]!;
    const outShape = shapes[i + 1]!;
    const fused = isQuantizedWeightLayer(layer) && layer.activationMin > -128 ? 'relu' : 'none';
    switch (layer.op) {
      case 'dense': {
        const l = layer as QuantizedWeightLayer;
        x = flat(x, `${label}/input`);
        const [w, b] = weightTensors(l, label, [l.weights.rows, l.weights.cols], 0, weightValues(l.weights));
        const y = activation(label, [1, l.weights.rows], l.output);
        ops.push({ op: 'fully_connected', inputs: [x, w, b], outputs: [y], activation: fused });
        x = y;
        break;
      }
      case 'conv1d':
      case 'depthwise_conv1d': {
        const l = layer as QuantizedWeightLayer;
        const { kernelSize, strides, padding } = l.params as {
          kernelSize: number;
          strides: number;
          padding: 'same' | 'valid';
        };
        const [steps, channels] = inShape as [number, number];
        x = image(x, steps, channels, `${label}/input`);
        const values = weightValues(l.weights);
        const y = activation(label, [1, 1, outShape[0]!, outShape[1]!], l.output);
        if (l.op === 'conv1d') {
          // Murmur rows are filters, columns tap-major (k · channels + c): OHWI with H = 1.
          const [w, b] = weightTensors(l, label, [l.weights.rows, 1, kernelSize, channels], 0, values);
          ops.push({
            op: 'conv2d',
            inputs: [x, w, b],
            outputs: [y],
            stride: [1, strides],
            dilation: [1, 1],
            padding,
            activation: fused,
          });
        } else {
          // Murmur rows are channels, columns taps; TFLite's depthwise filter is [1, 1, k, channels].
          const transposed = Int8Array.from(
            { length: values.length },
            (_, j) => values[(j % channels) * kernelSize + Math.floor(j / channels)]!,
          );
          const [w, b] = weightTensors(l, label, [1, 1, kernelSize, channels], 3, transposed);
          ops.push({
            op: 'depthwise_conv2d',
            inputs: [x, w, b],
            outputs: [y],
            stride: [1, strides],
            dilation: [1, 1],
            depthMultiplier: 1,
            padding,
            activation: fused,
          });
        }
        x = y;
        break;
      }
      case 'maxpool1d':
      case 'avgpool1d':
      case 'global_avgpool1d': {
        const [steps, channels] = inShape as [number, number];
        const global = layer.op === 'global_avgpool1d';
        const { poolSize, strides } = global
          ? { poolSize: steps, strides: steps }
          : (layer.params as { poolSize: number; strides: number });
        x = image(x, steps, channels, `${label}/input`);
        const y = activation(label, [1, 1, global ? 1 : outShape[0]!, channels], layer.output);
        ops.push({
          op: layer.op === 'maxpool1d' ? 'maxpool2d' : 'avgpool2d',
          inputs: [x],
          outputs: [y],
          filter: [1, poolSize],
          stride: [1, strides],
          padding: 'valid',
          activation: 'none',
        });
        x = y;
        break;
      }
      case 'flatten':
        x = flat(x, label);
        break;
      case 'softmax': {
        x = flat(x, `${label}/input`);
        const y = activation(label, [...tensors[x]!.shape], { scale: 1 / 256, zeroPoint: -128 });
        ops.push({ op: 'softmax', inputs: [x], outputs: [y], beta: 1 });
        x = y;
        break;
      }
      default:
        throw new MurmurError(
          `layer ${i} (${layer.op}) has no TFLite int8 form here: fuse it into the layer before`,
          {
            field: `layers[${i}]`,
          },
        );
    }
  });
  return {
    format: 'murmur-int8-graph',
    version: INT8_GRAPH_VERSION,
    name,
    tensors,
    ops,
    inputs: [input],
    outputs: [x],
  };
}
