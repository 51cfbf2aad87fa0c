import type { InputNorm, ModelIR } from '@murmur/nn';
import { MurmurError } from '@murmur/core';

/**
 * The compressed IR: the Model IR after quantization (TFLite int8 spec) with every weight tensor in one of
 * five storage formats. The byte arrays held here are exactly the bytes the generated C arrays hold.
 *
 * ## Weight matrix layout (all formats)
 * Every weight tensor is a matrix of `rows` output channels by `cols` fan-in values, row-major:
 * - dense: row `o`, column `i` (input index) — the transpose of the float kernel `[in, units]`
 * - conv1d: row `f` (filter), column `k * inChannels + c` (tap `k`, input channel `c`)
 * - depthwise_conv1d: row `c` (channel), column `k` (tap)
 * The flat index of element (r, c) is `i = r * cols + c`.
 *
 * ## Bit streams (int4-packed, clustered indices, binary)
 * A bit stream of `b`-bit fields stores field `i` in stream bits `[i*b, i*b + b)`, least significant bit
 * first; stream bit `j` is bit `j & 7` of byte `j >> 3`. Unused bits of the last byte are 0. There is no
 * padding between rows.
 *
 * ## Formats (value of element `i` as an int8 weight `w`; its real value is `scales[r] * w`)
 * - `int8`: `data[i]` (int8_t[rows*cols]).
 * - `int4-packed`: 4-bit two's complement field `i` of the bit stream (so byte `i>>1`, low nibble for even
 *   `i`), range [-7, 7] (-8 is never produced). uint8_t[ceil(rows*cols/2)].
 * - `sparse`: compressed rows. `rowStart` uint16_t[rows+1] (rowStart[0] = 0, rowStart[rows] = nnz), for row
 *   `r` the non-zeros are `values[p]` (int8_t[nnz]) at column `colIndex[p]` for p in [rowStart[r], rowStart[r+1]),
 *   columns ascending; `colIndex` is uint8_t[nnz] when cols <= 256, else uint16_t[nnz]. Other elements are 0.
 *   uint16_t values are stored little-endian in the byte image.
 * - `clustered`: `codebook` int8_t[k] and `indices`, a bit stream of `indexBits`-bit fields
 *   (indexBits = ceil(log2 k), at least 1); w = codebook[field i]. The scales of a clustered tensor are all
 *   equal (one scale per tensor), so the codebook is shared by all rows.
 * - `binary`: a bit stream of 1-bit fields; bit 1 means w = +1, bit 0 means w = -1 (XNOR-Net: real weight
 *   = ±scales[r]). uint8_t[ceil(rows*cols/8)].
 *
 * ## Requantization arrays (version 2)
 * `bias` is int32_t[rows], or int16_t[rows] when every bias of the layer fits 16 bits (the same values:
 * only the storage is narrower). `multiplier` and `shift` hold one value per row (per-channel), or a single
 * value for the whole layer (per-tensor: every row has the same weight scale, so the same multiplier).
 * Version 1 models (always int32 bias, always per-row multipliers) are version 2 models as they are.
 */
export const COMPRESSED_IR_VERSION = 2;

/** Asymmetric int8 activation quantization: real = scale * (q - zeroPoint), q in [-128, 127]. */
export interface ActivationQuant {
  scale: number;
  zeroPoint: number;
}

export type WeightFormat = 'int8' | 'int4-packed' | 'sparse' | 'clustered' | 'binary';

interface WeightMatrix {
  rows: number;
  cols: number;
  /** Per-row (output channel) symmetric scale: real weight = scales[r] * w. */
  scales: Float32Array;
}
export interface Int8Weights extends WeightMatrix {
  format: 'int8';
  data: Int8Array;
}
export interface Int4Weights extends WeightMatrix {
  format: 'int4-packed';
  data: Uint8Array;
}
export interface SparseWeights extends WeightMatrix {
  format: 'sparse';
  rowStart: Uint16Array;
  colIndex: Uint8Array | Uint16Array;
  values: Int8Array;
}
export interface ClusteredWeights extends WeightMatrix {
  format: 'clustered';
  codebook: Int8Array;
  indexBits: number;
  indices: Uint8Array;
}
export interface BinaryWeights extends WeightMatrix {
  format: 'binary';
  bits: Uint8Array;
}
export type CompressedWeights = Int8Weights | Int4Weights | SparseWeights | ClusteredWeights | BinaryWeights;

