import { MurmurError } from '@murmur/core';
import {
  modelShapes,
  normalizeInput,
  samePadLeft,
  type Conv1dLayer,
  type DepthwiseConv1dLayer,
  type Pool1dLayer,
} from '@murmur/nn';
import { clampInt8, multiplyByQuantizedMultiplier, roundHalfAway } from './fixed-point';
import {
  readBits,
  readSignedBits,
  rowRequant,
  type ActivationQuant,
  type BinaryWeights,
  type ClusteredWeights,
  type CompressedModel,
  type CompressedWeights,
  type Int4Weights,
  type Int8Weights,
  type QuantizedLayer,
  type QuantizedWeightLayer,
  type SparseWeights,
} from './ir';

/**
 * The int8 reference interpreter: the specification the C kernels reproduce bit for bit.
 * Everything between `quantizeInput` and the int8 output is integer arithmetic (TFLite int8 spec).
 */

/**
 * Quantizes the float model input once at the boundary:
 * q = clamp(roundHalfAway(float32(x · float32(1 / scale))) + zeroPoint, -128, 127).
 * The product is a float32 multiply (C: `float p = x * inv_scale; long r = lroundf(p);`).
 */
export function quantizeInput(x: Float32Array, q: ActivationQuant): Int8Array {
  const inverse = Math.fround(1 / q.scale);
  const out = new Int8Array(x.length);
  for (let i = 0; i < x.length; i++)
    out[i] = clampInt8(roundHalfAway(Math.fround(x[i]! * inverse)) + q.zeroPoint);
  return out;
}

/** real = scale · (q - zeroPoint), for reading results on the host. */
export function dequantize(q: Int8Array, p: ActivationQuant): Float32Array {
  const out = new Float32Array(q.length);
  for (let i = 0; i < q.length; i++) out[i] = p.scale * (q[i]! - p.zeroPoint);
  return out;
}

// ---------------------------------------------------------------------------------------------------------
// One row dot product per weight format: Σ_c patch[c] · w[r][c], exact, where patch[c] = x - input zero point
// (0 for padding). Every function reads only the bytes its format defines (see ir.ts).

/** int8: w = data[r·cols + c]. */
export function dotRowInt8(w: Int8Weights, r: number, patch: Int32Array): number {
  let acc = 0;
  const base = r * w.cols;
  for (let c = 0; c < w.cols; c++) acc += patch[c]! * w.data[base + c]!;
  return acc;
}

/** int4-packed: w = 4-bit two's complement field r·cols + c of the bit stream (low nibble first). */
export function dotRowInt4(w: Int4Weights, r: number, patch: Int32Array): number {
  let acc = 0;
  const base = r * w.cols;
  for (let c = 0; c < w.cols; c++) acc += patch[c]! * readSignedBits(w.data, base + c, 4);
  return acc;
}

/** sparse: Σ over the row's non-zeros values[p] · patch[colIndex[p]]. */
export function dotRowSparse(w: SparseWeights, r: number, patch: Int32Array): number {
  let acc = 0;
  for (let p = w.rowStart[r]!; p < w.rowStart[r + 1]!; p++) acc += patch[w.colIndex[p]!]! * w.values[p]!;
  return acc;
}

/** clustered: w = codebook[field r·cols + c of the index bit stream]. */
export function dotRowClustered(w: ClusteredWeights, r: number, patch: Int32Array): number {
  let acc = 0;
  const base = r * w.cols;
  for (let c = 0; c < w.cols; c++) acc += patch[c]! * w.codebook[readBits(w.indices, base + c, w.indexBits)]!;
  return acc;
}

/**
 * binary: w = +1 where bit r·cols + c is set, else -1, so the sum is Σ_set patch - Σ_clear patch. With binary
 * activations this is the XNOR-popcount identity 2·popcount(xnor) - n; the integer result is what counts.
 */
export function dotRowBinary(w: BinaryWeights, r: number, patch: Int32Array): number {
  let acc = 0;
  const base = r * w.cols;
  for (let c = 0; c < w.cols; c++) acc += readBits(w.bits, base + c, 1) ? patch[c]! : -patch[c]!;
  return acc;
}

export function dotRow(w: CompressedWeights, r: number, patch: Int32Array): number {
  switch (w.format) {
    case 'int8':
      return dotRowInt8(w, r, patch);
    case 'int4-packed':
      return dotRowInt4(w, r, patch);
    case 'sparse':
      return dotRowSparse(w, r, patch);
    case 'clustered':
      return dotRowClustered(w, r, patch);
    case 'binary':
      return dotRowBinary(w, r, patch);
  }
}

/** acc → int8 output of row r: requantize, add the output zero point, clamp to the activation range. */
export function requantizeRow(layer: QuantizedWeightLayer, r: number, dot: number): number {
  const acc = layer.bias[r]! + dot;
  const { multiplier, shift } = rowRequant(layer, r);
  const scaled = multiplyByQuantizedMultiplier(acc, multiplier, shift);
  return Math.min(layer.activationMax, Math.max(layer.activationMin, scaled + layer.output.zeroPoint));
}

