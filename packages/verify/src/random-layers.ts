import { toSparse } from '@murmur/compress';
import {
  COMPRESSED_IR_VERSION,
  packBits,
  type ActivationQuant,
  type CompressedModel,
  type CompressedWeights,
  type QuantizedLayer,
  type QuantizedWeightLayer,
  type WeightFormat,
} from '@murmur/kernels';
import type { Rng } from '@murmur/core';

/**
 * Random single-layer compressed models for bit-exactness tests of the C kernels: every op and weight
 * format, odd sizes, both paddings, strides, extreme zero points and multipliers.
 */

export const weightFormats: readonly WeightFormat[] = [
  'int8',
  'int4-packed',
  'sparse',
  'clustered',
  'binary',
];
export const weightOps = ['dense', 'conv1d', 'depthwise_conv1d'] as const;
export const plainOps = ['maxpool1d', 'avgpool1d', 'global_avgpool1d', 'relu', 'softmax', 'flatten'] as const;

export interface RandomLayerOptions {
  /** Upper bound on rows * cols of a weight matrix and on activation elements (keeps images small). */
  maxElements?: number;
}

/** Random weights of a format as the compressor would store them. */
export function randomWeights(rng: Rng, format: WeightFormat, rows: number, cols: number): CompressedWeights {
  const scales = new Float32Array(rows).fill(1);
  const n = rows * cols;
  switch (format) {
    case 'int8':
      return { format, rows, cols, scales, data: Int8Array.from({ length: n }, () => rng.int(-128, 127)) };
    case 'int4-packed':
      return {
        format,
        rows,
        cols,
        scales,
        data: packBits(
          Array.from({ length: n }, () => rng.int(-8, 7)),
          4,
        ),
      };
    case 'sparse': {
      const density = rng.next();
      const q = Int8Array.from({ length: n }, () => (rng.next() < density ? rng.int(-128, 127) : 0));
      return toSparse(q, rows, cols, scales);
    }
    case 'clustered': {
      const k = rng.int(1, 16);
      const values = new Set<number>();
      while (values.size < k) values.add(rng.int(-128, 127));
      const codebook = Int8Array.from([...values].sort((a, b) => a - b));
      const indexBits = Math.max(1, Math.ceil(Math.log2(k)));
      const indices = packBits(
        Array.from({ length: n }, () => rng.int(0, k - 1)),
        indexBits,
      );
      return { format, rows, cols, scales, codebook, indexBits, indices };
    }
    case 'binary':
      return {
        format,
        rows,
        cols,
        scales,
        bits: packBits(
          Array.from({ length: n }, () => rng.int(0, 1)),
          1,
        ),
      };
  }
}

/** A uniformly chosen element. */
function pick<T>(rng: Rng, items: readonly T[]): T {
  return items[rng.int(0, items.length - 1)]!;
}

const randomQuant = (rng: Rng): ActivationQuant => ({
  scale: 0.01 + rng.next(),
  zeroPoint: rng.next() < 0.2 ? pick(rng, [-128, 127, 0]) : rng.int(-128, 127),
});

/**
 * Requantization of `rows` channels whose accumulators are about `magnitude`: mostly shifts that spread
 * the outputs over the int8 range, sometimes extreme ones (saturation, left shifts, zero multiplier).
 */
function randomRequant(
  rng: Rng,
  rows: number,
  magnitude: number,
): { multiplier: Int32Array; shift: Int8Array } {
  const multiplier = new Int32Array(rows);
  const shift = new Int8Array(rows);
  const spread = -Math.ceil(Math.log2(Math.max(1, magnitude))) + 6;
  const oddMultipliers = [0, 1, -1, -(2 ** 31), 2 ** 31 - 1, -(2 ** 30)];
  for (let r = 0; r < rows; r++) {
    const extreme = rng.next() < 0.1;
    multiplier[r] = extreme && rng.next() < 0.4 ? pick(rng, oddMultipliers) : rng.int(2 ** 30, 2 ** 31 - 1);
    shift[r] = extreme ? rng.int(-31, 4) : Math.max(-31, Math.min(30, spread + rng.int(-2, 2)));
  }
  return { multiplier, shift };
}

