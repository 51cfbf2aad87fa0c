import type * as tfTypes from '@tensorflow/tfjs';
import { MurmurError } from '@murmur/core';
import type { Tf } from './backend';
import {
  MODEL_IR_VERSION,
  modelShapes,
  validateModel,
  type FusedActivation,
  type Layer,
  type ModelIR,
  type Padding,
} from './ir';

/**
 * Conversion between the Model IR and a tfjs LayersModel (Sequential). A depthwise_conv1d becomes
 * Reshape([1, steps, ch]) → DepthwiseConv2D([1, k]) → Reshape([steps', ch]), since tfjs has no 1D depthwise
 * layer. The IR's input standardization is not part of the LayersModel: feed it normalized inputs.
 */
export function toTfModel(tf: Tf, model: ModelIR): tfTypes.Sequential {
  const shapes = modelShapes(model);
  const seq = tf.sequential();
  seq.add(tf.layers.inputLayer({ inputShape: model.inputShape }));
  const activation = (a: FusedActivation): 'relu' | 'linear' => (a === 'relu' ? 'relu' : 'linear');
  model.layers.forEach((layer, i) => {
    switch (layer.op) {
      case 'dense': {
        const l = tf.layers.dense({
          units: layer.params.units,
          activation: activation(layer.params.activation),
        });
        seq.add(l);
        l.setWeights([
          tf.tensor(layer.tensors.kernel.data, layer.tensors.kernel.shape),
          tf.tensor(layer.tensors.bias.data, layer.tensors.bias.shape),
        ]);
        break;
      }
      case 'conv1d': {
        const { filters, kernelSize, strides, padding } = layer.params;
        const l = tf.layers.conv1d({
          filters,
          kernelSize,
          strides,
          padding,
          activation: activation(layer.params.activation),
        });
        seq.add(l);
        l.setWeights([
          tf.tensor(layer.tensors.kernel.data, layer.tensors.kernel.shape),
          tf.tensor(layer.tensors.bias.data, layer.tensors.bias.shape),
        ]);
        break;
      }
      case 'depthwise_conv1d': {
        const [steps, ch] = shapes[i] as [number, number];
        const { kernelSize, strides, padding } = layer.params;
        seq.add(tf.layers.reshape({ targetShape: [1, steps, ch] }));
        const l = tf.layers.depthwiseConv2d({
          kernelSize: [1, kernelSize],
          strides: [1, strides],
          padding,
          depthMultiplier: 1,
          activation: activation(layer.params.activation),
        });
        seq.add(l);
        l.setWeights([
          tf.tensor(layer.tensors.kernel.data, [1, kernelSize, ch, 1]),
          tf.tensor(layer.tensors.bias.data, [ch]),
        ]);
        seq.add(tf.layers.reshape({ targetShape: shapes[i + 1]! }));
        break;
      }
      case 'maxpool1d':
        seq.add(
          tf.layers.maxPooling1d({
            poolSize: layer.params.poolSize,
            strides: layer.params.strides,
            padding: 'valid',
          }),
        );
        break;
      case 'avgpool1d':
        seq.add(
          tf.layers.averagePooling1d({
            poolSize: layer.params.poolSize,
            strides: layer.params.strides,
            padding: 'valid',
          }),
        );
        break;
      case 'global_avgpool1d':
        seq.add(tf.layers.globalAveragePooling1d());
        break;
      case 'flatten':
        seq.add(tf.layers.flatten());
        break;
      case 'relu':
        seq.add(tf.layers.reLU());
        break;
      case 'softmax':
        seq.add(tf.layers.softmax());
        break;
    }
  });
  return seq;
}

const first = (v: unknown): number => (Array.isArray(v) ? (v[0] as number) : (v as number));