// ---------------------------------------------------------------------------------------------------------
// One function per op

/** dense: y[r] = requantize(bias[r] + Σ_c (x[c] - zp_in) · w[r][c]). */
export function denseInt8(layer: QuantizedWeightLayer, x: Int8Array): Int8Array {
  const patch = new Int32Array(x.length);
  for (let c = 0; c < x.length; c++) patch[c] = x[c]! - layer.input.zeroPoint;
  const y = new Int8Array(layer.weights.rows);
  for (let r = 0; r < layer.weights.rows; r++)
    y[r] = requantizeRow(layer, r, dotRow(layer.weights, r, patch));
  return y;
}

/**
 * conv1d on x[steps][inCh] → y[outSteps][filters]: for output step t, patch[k·inCh + c] = x[p][c] - zp_in with
 * p = t·strides + k - padLeft, or 0 when p is outside the input ('same' padding, TF's left padding).
 */
export function conv1dInt8(
  layer: QuantizedWeightLayer,
  x: Int8Array,
  inShape: number[],
  outShape: number[],
): Int8Array {
  const { kernelSize, strides, padding } = layer.params as Conv1dLayer['params'];
  const [steps, inCh] = inShape as [number, number];
  const pad = padding === 'same' ? samePadLeft(steps, kernelSize, strides) : 0;
  const rows = layer.weights.rows;
  const patch = new Int32Array(kernelSize * inCh);
  const y = new Int8Array(outShape[0]! * rows);
  for (let t = 0; t < outShape[0]!; t++) {
    for (let k = 0; k < kernelSize; k++) {
      const p = t * strides + k - pad;
      for (let c = 0; c < inCh; c++)
        patch[k * inCh + c] = p >= 0 && p < steps ? x[p * inCh + c]! - layer.input.zeroPoint : 0;
    }
    for (let r = 0; r < rows; r++) y[t * rows + r] = requantizeRow(layer, r, dotRow(layer.weights, r, patch));
  }
  return y;
}

/** depthwise_conv1d on x[steps][ch]: row c of the weights sees patch[k] = x[p][c] - zp_in (0 outside). */
export function depthwiseConv1dInt8(
  layer: QuantizedWeightLayer,
  x: Int8Array,
  inShape: number[],
  outShape: number[],
): Int8Array {
  const { kernelSize, strides, padding } = layer.params as DepthwiseConv1dLayer['params'];
  const [steps, ch] = inShape as [number, number];
  const pad = padding === 'same' ? samePadLeft(steps, kernelSize, strides) : 0;
  const patch = new Int32Array(kernelSize);
  const y = new Int8Array(outShape[0]! * ch);
  // A depthwise row only reads its own channel, so the patch is rebuilt per (t, c); dotRow reads columns 0..k-1.
  for (let t = 0; t < outShape[0]!; t++) {
    for (let c = 0; c < ch; c++) {
      for (let k = 0; k < kernelSize; k++) {
        const p = t * strides + k - pad;
        patch[k] = p >= 0 && p < steps ? x[p * ch + c]! - layer.input.zeroPoint : 0;
      }
      y[t * ch + c] = requantizeRow(layer, c, dotRow(layer.weights, c, patch));
    }
  }
  return y;
}

/** maxpool1d: the largest int8 value in each window (input and output share quantization). */
export function maxpool1dInt8(
  params: Pool1dLayer['params'],
  x: Int8Array,
  inShape: number[],
  outShape: number[],
): Int8Array {
  const ch = inShape[1]!;
  const y = new Int8Array(outShape[0]! * ch);
  for (let t = 0; t < outShape[0]!; t++) {
    for (let c = 0; c < ch; c++) {
      let m = -128;
      for (let k = 0; k < params.poolSize; k++) m = Math.max(m, x[(t * params.strides + k) * ch + c]!);
      y[t * ch + c] = m;
    }
  }
  return y;
}

/**
 * Integer mean as TFLite's average pool: sum > 0 ? (sum + n/2) / n : (sum - n/2) / n with C's truncating
 * integer division (n/2 truncated too), i.e. rounding half away from zero; then clamp to int8.
 */
export function roundedMean(sum: number, n: number): number {
  const half = Math.trunc(n / 2);
  return clampInt8(Math.trunc((sum > 0 ? sum + half : sum - half) / n));
}

/** avgpool1d: roundedMean of each window (input and output share quantization). */
export function avgpool1dInt8(
  params: Pool1dLayer['params'],
  x: Int8Array,
  inShape: number[],
  outShape: number[],
): Int8Array {
  const ch = inShape[1]!;
  const y = new Int8Array(outShape[0]! * ch);
  for (let t = 0; t < outShape[0]!; t++) {
    for (let c = 0; c < ch; c++) {
      let sum = 0;
      for (let k = 0; k < params.poolSize; k++) sum += x[(t * params.strides + k) * ch + c]!;
      y[t * ch + c] = roundedMean(sum, params.poolSize);
    }
  }
  return y;
}