/** A random dense, conv1d or depthwise_conv1d layer reading `inputShape` quantized as `input`. */
export function randomWeightLayer(
  rng: Rng,
  op: (typeof weightOps)[number],
  inputShape: number[],
  input: ActivationQuant,
  maxElements = 512,
  shape: { format?: WeightFormat; rows?: number } = {},
): QuantizedWeightLayer {
  const format = shape.format ?? pick(rng, weightFormats);
  const output = randomQuant(rng);
  const activation = rng.next() < 0.4 ? 'relu' : 'none';
  let rows: number;
  let cols: number;
  let params: QuantizedWeightLayer['params'];
  if (op === 'dense') {
    cols = inputShape[0]!;
    rows = shape.rows ?? rng.int(1, Math.max(1, Math.min(12, Math.floor(maxElements / cols))));
    params = { units: rows, activation };
  } else {
    const [steps, channels] = inputShape as [number, number];
    const kernelSize = rng.int(1, Math.min(5, steps));
    const strides = rng.int(1, 3);
    const padding = rng.next() < 0.5 ? 'same' : 'valid';
    if (op === 'conv1d') {
      rows = shape.rows ?? rng.int(1, 6);
      cols = kernelSize * channels;
      params = { filters: rows, kernelSize, strides, padding, activation };
    } else {
      rows = channels;
      cols = kernelSize;
      params = { kernelSize, strides, padding, activation };
    }
  }
  const weights = randomWeights(rng, format, rows, cols);
  const magnitude = Math.sqrt(cols) * 128 * (format === 'binary' ? 1 : format === 'int4-packed' ? 5 : 70);
  // Per-tensor requantization (one multiplier and shift) in a third of the layers; an int16 bias (its
  // extremes included) in another third.
  const { multiplier, shift } = randomRequant(rng, rng.next() < 1 / 3 ? 1 : rows, magnitude);
  const bias =
    rng.next() < 1 / 3
      ? Int16Array.from({ length: rows }, () =>
          rng.next() < 0.1 ? pick(rng, [-(2 ** 15), 2 ** 15 - 1]) : rng.int(-(2 ** 15), 2 ** 15 - 1),
        )
      : Int32Array.from({ length: rows }, () => rng.int(-(2 ** 16), 2 ** 16));
  return {
    op,
    params,
    input,
    output,
    weights,
    bias,
    multiplier,
    shift,
    activationMin: activation === 'relu' ? Math.max(-128, output.zeroPoint) : -128,
    activationMax: 127,
  };
}

/**
 * A random int8 dense or conv1d layer shaped to stress the four-row dual-MAC kernels: row counts around
 * multiples of four, fan-ins around multiples of 4 and 16 (whole blocks, four-block passes and tails), extreme
 * zero points and requantization, and sometimes a bias near 2^30.
 */
export function randomStressLayer(
  rng: Rng,
  maxElements = 1024,
): { layer: QuantizedWeightLayer; inputShape: number[] } {
  const input = randomQuant(rng);
  const dense = rng.next() < 0.6;
  const inputShape = dense
    ? [
        pick(
          rng,
          [1, 2, 3, 4, 5, 7, 8, 15, 16, 17, 19, 32, 33, 48, 63, 64, 67].filter((c) => c * 4 <= maxElements),
        ),
      ]
    : [
        rng.int(1, 12),
        pick(
          rng,
          [1, 3, 4, 5, 16].filter((c) => c * 20 <= maxElements),
        ),
      ];
  // Largest fan-in the layer can get (conv1d: kernel size up to 5).
  const fanIn = dense ? inputShape[0]! : Math.min(5, inputShape[0]!) * inputShape[1]!;
  const rows = pick(
    rng,
    [1, 3, 4, 5, 7, 8, 9, 12, 13, 16, 17].filter((r) => r === 1 || r * fanIn <= maxElements),
  );
  const layer = randomWeightLayer(rng, dense ? 'dense' : 'conv1d', inputShape, input, maxElements, {
    format: 'int8',
    rows,
  });
  if (rng.next() < 0.2) layer.bias = Int32Array.from({ length: rows }, () => rng.int(-(2 ** 30), 2 ** 30));
  return { layer, inputShape };
}

/** A random weight-free layer for a [steps, channels] input. */
function randomPlainLayer(
  rng: Rng,
  op: (typeof plainOps)[number],
  steps: number,
  input: ActivationQuant,
): QuantizedLayer {
  if (op === 'maxpool1d' || op === 'avgpool1d') {
    return { op, params: { poolSize: rng.int(1, steps), strides: rng.int(1, 3) }, input, output: input };
  }
  return { op, params: {}, input, output: input } as QuantizedLayer;
}