/**
 * A dense or convolution layer in integer form (TFLite int8 spec):
 * acc[r] = bias[r] + Σ_c (x[c] - input.zeroPoint) * w[r][c]            (exact int32)
 * y[r] = clamp(MultiplyByQuantizedMultiplier(acc[r], multiplier[r], shift[r]) + output.zeroPoint,
 *              activationMin, activationMax)
 * with bias in units of input.scale * scales[r] and multiplier·2^shift / 2^31 ≈ input.scale * scales[r] / output.scale.
 */
export interface QuantizedWeightLayer {
  op: 'dense' | 'conv1d' | 'depthwise_conv1d';
  params: ModelIR['layers'][number]['params'];
  input: ActivationQuant;
  output: ActivationQuant;
  weights: CompressedWeights;
  /** int32_t[rows], or int16_t[rows] when every value fits 16 bits. */
  bias: Int32Array | Int16Array;
  /** Q31 multiplier, in [2^30, 2^31) or 0: int32_t[rows] (per-channel) or int32_t[1] (per-tensor). */
  multiplier: Int32Array;
  /** Power-of-two exponent, positive = left shift, negative = right shift: int8_t[rows] or int8_t[1]. */
  shift: Int8Array;
  /** Output clamp: [-128, 127], or [max(-128, output.zeroPoint), 127] with a fused relu. */
  activationMin: number;
  activationMax: number;
}

/** Layers without weights; their output quantization equals their input's. */
export interface QuantizedPlainLayer {
  op: 'maxpool1d' | 'avgpool1d' | 'global_avgpool1d' | 'flatten' | 'relu' | 'softmax';
  params: ModelIR['layers'][number]['params'];
  input: ActivationQuant;
  output: ActivationQuant;
}

export type QuantizedLayer = QuantizedWeightLayer | QuantizedPlainLayer;

export interface CompressedModel {
  version: typeof COMPRESSED_IR_VERSION;
  format: 'murmur-compressed-ir';
  inputShape: number[];
  /** Float32 standardization of the raw input before quantization (copied from the float model). */
  inputNorm?: InputNorm;
  /** Quantization of the (normalized) model input: the float input is quantized once at the boundary. */
  input: ActivationQuant;
  layers: QuantizedLayer[];
  /** Name of the recipe that produced this model, e.g. `prune50+cluster16+int8`. */
  recipe: string;
  meta?: ModelIR['meta'];
}

export function isQuantizedWeightLayer(layer: QuantizedLayer): layer is QuantizedWeightLayer {
  return layer.op === 'dense' || layer.op === 'conv1d' || layer.op === 'depthwise_conv1d';
}

/** Whether one multiplier and shift serve every row of the layer (per-tensor requantization). */
export function isPerTensor(layer: QuantizedWeightLayer): boolean {
  return layer.multiplier.length === 1 && layer.weights.rows !== 1;
}

/** The multiplier and shift of row `r` (per-channel or per-tensor). */
export function rowRequant(layer: QuantizedWeightLayer, r: number): { multiplier: number; shift: number } {
  const i = layer.multiplier.length === 1 ? 0 : r;
  return { multiplier: layer.multiplier[i]!, shift: layer.shift[i]! };
}

// ---------------------------------------------------------------------------------------------------------
// Bit streams

/** Packs fields of `bits` bits (two's complement for negative values) into the LSB-first bit stream. */
export function packBits(values: ArrayLike<number>, bits: number): Uint8Array {
  const out = new Uint8Array(Math.ceil((values.length * bits) / 8));
  const mask = (1 << bits) - 1;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]! & mask;
    for (let b = 0; b < bits; b++) {
      if ((v >> b) & 1) {
        const j = i * bits + b;
        out[j >> 3]! |= 1 << (j & 7);
      }
    }
  }
  return out;
}