/** global_avgpool1d: roundedMean over all steps per channel. */
export function globalAvgpool1dInt8(x: Int8Array, inShape: number[]): Int8Array {
  const [steps, ch] = inShape as [number, number];
  const y = new Int8Array(ch);
  for (let c = 0; c < ch; c++) {
    let sum = 0;
    for (let t = 0; t < steps; t++) sum += x[t * ch + c]!;
    y[c] = roundedMean(sum, steps);
  }
  return y;
}

/** relu with unchanged quantization: max(x, zeroPoint). */
export function reluInt8(x: Int8Array, q: ActivationQuant): Int8Array {
  return x.map((v) => Math.max(v, q.zeroPoint));
}

function runLayer(layer: QuantizedLayer, x: Int8Array, inShape: number[], outShape: number[]): Int8Array {
  switch (layer.op) {
    case 'dense':
      return denseInt8(layer as QuantizedWeightLayer, x);
    case 'conv1d':
      return conv1dInt8(layer as QuantizedWeightLayer, x, inShape, outShape);
    case 'depthwise_conv1d':
      return depthwiseConv1dInt8(layer as QuantizedWeightLayer, x, inShape, outShape);
    case 'maxpool1d':
      return maxpool1dInt8(layer.params as Pool1dLayer['params'], x, inShape, outShape);
    case 'avgpool1d':
      return avgpool1dInt8(layer.params as Pool1dLayer['params'], x, inShape, outShape);
    case 'global_avgpool1d':
      return globalAvgpool1dInt8(x, inShape);
    case 'relu':
      return reluInt8(x, layer.input);
    case 'flatten':
    case 'softmax':
      // softmax is monotonic: the device reports the argmax of the int8 logits (see argmaxInt8).
      return Int8Array.from(x);
  }
}

/** Shapes of a compressed model's activations (input, then every layer's output). */
export function compressedShapes(model: CompressedModel): number[][] {
  return modelShapes({
    inputShape: model.inputShape,
    layers: model.layers.map((l) =>
      l.op === 'dense'
        ? {
            op: 'dense',
            params: l.params,
            tensors: {
              kernel: { shape: [(l as QuantizedWeightLayer).weights.cols, 0], data: new Float32Array() },
            },
          }
        : { op: l.op, params: l.params, tensors: {} },
    ) as never,
  });
}

/** Runs the int8 model on an already quantized input; returns every activation (input first). */
export function traceInt8(model: CompressedModel, input: Int8Array): Int8Array[] {
  const shapes = compressedShapes(model);
  const n = shapes[0]!.reduce((a, b) => a * b, 1);
  if (input.length !== n)
    throw new MurmurError(`model input needs ${n} values, got ${input.length}`, { field: 'input' });
  const out = [input];
  model.layers.forEach((layer, i) => out.push(runLayer(layer, out[i]!, shapes[i]!, shapes[i + 1]!)));
  return out;
}

/** int8 output of the last layer (the logits when the model ends in softmax). */
export function runInt8(model: CompressedModel, input: Int8Array): Int8Array {
  const trace = traceInt8(model, input);
  return trace[trace.length - 1]!;
}

/** Quantization of the model output. */
export function outputQuant(model: CompressedModel): ActivationQuant {
  return model.layers.length ? model.layers[model.layers.length - 1]!.output : model.input;
}

/**
 * The device's classification: the index of the largest int8 logit (the first one on ties) and, as its
 * confidence, the margin top1 - top2 in int8 steps (0..255; 0 when tied; 255 with one class).
 */
export function argmaxInt8(logits: Int8Array): { index: number; margin: number } {
  let index = 0;
  for (let i = 1; i < logits.length; i++) if (logits[i]! > logits[index]!) index = i;
  let second = -129;
  for (let i = 0; i < logits.length; i++) if (i !== index) second = Math.max(second, logits[i]!);
  return { index, margin: logits.length > 1 ? logits[index]! - second : 255 };
}

/** The raw float input as the model's int8 input: standardize (float32, see InputNorm), then quantizeInput. */
export function quantizeModelInput(model: CompressedModel, x: Float32Array): Int8Array {
  return quantizeInput(model.inputNorm ? normalizeInput(x, model.inputNorm) : x, model.input);
}

/** Float in, class out: quantize at the boundary, run the integer path, argmax. */
export function classifyInt8(
  model: CompressedModel,
  x: Float32Array,
): { index: number; margin: number; logits: Int8Array } {
  const logits = runInt8(model, quantizeModelInput(model, x));
  return { ...argmaxInt8(logits), logits };
}

/**
 * Anomaly score of an int8 autoencoder on one raw input: mean squared difference between the standardized
 * input and the dequantized reconstruction (host-side evaluation, comparable to the float model's score).
 */
export function reconstructionErrorInt8(model: CompressedModel, x: Float32Array): number {
  const target = model.inputNorm ? normalizeInput(x, model.inputNorm) : x;
  const out = dequantize(runInt8(model, quantizeModelInput(model, x)), outputQuant(model));
  let s = 0;
  for (let i = 0; i < target.length; i++) s += (target[i]! - out[i]!) ** 2;
  return s / target.length;
}
