import { MurmurError } from '@murmur/core';

/**
 * The Model IR: a plain, versioned description of a feed-forward network with float weights.
 * Every stage after training (float interpreter, compression, code generation) reads this form.
 *
 * Shapes are per sample (no batch dimension): `[features]` for dense models, `[steps, channels]`
 * for 1D convolutional models. Tensor layouts are those of tfjs/Keras so export and import are copies:
 * - dense kernel `[in, units]`, bias `[units]`
 * - conv1d kernel `[kernelSize, inChannels, filters]`, bias `[filters]`
 * - depthwise_conv1d kernel `[kernelSize, channels]` (depth multiplier 1), bias `[channels]`
 */
export const MODEL_IR_VERSION = 1;

export interface Tensor {
  shape: number[];
  data: Float32Array;
}

/** Activation fused into a dense or convolution layer. */
export type FusedActivation = 'none' | 'relu';
export type Padding = 'valid' | 'same';

export interface DenseLayer {
  op: 'dense';
  params: { units: number; activation: FusedActivation };
  tensors: { kernel: Tensor; bias: Tensor };
}
export interface Conv1dLayer {
  op: 'conv1d';
  params: {
    filters: number;
    kernelSize: number;
    strides: number;
    padding: Padding;
    activation: FusedActivation;
  };
  tensors: { kernel: Tensor; bias: Tensor };
}
export interface DepthwiseConv1dLayer {
  op: 'depthwise_conv1d';
  params: { kernelSize: number; strides: number; padding: Padding; activation: FusedActivation };
  tensors: { kernel: Tensor; bias: Tensor };
}
export interface Pool1dLayer {
  op: 'maxpool1d' | 'avgpool1d';
  params: { poolSize: number; strides: number };
  tensors: Record<string, never>;
}
export interface ShapeOnlyLayer {
  op: 'global_avgpool1d' | 'flatten' | 'relu' | 'softmax';
  params: Record<string, never>;
  tensors: Record<string, never>;
}

export type Layer = DenseLayer | Conv1dLayer | DepthwiseConv1dLayer | Pool1dLayer | ShapeOnlyLayer;
export type LayerOp = Layer['op'];
/** Layers that hold a weight kernel and a bias. */
export type WeightLayer = DenseLayer | Conv1dLayer | DepthwiseConv1dLayer;

export interface InputNorm {
  mean: number[];
  invStd: number[];
}

export interface ModelIR {
  version: typeof MODEL_IR_VERSION;
  /** Per-sample input shape: `[features]` or `[steps, channels]`. */
  inputShape: number[];
  layers: Layer[];
  /**
   * Per-feature standardization applied to the raw input before the first layer, in float32:
   * x' = float32(float32(x - mean[i]) * invStd[i]). Part of the model so the device sees raw features.
   */
  inputNorm?: InputNorm;
  /** Free-form facts about the model: class names, what the input features are, training settings. */
  meta?: { classes?: string[]; task?: 'classifier' | 'autoencoder'; [key: string]: unknown };
}

export const layerOps: readonly LayerOp[] = [
  'dense',
  'conv1d',
  'depthwise_conv1d',
  'maxpool1d',
  'avgpool1d',
  'global_avgpool1d',
  'flatten',
  'relu',
  'softmax',
];

export function isWeightLayer(layer: Layer): layer is WeightLayer {
  return layer.op === 'dense' || layer.op === 'conv1d' || layer.op === 'depthwise_conv1d';
}