/** Field `i` of an LSB-first bit stream of `bits`-bit fields, as an unsigned value. */
export function readBits(stream: Uint8Array, i: number, bits: number): number {
  let v = 0;
  for (let b = 0; b < bits; b++) {
    const j = i * bits + b;
    v |= ((stream[j >> 3]! >> (j & 7)) & 1) << b;
  }
  return v;
}

/** Field `i` as a `bits`-bit two's complement value. */
export function readSignedBits(stream: Uint8Array, i: number, bits: number): number {
  const v = readBits(stream, i, bits);
  return v >= 1 << (bits - 1) ? v - (1 << bits) : v;
}

/** The int8 value of every element of a weight matrix, row-major, whatever its storage format. */
export function weightValues(w: CompressedWeights): Int8Array {
  const n = w.rows * w.cols;
  switch (w.format) {
    case 'int8':
      return w.data.slice();
    case 'int4-packed':
      return Int8Array.from({ length: n }, (_, i) => readSignedBits(w.data, i, 4));
    case 'clustered':
      return Int8Array.from({ length: n }, (_, i) => w.codebook[readBits(w.indices, i, w.indexBits)]!);
    case 'binary':
      return Int8Array.from({ length: n }, (_, i) => (readBits(w.bits, i, 1) ? 1 : -1));
    case 'sparse': {
      const out = new Int8Array(n);
      for (let r = 0; r < w.rows; r++)
        for (let p = w.rowStart[r]!; p < w.rowStart[r + 1]!; p++)
          out[r * w.cols + w.colIndex[p]!] = w.values[p]!;
      return out;
    }
  }
}

// ---------------------------------------------------------------------------------------------------------
// Byte images

/** One C array of a compressed layer: its element type and its exact bytes (little-endian). */
export interface CArray {
  name: string;
  ctype: 'int8_t' | 'uint8_t' | 'int16_t' | 'uint16_t' | 'int32_t';
  bytes: Uint8Array;
}

const bytesOf = (a: Int8Array | Uint8Array | Int16Array | Uint16Array | Int32Array): Uint8Array => {
  const out = new Uint8Array(a.length * a.BYTES_PER_ELEMENT);
  const view = new DataView(out.buffer);
  for (let i = 0; i < a.length; i++) {
    if (a instanceof Int32Array) view.setInt32(4 * i, a[i]!, true);
    else if (a instanceof Uint16Array) view.setUint16(2 * i, a[i]!, true);
    else if (a instanceof Int16Array) view.setInt16(2 * i, a[i]!, true);
    else out[i] = a[i]! & 0xff;
  }
  return out;
};

/** The arrays holding a weight tensor, in the order the C struct lists them. */
export function weightArrays(w: CompressedWeights): CArray[] {
  switch (w.format) {
    case 'int8':
      return [{ name: 'weights', ctype: 'int8_t', bytes: bytesOf(w.data) }];
    case 'int4-packed':
      return [{ name: 'weights', ctype: 'uint8_t', bytes: bytesOf(w.data) }];
    case 'sparse':
      return [
        { name: 'row_start', ctype: 'uint16_t', bytes: bytesOf(w.rowStart) },
        {
          name: 'col_index',
          ctype: w.colIndex instanceof Uint16Array ? 'uint16_t' : 'uint8_t',
          bytes: bytesOf(w.colIndex),
        },
        { name: 'values', ctype: 'int8_t', bytes: bytesOf(w.values) },
      ];
    case 'clustered':
      return [
        { name: 'codebook', ctype: 'int8_t', bytes: bytesOf(w.codebook) },
        { name: 'indices', ctype: 'uint8_t', bytes: bytesOf(w.indices) },
      ];
    case 'binary':
      return [{ name: 'bits', ctype: 'uint8_t', bytes: bytesOf(w.bits) }];
  }
}

/** Every constant array of a layer (weights, then int32 or int16 bias, int32 multiplier, int8 shift). */
export function layerArrays(layer: QuantizedLayer): CArray[] {
  if (!isQuantizedWeightLayer(layer)) return [];
  return [
    ...weightArrays(layer.weights),
    {
      name: 'bias',
      ctype: layer.bias instanceof Int16Array ? 'int16_t' : 'int32_t',
      bytes: bytesOf(layer.bias),
    },
    { name: 'multiplier', ctype: 'int32_t', bytes: bytesOf(layer.multiplier) },
    { name: 'shift', ctype: 'int8_t', bytes: bytesOf(layer.shift) },
  ];
}

