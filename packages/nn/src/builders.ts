import { createRng, MurmurError, type Rng } from '@murmur/core';
import { MODEL_IR_VERSION, slidingLength, validateModel, type Layer, type ModelIR, type Tensor } from './ir';

/**
 * Model builders: each returns a float Model IR with seeded Glorot-uniform kernels and zero biases, so that
 * training starts from the same weights on every machine and backend.
 */

function glorot(rng: Rng, shape: number[], fanIn: number, fanOut: number): Tensor {
  const limit = Math.sqrt(6 / (fanIn + fanOut));
  const data = new Float32Array(shape.reduce((a, b) => a * b, 1));
  for (let i = 0; i < data.length; i++) data[i] = (rng.next() * 2 - 1) * limit;
  return { shape, data };
}

const zeros = (n: number): Tensor => ({ shape: [n], data: new Float32Array(n) });

function dense(rng: Rng, inputs: number, units: number, activation: 'none' | 'relu'): Layer {
  return {
    op: 'dense',
    params: { units, activation },
    tensors: { kernel: glorot(rng, [inputs, units], inputs, units), bias: zeros(units) },
  };
}

function checkSizes(sizes: number[], field: string): void {
  if (!sizes.every((n) => Number.isInteger(n) && n > 0))
    throw new MurmurError('expected positive integers', { field });
}

export interface MlpOptions {
  inputs: number;
  /** Hidden layer widths (relu), e.g. [32, 16]. */
  hidden: number[];
  classes: number;
  seed: number;
  /** Append a softmax layer (default true); the logits are the output of the last dense layer. */
  softmax?: boolean;
}

/** Multi-layer perceptron: dense+relu hidden layers, dense logits, softmax. */
export function buildMlp(opts: MlpOptions): ModelIR {
  checkSizes([opts.inputs, ...opts.hidden, opts.classes], 'model');
  const rng = createRng(opts.seed);
  const layers: Layer[] = [];
  let width = opts.inputs;
  for (const units of opts.hidden) {
    layers.push(dense(rng, width, units, 'relu'));
    width = units;
  }
  layers.push(dense(rng, width, opts.classes, 'none'));
  if (opts.softmax ?? true) layers.push({ op: 'softmax', params: {}, tensors: {} });
  const model: ModelIR = {
    version: MODEL_IR_VERSION,
    inputShape: [opts.inputs],
    layers,
    meta: { task: 'classifier' },
  };
  validateModel(model);
  return model;
}

export interface CnnBlock {
  /** 'conv' = conv1d + relu; 'separable' = depthwise conv1d then pointwise (kernel 1) conv1d + relu. */
  kind: 'conv' | 'separable';
  filters: number;
  kernelSize: number;
  strides?: number;
  padding?: 'valid' | 'same';
  /** Pooling after the block. */
  pool?: { op: 'maxpool1d' | 'avgpool1d'; size: number };
}

export interface CnnOptions {
  steps: number;
  channels: number;
  blocks: CnnBlock[];
  /** 'global' = global average pooling before the head; 'flatten' = flatten. */
  head: 'global' | 'flatten';
  /** Hidden dense layers after the convolutional part. */
  hidden?: number[];
  classes: number;
  seed: number;
}

/** 1D CNN: conv / depthwise-separable blocks with pooling, then global pooling or flatten, dense head, softmax. */
export function buildCnn(opts: CnnOptions): ModelIR {
  checkSizes([opts.steps, opts.channels, opts.classes], 'model');
  const rng = createRng(opts.seed);
  const layers: Layer[] = [];
  let [steps, ch] = [opts.steps, opts.channels];
  for (const b of opts.blocks) {
    const strides = b.strides ?? 1;
    const padding = b.padding ?? 'valid';
    if (b.kind === 'separable') {
      layers.push({
        op: 'depthwise_conv1d',
        params: { kernelSize: b.kernelSize, strides, padding, activation: 'none' },
        tensors: { kernel: glorot(rng, [b.kernelSize, ch], b.kernelSize, b.kernelSize), bias: zeros(ch) },
      });
      steps = slidingLength(steps, b.kernelSize, strides, padding);
      layers.push({
        op: 'conv1d',
        params: { filters: b.filters, kernelSize: 1, strides: 1, padding: 'valid', activation: 'relu' },
        tensors: { kernel: glorot(rng, [1, ch, b.filters], ch, b.filters), bias: zeros(b.filters) },
      });
    } else {
      layers.push({
        op: 'conv1d',
        params: { filters: b.filters, kernelSize: b.kernelSize, strides, padding, activation: 'relu' },
        tensors: {
          kernel: glorot(rng, [b.kernelSize, ch, b.filters], b.kernelSize * ch, b.kernelSize * b.filters),
          bias: zeros(b.filters),
        },
      });
      steps = slidingLength(steps, b.kernelSize, strides, padding);
    }
    ch = b.filters;
    if (b.pool) {
      layers.push({ op: b.pool.op, params: { poolSize: b.pool.size, strides: b.pool.size }, tensors: {} });
      steps = slidingLength(steps, b.pool.size, b.pool.size, 'valid');
    }
    if (steps < 1)
      throw new MurmurError('the convolution blocks shrink the input to nothing', { field: 'blocks' });
  }
  let width = opts.head === 'global' ? ch : steps * ch;
  layers.push({ op: opts.head === 'global' ? 'global_avgpool1d' : 'flatten', params: {}, tensors: {} });
  for (const units of opts.hidden ?? []) {
    layers.push(dense(rng, width, units, 'relu'));
    width = units;
  }
  layers.push(dense(rng, width, opts.classes, 'none'));
  layers.push({ op: 'softmax', params: {}, tensors: {} });
  const model: ModelIR = {
    version: MODEL_IR_VERSION,
    inputShape: [opts.steps, opts.channels],
    layers,
    meta: { task: 'classifier' },
  };
  validateModel(model);
  return model;
}

export interface AutoencoderOptions {
  inputs: number;
  /** Encoder widths down to the bottleneck, e.g. [16, 4]; the decoder mirrors them. */
  encoder: number[];
  seed: number;
}

/** Dense autoencoder: relu encoder to a bottleneck, mirrored relu decoder, linear reconstruction. */
export function buildAutoencoder(opts: AutoencoderOptions): ModelIR {
  checkSizes([opts.inputs, ...opts.encoder], 'model');
  const rng = createRng(opts.seed);
  const widths = [...opts.encoder, ...opts.encoder.slice(0, -1).reverse()];
  const layers: Layer[] = [];
  let width = opts.inputs;
  for (const units of widths) {
    layers.push(dense(rng, width, units, 'relu'));
    width = units;
  }
  layers.push(dense(rng, width, opts.inputs, 'none'));
  const model: ModelIR = {
    version: MODEL_IR_VERSION,
    inputShape: [opts.inputs],
    layers,
    meta: { task: 'autoencoder' },
  };
  validateModel(model);
  return model;
}
