import { MurmurError } from '@murmur/core';
import { modelShapes, samePadLeft, type InputNorm, type Layer, type ModelIR } from './ir';

/**
 * The float reference interpreter: runs a Model IR on one sample in plain TypeScript (double accumulation,
 * float32 results per layer). It matches tfjs `predict` within 1e-5 and is what calibration observes.
 */
export function runFloat(model: ModelIR, input: Float32Array): Float32Array {
  const trace = traceFloat(model, input);
  return trace[trace.length - 1]!;
}

/** The (normalized) input followed by every layer's output (length = layers + 1). */
export function traceFloat(model: ModelIR, input: Float32Array): Float32Array[] {
  const shapes = modelShapes(model);
  const expected = shapes[0]!.reduce((a, b) => a * b, 1);
  if (input.length !== expected) {
    throw new MurmurError(`model input needs ${expected} values, got ${input.length}`, { field: 'input' });
  }
  const out = [model.inputNorm ? normalizeInput(input, model.inputNorm) : input];
  model.layers.forEach((layer, i) => out.push(runLayer(layer, out[i]!, shapes[i]!, shapes[i + 1]!)));
  return out;
}

/** The model's input standardization, in float32 as the device computes it (see InputNorm). */
export function normalizeInput(x: Float32Array, norm: InputNorm): Float32Array {
  const y = new Float32Array(x.length);
  for (let i = 0; i < x.length; i++) y[i] = Math.fround(Math.fround(x[i]! - norm.mean[i]!) * norm.invStd[i]!);
  return y;
}

const relu = (v: number, on: boolean): number => (on && v < 0 ? 0 : v);

function runLayer(layer: Layer, x: Float32Array, inShape: number[], outShape: number[]): Float32Array {
  const y = new Float32Array(outShape.reduce((a, b) => a * b, 1));
  switch (layer.op) {
    case 'dense': {
      const { kernel, bias } = layer.tensors;
      const units = layer.params.units;
      for (let o = 0; o < units; o++) {
        let acc = bias.data[o]!;
        for (let i = 0; i < x.length; i++) acc += x[i]! * kernel.data[i * units + o]!;
        y[o] = relu(acc, layer.params.activation === 'relu');
      }
      return y;
    }
    case 'conv1d': {
      const { kernel, bias } = layer.tensors;
      const { filters, kernelSize, strides, padding } = layer.params;
      const [steps, inCh] = inShape as [number, number];
      const pad = padding === 'same' ? samePadLeft(steps, kernelSize, strides) : 0;
      for (let t = 0; t < outShape[0]!; t++) {
        for (let f = 0; f < filters; f++) {
          let acc = bias.data[f]!;
          for (let k = 0; k < kernelSize; k++) {
            const pos = t * strides + k - pad;
            if (pos < 0 || pos >= steps) continue;
            for (let c = 0; c < inCh; c++)
              acc += x[pos * inCh + c]! * kernel.data[(k * inCh + c) * filters + f]!;
          }
          y[t * filters + f] = relu(acc, layer.params.activation === 'relu');
        }
      }
      return y;
    }
    case 'depthwise_conv1d': {
      const { kernel, bias } = layer.tensors;
      const { kernelSize, strides, padding } = layer.params;
      const [steps, ch] = inShape as [number, number];
      const pad = padding === 'same' ? samePadLeft(steps, kernelSize, strides) : 0;
      for (let t = 0; t < outShape[0]!; t++) {
        for (let c = 0; c < ch; c++) {
          let acc = bias.data[c]!;
          for (let k = 0; k < kernelSize; k++) {
            const pos = t * strides + k - pad;
            if (pos >= 0 && pos < steps) acc += x[pos * ch + c]! * kernel.data[k * ch + c]!;
          }
          y[t * ch + c] = relu(acc, layer.params.activation === 'relu');
        }
      }
      return y;
    }
    case 'maxpool1d':
    case 'avgpool1d': {
      const { poolSize, strides } = layer.params;
      const ch = inShape[1]!;
      for (let t = 0; t < outShape[0]!; t++) {
        for (let c = 0; c < ch; c++) {
          let acc = layer.op === 'maxpool1d' ? -Infinity : 0;
          for (let k = 0; k < poolSize; k++) {
            const v = x[(t * strides + k) * ch + c]!;
            acc = layer.op === 'maxpool1d' ? Math.max(acc, v) : acc + v;
          }
          y[t * ch + c] = layer.op === 'maxpool1d' ? acc : acc / poolSize;
        }
      }
      return y;
    }
    case 'global_avgpool1d': {
      const [steps, ch] = inShape as [number, number];
      for (let c = 0; c < ch; c++) {
        let acc = 0;
        for (let t = 0; t < steps; t++) acc += x[t * ch + c]!;
        y[c] = acc / steps;
      }
      return y;
    }
    case 'flatten':
      y.set(x);
      return y;
    case 'relu':
      for (let i = 0; i < x.length; i++) y[i] = relu(x[i]!, true);
      return y;
    case 'softmax': {
      let max = -Infinity;
      for (const v of x) max = Math.max(max, v);
      let sum = 0;
      for (let i = 0; i < x.length; i++) sum += Math.exp(x[i]! - max);
      for (let i = 0; i < x.length; i++) y[i] = Math.exp(x[i]! - max) / sum;
      return y;
    }
  }
}