/** Exact bytes of a weight tensor's arrays. */
export function weightTensorBytes(w: CompressedWeights): number {
  return weightArrays(w).reduce((n, a) => n + a.bytes.length, 0);
}

/** Exact bytes of all constant arrays of the model (what the model adds to flash, excluding code). */
export function modelWeightBytes(model: CompressedModel): number {
  return model.layers.reduce((n, l) => n + layerArrays(l).reduce((m, a) => m + a.bytes.length, 0), 0);
}

/** int8 elements of one activation tensor. */
const elements = (shape: readonly number[]): number => shape.reduce((a, b) => a * b, 1);

/**
 * Peak activation RAM in bytes with two ping-pong int8 buffers: the largest (input + output) of any layer
 * that does not run in place (flatten, relu and softmax run in place), plus the model input.
 */
export function peakActivationBytes(model: CompressedModel, shapes: number[][]): number {
  let peak = elements(model.inputShape);
  model.layers.forEach((layer, i) => {
    const inPlace = layer.op === 'flatten' || layer.op === 'relu' || layer.op === 'softmax';
    const need = inPlace ? elements(shapes[i]!) : elements(shapes[i]!) + elements(shapes[i + 1]!);
    peak = Math.max(peak, need);
  });
  return peak;
}

// ---------------------------------------------------------------------------------------------------------
// JSON form

type TypedArrayName =
  'Int8Array' | 'Uint8Array' | 'Int16Array' | 'Uint16Array' | 'Int32Array' | 'Float32Array';
const typedArrays = { Int8Array, Uint8Array, Int16Array, Uint16Array, Int32Array, Float32Array };

/** JSON form of a compressed model: typed arrays become `{ "$typed": "Int8Array", "values": [...] }`. */
export function compressedToJson(model: CompressedModel): string {
  return JSON.stringify(model, (_key, value: unknown) => {
    for (const [name, ctor] of Object.entries(typedArrays)) {
      if (value instanceof ctor) return { $typed: name, values: Array.from(value as ArrayLike<number>) };
    }
    return value;
  });
}

/** Reads the JSON form back; throws MurmurError naming the file when it is not a compressed model. */
export function compressedFromJson(json: string, file = 'model.compressed.json'): CompressedModel {
  let doc: CompressedModel;
  try {
    doc = JSON.parse(json, (_key, value: unknown) => {
      if (value && typeof value === 'object' && '$typed' in value) {
        const v = value as { $typed: TypedArrayName; values: number[] };
        const ctor = typedArrays[v.$typed];
        if (!ctor) throw new Error(`unknown typed array ${String(v.$typed)}`);
        return ctor.from(v.values);
      }
      return value;
    }) as CompressedModel;
  } catch (e) {
    throw new MurmurError(`not a compressed model: ${(e as Error).message}`, { file });
  }
  if (doc.format !== 'murmur-compressed-ir')
    throw new MurmurError(`expected format 'murmur-compressed-ir'`, { file, field: 'format' });
  // Version 1 (int32 bias and per-row multipliers everywhere) is a subset of version 2.
  if ((doc.version as number) === 1) doc.version = COMPRESSED_IR_VERSION;
  if (doc.version !== COMPRESSED_IR_VERSION) {
    throw new MurmurError(
      `unsupported version ${String(doc.version)} (this build reads 1 and ${COMPRESSED_IR_VERSION})`,
      { file, field: 'version' },
    );
  }
  for (const [i, layer] of doc.layers.entries()) {
    if (!isQuantizedWeightLayer(layer)) continue;
    const rows = layer.weights.rows;
    const n = layer.multiplier.length;
    if (layer.bias.length !== rows || (n !== rows && n !== 1) || layer.shift.length !== n)
      throw new MurmurError(
        `bias, multiplier and shift must have ${rows} values (multiplier and shift: or 1), got ${layer.bias.length}, ${n} and ${layer.shift.length}`,
        { file, field: `layers[${i}]` },
      );
  }
  return doc;
}