export function tensorSize(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

/** Output length of a 1D sliding window (conv or pool) in TF's convention. */
export function slidingLength(inLength: number, kernel: number, strides: number, padding: Padding): number {
  return padding === 'same' ? Math.ceil(inLength / strides) : Math.floor((inLength - kernel) / strides) + 1;
}

/** Left padding of a `same` window in TF's convention (the extra element goes on the right). */
export function samePadLeft(inLength: number, kernel: number, strides: number): number {
  const out = Math.ceil(inLength / strides);
  return Math.floor(Math.max((out - 1) * strides + kernel - inLength, 0) / 2);
}

/** Output shape of one layer given its input shape; throws MurmurError naming the layer when they do not fit. */
export function layerOutputShape(layer: Layer, inShape: readonly number[], index = 0): number[] {
  const field = `layers[${index}]`;
  const need = (rank: number): void => {
    if (inShape.length !== rank) {
      throw new MurmurError(`${layer.op} needs a rank-${rank} input, got [${inShape.join(', ')}]`, { field });
    }
  };
  switch (layer.op) {
    case 'dense':
      need(1);
      if (layer.tensors.kernel.shape[0] !== inShape[0]) {
        throw new MurmurError(
          `dense kernel expects ${layer.tensors.kernel.shape[0]} inputs, got ${inShape[0]}`,
          { field },
        );
      }
      return [layer.params.units];
    case 'conv1d': {
      need(2);
      const out = slidingLength(
        inShape[0]!,
        layer.params.kernelSize,
        layer.params.strides,
        layer.params.padding,
      );
      if (out < 1)
        throw new MurmurError(`conv1d window longer than its input (${inShape[0]} steps)`, { field });
      return [out, layer.params.filters];
    }
    case 'depthwise_conv1d': {
      need(2);
      const out = slidingLength(
        inShape[0]!,
        layer.params.kernelSize,
        layer.params.strides,
        layer.params.padding,
      );
      if (out < 1)
        throw new MurmurError(`depthwise_conv1d window longer than its input (${inShape[0]} steps)`, {
          field,
        });
      return [out, inShape[1]!];
    }
    case 'maxpool1d':
    case 'avgpool1d': {
      need(2);
      const out = slidingLength(inShape[0]!, layer.params.poolSize, layer.params.strides, 'valid');
      if (out < 1)
        throw new MurmurError(`${layer.op} window longer than its input (${inShape[0]} steps)`, { field });
      return [out, inShape[1]!];
    }
    case 'global_avgpool1d':
      need(2);
      return [inShape[1]!];
    case 'flatten':
      return [tensorSize(inShape)];
    case 'relu':
    case 'softmax':
      return [...inShape];
  }
}

/** Input shape of every layer followed by the model's output shape (length = layers + 1). */
export function modelShapes(model: Pick<ModelIR, 'inputShape' | 'layers'>): number[][] {
  const shapes = [model.inputShape];
  model.layers.forEach((layer, i) => shapes.push(layerOutputShape(layer, shapes[i]!, i)));
  return shapes;
}

/** Number of float weights (kernels + biases). */
export function parameterCount(model: ModelIR): number {
  let n = 0;
  for (const layer of model.layers) {
    for (const t of Object.values(layer.tensors) as Tensor[]) n += t.data.length;
  }
  return n;
}

/** A deep copy (tensors are copied, so transforms can edit the copy in place). */
export function cloneModel<M extends ModelIR>(model: M): M {
  return {
    ...model,
    inputShape: [...model.inputShape],
    meta: model.meta ? structuredClone(model.meta) : undefined,
    inputNorm: model.inputNorm ? structuredClone(model.inputNorm) : undefined,
    layers: model.layers.map((layer) => ({
      ...layer,
      params: { ...layer.params },
      tensors: Object.fromEntries(
        Object.entries(layer.tensors as Record<string, Tensor>).map(([k, t]) => [
          k,
          { shape: [...t.shape], data: new Float32Array(t.data) },
        ]),
      ),
    })) as Layer[],
  };
}

// ---------------------------------------------------------------------------------------------------------
// JSON + binary form

/** A tensor in the JSON form: its float32 values live at `offset` (bytes) in the weights file. */
interface TensorRef {
  shape: number[];
  offset: number;
  length: number;
}

/**
 * The JSON + binary form: `model.json` holds everything but the weights, `weights.bin` holds all tensors
 * as little-endian float32, concatenated in layer order then tensor-name order.
 */
export function serializeModel(model: ModelIR): { json: string; weights: Uint8Array } {
  validateModel(model);
  const chunks: Float32Array[] = [];
  let offset = 0;
  const layers = model.layers.map((layer) => {
    const tensors: Record<string, TensorRef> = {};
    for (const name of Object.keys(layer.tensors).sort()) {
      const t = (layer.tensors as Record<string, Tensor>)[name]!;
      tensors[name] = { shape: t.shape, offset, length: t.data.length };
      chunks.push(t.data);
      offset += t.data.length * 4;
    }
    return { op: layer.op, params: layer.params, tensors };
  });
  const weights = new Uint8Array(offset);
  const view = new DataView(weights.buffer);
  let at = 0;
  for (const c of chunks) {
    for (let i = 0; i < c.length; i++, at += 4) view.setFloat32(at, c[i]!, true);
  }
  const json = JSON.stringify(
    {
      format: 'murmur-model-ir',
      version: model.version,
      inputShape: model.inputShape,
      inputNorm: model.inputNorm,
      meta: model.meta,
      layers,
    },
    null,
    1,
  );
  return { json, weights };
}

/** Parses the JSON + binary form; every defect throws MurmurError naming the file, field or byte offset. */
export function parseModel(
  json: string,
  weights: Uint8Array,
  files = { json: 'model.json', weights: 'weights.bin' },
): ModelIR {
  let doc: unknown;
  try {
    doc = JSON.parse(json);
  } catch (e) {
    throw new MurmurError(`not JSON: ${(e as Error).message}`, { file: files.json });
  }
  const fail = (message: string, field?: string): never => {
    throw new MurmurError(message, { file: files.json, field });
  };
  if (typeof doc !== 'object' || doc === null) return fail('expected an object');
  const d = doc as Record<string, unknown>;
  if (d['format'] !== 'murmur-model-ir') fail(`expected format 'murmur-model-ir'`, 'format');
  if (d['version'] !== MODEL_IR_VERSION)
    fail(`unsupported version ${String(d['version'])} (this build reads ${MODEL_IR_VERSION})`, 'version');
  if (!Array.isArray(d['inputShape']) || !d['inputShape'].every((n) => Number.isInteger(n) && n > 0)) {
    fail('expected positive integers', 'inputShape');
  }
  if (!Array.isArray(d['layers'])) fail('expected an array', 'layers');
  const view = new DataView(weights.buffer, weights.byteOffset, weights.byteLength);
  const layers = (d['layers'] as unknown[]).map((raw, i) => {
    const l = raw as { op?: unknown; params?: unknown; tensors?: Record<string, TensorRef> };
    if (!layerOps.includes(l.op as LayerOp)) fail(`unknown op ${JSON.stringify(l.op)}`, `layers[${i}].op`);
    const tensors: Record<string, Tensor> = {};
    for (const [name, ref] of Object.entries(l.tensors ?? {})) {
      const field = `layers[${i}].tensors.${name}`;
      if (!Array.isArray(ref.shape) || !Number.isInteger(ref.offset) || !Number.isInteger(ref.length))
        fail('bad tensor reference', field);
      if (tensorSize(ref.shape) !== ref.length)
        fail(`shape [${ref.shape.join(', ')}] does not hold ${ref.length} values`, field);
      if (ref.offset % 4 !== 0 || ref.offset + ref.length * 4 > weights.byteLength) {
        throw new MurmurError(
          `tensor ${field} runs past the end of the weights (${weights.byteLength} bytes)`,
          {
            file: files.weights,
            offset: ref.offset,
          },
        );
      }
      const data = new Float32Array(ref.length);
      for (let k = 0; k < ref.length; k++) data[k] = view.getFloat32(ref.offset + 4 * k, true);
      tensors[name] = { shape: ref.shape, data };
    }
    return { op: l.op, params: l.params ?? {}, tensors } as Layer;
  });
  const model: ModelIR = { version: MODEL_IR_VERSION, inputShape: d['inputShape'] as number[], layers };
  if (d['meta'] !== undefined) model.meta = d['meta'] as ModelIR['meta'];
  if (d['inputNorm'] !== undefined) {
    const n = d['inputNorm'] as InputNorm;
    const size = tensorSize(model.inputShape);
    const ok = (a: unknown): boolean =>
      Array.isArray(a) && a.length === size && a.every((v) => typeof v === 'number' && Number.isFinite(v));
    if (!ok(n.mean) || !ok(n.invStd))
      fail(`expected mean and invStd arrays of ${size} finite numbers`, 'inputNorm');
    model.inputNorm = n;
  }
  validateModel(model, files.json);
  return model;
}

/** Checks tensor shapes against params and that the layer shapes chain; throws MurmurError naming the field. */
export function validateModel(model: ModelIR, file?: string): void {
  const shapes = (() => {
    try {
      return modelShapes(model);
    } catch (e) {
      if (e instanceof MurmurError)
        throw new MurmurError(e.message.replace(/^.*?: /, ''), { ...e.location, file });
      throw e;
    }
  })();
  model.layers.forEach((layer, i) => {
    if (!isWeightLayer(layer)) return;
    const inShape = shapes[i]!;
    const expect: Record<string, number[]> =
      layer.op === 'dense'
        ? { kernel: [inShape[0]!, layer.params.units], bias: [layer.params.units] }
        : layer.op === 'conv1d'
          ? {
              kernel: [layer.params.kernelSize, inShape[1]!, layer.params.filters],
              bias: [layer.params.filters],
            }
          : { kernel: [layer.params.kernelSize, inShape[1]!], bias: [inShape[1]!] };
    for (const [name, shape] of Object.entries(expect)) {
      const t = (layer.tensors as Record<string, Tensor | undefined>)[name];
      if (!t || t.shape.join(',') !== shape.join(',') || t.data.length !== tensorSize(shape)) {
        throw new MurmurError(
          `expected shape [${shape.join(', ')}], got [${t?.shape.join(', ') ?? 'nothing'}]`,
          {
            file,
            field: `layers[${i}].tensors.${name}`,
          },
        );
      }
    }
  });
}