/** Reads a tfjs Sequential of supported layers back into the Model IR (float weights copied). */
export function fromTfModel(seq: tfTypes.LayersModel): ModelIR {
  const inputShape = (seq.inputs[0]!.shape as (number | null)[]).slice(1) as number[];
  const layers: Layer[] = [];
  const tfLayers = seq.layers;
  const weightsOf = (l: tfTypes.layers.Layer): { data: Float32Array; shape: number[] }[] =>
    l.getWeights().map((w) => ({ data: w.dataSync() as Float32Array, shape: w.shape }));
  const fused = (name: unknown, where: string): { activation: FusedActivation; softmax: boolean } => {
    if (name === 'relu') return { activation: 'relu', softmax: false };
    if (name === 'linear' || name === undefined) return { activation: 'none', softmax: false };
    if (name === 'softmax') return { activation: 'none', softmax: true };
    throw new MurmurError(`activation '${String(name)}' is not supported`, { field: where });
  };
  for (let i = 0; i < tfLayers.length; i++) {
    const l = tfLayers[i]!;
    const cfg = l.getConfig() as Record<string, unknown>;
    const where = `layers[${i}] (${l.getClassName()})`;
    switch (l.getClassName()) {
      case 'InputLayer':
        break;
      case 'Dense': {
        const [kernel, bias] = weightsOf(l);
        const act = fused(cfg['activation'], where);
        layers.push({
          op: 'dense',
          params: { units: cfg['units'] as number, activation: act.activation },
          tensors: { kernel: kernel!, bias: bias! },
        });
        if (act.softmax) layers.push({ op: 'softmax', params: {}, tensors: {} });
        break;
      }
      case 'Conv1D': {
        const [kernel, bias] = weightsOf(l);
        const act = fused(cfg['activation'], where);
        layers.push({
          op: 'conv1d',
          params: {
            filters: cfg['filters'] as number,
            kernelSize: first(cfg['kernelSize']),
            strides: first(cfg['strides']),
            padding: cfg['padding'] as Padding,
            activation: act.activation,
          },
          tensors: { kernel: kernel!, bias: bias! },
        });
        if (act.softmax) layers.push({ op: 'softmax', params: {}, tensors: {} });
        break;
      }
      case 'Reshape': {
        const dw = tfLayers[i + 1];
        if (dw?.getClassName() !== 'DepthwiseConv2D' || tfLayers[i + 2]?.getClassName() !== 'Reshape') {
          throw new MurmurError('a Reshape is only supported around a DepthwiseConv2D (depthwise conv1d)', {
            field: where,
          });
        }
        const dcfg = dw.getConfig() as Record<string, unknown>;
        const [kernel, bias] = weightsOf(dw);
        const [, k, ch] = kernel!.shape as [number, number, number, number];
        layers.push({
          op: 'depthwise_conv1d',
          params: {
            kernelSize: k,
            strides: (dcfg['strides'] as number[])[1]!,
            padding: dcfg['padding'] as Padding,
            activation: fused(dcfg['activation'], where).activation,
          },
          tensors: {
            kernel: { shape: [k, ch], data: kernel!.data },
            bias: bias ?? { shape: [ch], data: new Float32Array(ch) },
          },
        });
        i += 2;
        break;
      }
      case 'MaxPooling1D':
      case 'AveragePooling1D':
        layers.push({
          op: l.getClassName() === 'MaxPooling1D' ? 'maxpool1d' : 'avgpool1d',
          params: { poolSize: first(cfg['poolSize']), strides: first(cfg['strides'] ?? cfg['poolSize']) },
          tensors: {},
        });
        break;
      case 'GlobalAveragePooling1D':
        layers.push({ op: 'global_avgpool1d', params: {}, tensors: {} });
        break;
      case 'Flatten':
        layers.push({ op: 'flatten', params: {}, tensors: {} });
        break;
      case 'ReLU':
        layers.push({ op: 'relu', params: {}, tensors: {} });
        break;
      case 'Softmax':
        layers.push({ op: 'softmax', params: {}, tensors: {} });
        break;
      case 'Activation': {
        const act = fused(cfg['activation'], where);
        if (act.softmax) layers.push({ op: 'softmax', params: {}, tensors: {} });
        else if (act.activation === 'relu') layers.push({ op: 'relu', params: {}, tensors: {} });
        break;
      }
      default:
        throw new MurmurError(`tfjs layer ${l.getClassName()} has no Model IR equivalent`, { field: where });
    }
  }
  const model: ModelIR = { version: MODEL_IR_VERSION, inputShape, layers };
  validateModel(model);
  return model;
}