/** One random layer with its input shape. */
export function randomLayer(
  rng: Rng,
  opts: RandomLayerOptions = {},
): { layer: QuantizedLayer; inputShape: number[] } {
  const maxElements = opts.maxElements ?? 512;
  const input = randomQuant(rng);
  const op = pick(rng, [...weightOps, ...weightOps, ...plainOps]);
  if (op === 'dense') {
    const cols = rng.next() < 0.05 ? Math.min(maxElements, 260 + rng.int(0, 20)) : rng.int(1, 48);
    return { layer: randomWeightLayer(rng, op, [cols], input, maxElements), inputShape: [cols] };
  }
  const channels = rng.int(1, op === 'conv1d' || op === 'depthwise_conv1d' ? 5 : 6);
  const steps = rng.int(1, Math.max(1, Math.min(24, Math.floor(maxElements / channels))));
  const inputShape = [steps, channels];
  if (op === 'conv1d' || op === 'depthwise_conv1d') {
    return { layer: randomWeightLayer(rng, op, inputShape, input, maxElements), inputShape };
  }
  return { layer: randomPlainLayer(rng, op, steps, input), inputShape };
}

/**
 * A random model of the shape the apps use: conv1d → relu → pool → depthwise_conv1d → pool → flatten →
 * dense → dense → softmax, each stage present or not, weight formats mixed.
 */
export function randomModel(rng: Rng, maxElements = 384): CompressedModel {
  const input = randomQuant(rng);
  const layers: QuantizedLayer[] = [];
  let quant = input;
  let shape: number[] = [rng.int(8, 32), rng.int(1, 3)];
  const inputShape = shape;
  const add = (layer: QuantizedLayer, next: number[]): void => {
    layers.push(layer);
    quant = layer.output;
    shape = next;
  };
  const convOut = (steps: number, p: { kernelSize: number; strides: number; padding: string }): number =>
    p.padding === 'same' ? Math.ceil(steps / p.strides) : Math.floor((steps - p.kernelSize) / p.strides) + 1;
  if (rng.next() < 0.8) {
    const conv = randomWeightLayer(rng, 'conv1d', shape, quant, maxElements);
    add(conv, [convOut(shape[0]!, conv.params as never), conv.weights.rows]);
  }
  if (rng.next() < 0.5) add(randomPlainLayer(rng, 'relu', shape[0]!, quant), shape);
  if (rng.next() < 0.5) {
    const pool = randomPlainLayer(rng, rng.next() < 0.5 ? 'maxpool1d' : 'avgpool1d', shape[0]!, quant);
    const p = pool.params as { poolSize: number; strides: number };
    add(pool, [Math.floor((shape[0]! - p.poolSize) / p.strides) + 1, shape[1]!]);
  }
  if (rng.next() < 0.5) {
    const dw = randomWeightLayer(rng, 'depthwise_conv1d', shape, quant, maxElements);
    add(dw, [convOut(shape[0]!, dw.params as never), shape[1]!]);
  }
  if (rng.next() < 0.3) add(randomPlainLayer(rng, 'global_avgpool1d', shape[0]!, quant), [shape[1]!]);
  else add(randomPlainLayer(rng, 'flatten', shape[0]!, quant), [shape[0]! * shape[1]!]);
  for (let d = rng.int(1, 2); d > 0; d--) {
    const dense = randomWeightLayer(rng, 'dense', shape, quant, maxElements);
    add(dense, [dense.weights.rows]);
  }
  if (rng.next() < 0.5)
    add({ op: 'softmax', params: {}, input: quant, output: quant } as QuantizedLayer, shape);
  return {
    version: COMPRESSED_IR_VERSION,
    format: 'murmur-compressed-ir',
    inputShape,
    input,
    layers,
    recipe: 'random',
  };
}

/** Wraps one layer as a compressed model. */
export function singleLayerModel(layer: QuantizedLayer, inputShape: number[]): CompressedModel {
  return {
    version: COMPRESSED_IR_VERSION,
    format: 'murmur-compressed-ir',
    inputShape,
    input: layer.input,
    layers: [layer],
    recipe: 'random',
  };
}

/** Random int8 tensor, with the extremes more likely than uniform. */
export function randomInt8(rng: Rng, n: number): Int8Array {
  return Int8Array.from({ length: n }, () =>
    rng.next() < 0.1 ? pick(rng, [-128, 127]) : rng.int(-128, 127),
  );
}
