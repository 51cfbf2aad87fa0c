import { MurmurError } from '@murmur/core';
import { isWeightLayer, modelShapes, traceFloat, type ModelIR, type WeightLayer } from '@murmur/nn';
import {
  COMPRESSED_IR_VERSION,
  INT32_MAX,
  INT32_MIN,
  packBits,
  quantizeMultiplier,
  roundHalfAway,
  weightTensorBytes,
  type ActivationQuant,
  type CompressedModel,
  type CompressedWeights,
  type QuantizedLayer,
  type QuantizedWeightLayer,
  type SparseWeights,
} from '@murmur/kernels';

/**
 * Post-training quantization to the TFLite int8 spec: symmetric weights (per tensor, or per output channel
 * where that gains something), asymmetric activations calibrated on a representative set, int32 bias
 * (stored as int16 where it fits), Q31 multiplier + shift per output channel or per tensor.
 */

export interface CalibrationOptions {
  /** 'minmax' takes the observed range; 'percentile' clips to the given two-sided percentile. */
  method?: 'minmax' | 'percentile';
  /** Percentile for method 'percentile', e.g. 99.99 keeps [0.01 %, 99.99 %] of the values. */
  percentile?: number;
}

/**
 * The int8 quantization covering [min, max] (widened to include 0 so that 0 is exact). The scale is a
 * float32 value, as a .tflite stores it, so that an exported model requantizes exactly as it does here.
 */
export function activationQuantFromRange(min: number, max: number): ActivationQuant {
  const lo = Math.min(min, 0);
  const hi = Math.max(max, 0);
  if (hi - lo < 1e-12) return { scale: Math.fround(1 / 255), zeroPoint: -128 };
  const scale = Math.fround((hi - lo) / 255);
  const zeroPoint = Math.max(-128, Math.min(127, roundHalfAway(-128 - lo / scale)));
  return { scale, zeroPoint };
}

function range(values: Float32Array[], opts: CalibrationOptions): [number, number] {
  if (opts.method !== 'percentile') {
    let lo = Infinity;
    let hi = -Infinity;
    for (const v of values) {
      for (const x of v) {
        lo = Math.min(lo, x);
        hi = Math.max(hi, x);
      }
    }
    return [lo, hi];
  }
  const all = new Float32Array(values.reduce((n, v) => n + v.length, 0));
  let at = 0;
  for (const v of values) all.set(v, (at += v.length) - v.length);
  all.sort();
  const p = opts.percentile ?? 99.99;
  const pick = (q: number): number =>
    all[Math.min(all.length - 1, Math.max(0, Math.round((q / 100) * (all.length - 1))))]!;
  return [pick(100 - p), pick(p)];
}

/** Weight-free layers keep their input's quantization. */
const passesQuant = (op: string): boolean => !['dense', 'conv1d', 'depthwise_conv1d'].includes(op);

/**
 * Activation quantization of the model input and of every layer output (length = layers + 1), from the
 * float interpreter's activations on `samples`.
 */
export function calibrate(
  model: ModelIR,
  samples: Float32Array[],
  opts: CalibrationOptions = {},
): ActivationQuant[] {
  if (samples.length === 0)
    throw new MurmurError('calibration needs at least one sample', { field: 'samples' });
  const traces = samples.map((s) => traceFloat(model, s));
  const quants: ActivationQuant[] = [];
  for (let i = 0; i <= model.layers.length; i++) {
    const layer = model.layers[i - 1];
    if (layer && passesQuant(layer.op)) {
      quants.push(quants[i - 1]!);
      continue;
    }
    const [lo, hi] = range(
      traces.map((t) => t[i]!),
      opts,
    );
    quants.push(activationQuantFromRange(lo, hi));
  }
  return quants;
}

/** The float kernel as rows × cols in the compressed layout (see ir.ts), plus the float bias. */
export function weightMatrix(layer: WeightLayer): {
  rows: number;
  cols: number;
  w: Float64Array;
  bias: Float32Array;
} {
  const k = layer.tensors.kernel;
  if (layer.op === 'dense') {
    const [inputs, units] = k.shape as [number, number];
    const w = new Float64Array(inputs * units);
    for (let o = 0; o < units; o++)
      for (let i = 0; i < inputs; i++) w[o * inputs + i] = k.data[i * units + o]!;
    return { rows: units, cols: inputs, w, bias: layer.tensors.bias.data };
  }
  if (layer.op === 'conv1d') {
    const [ks, inCh, filters] = k.shape as [number, number, number];
    const cols = ks * inCh;
    const w = new Float64Array(filters * cols);
    for (let f = 0; f < filters; f++)
      for (let j = 0; j < cols; j++) w[f * cols + j] = k.data[j * filters + f]!;
    return { rows: filters, cols, w, bias: layer.tensors.bias.data };
  }
  const [ks, ch] = k.shape as [number, number];
  const w = new Float64Array(ch * ks);
  for (let c = 0; c < ch; c++) for (let t = 0; t < ks; t++) w[c * ks + t] = k.data[t * ch + c]!;
  return { rows: ch, cols: ks, w, bias: layer.tensors.bias.data };
}

/** How a layer's weights are stored. `int8` becomes `sparse` automatically when that is smaller. */
export type WeightEncoding = 'int8' | 'int4' | 'clustered' | 'binary';

const rowMaxAbs = (w: Float64Array, r: number, cols: number): number => {
  let m = 0;
  for (let c = 0; c < cols; c++) m = Math.max(m, Math.abs(w[r * cols + c]!));
  return m;
};

/** Symmetric per-row quantization to [-qmax, qmax]: scale = max|w| / qmax, q = roundHalfAway(w / scale). */
export function quantizeRows(
  w: Float64Array,
  rows: number,
  cols: number,
  qmax: number,
): { q: Int8Array; scales: Float32Array } {
  const q = new Int8Array(rows * cols);
  const scales = new Float32Array(rows);
  for (let r = 0; r < rows; r++) {
    const m = rowMaxAbs(w, r, cols);
    const s = m > 0 ? Math.fround(m / qmax) : 1;
    scales[r] = s;
    for (let c = 0; c < cols; c++)
      q[r * cols + c] = Math.max(-qmax, Math.min(qmax, roundHalfAway(w[r * cols + c]! / s)));
  }
  return { q, scales };
}

/** Symmetric per-tensor quantization: one scale = max|w| / qmax for every row (stored once per row). */
export function quantizeTensor(
  w: Float64Array,
  rows: number,
  cols: number,
  qmax: number,
): { q: Int8Array; scales: Float32Array } {
  let m = 0;
  for (const v of w) m = Math.max(m, Math.abs(v));
  const s = m > 0 ? Math.fround(m / qmax) : 1;
  const q = Int8Array.from(w, (v) => Math.max(-qmax, Math.min(qmax, roundHalfAway(v / s))));
  return { q, scales: new Float32Array(rows).fill(s) };
}

/**
 * Signal-to-quantization-noise ratio (dB) of the worst row of weights `w` against their quantized values
 * `q · scales[r]` (rows of zeros left out): a per-tensor scale set by the largest row can crush a row of
 * small weights, and that neuron's output, while the layer's total error stays small.
 */
export function weightSqnrDb(
  w: Float64Array,
  rows: number,
  cols: number,
  quantized: { q: Int8Array; scales: Float32Array },
): number {
  let worst = Infinity;
  for (let r = 0; r < rows; r++) {
    let signal = 0;
    let noise = 0;
    for (let c = 0; c < cols; c++) {
      const v = w[r * cols + c]!;
      signal += v * v;
      noise += (v - quantized.q[r * cols + c]! * quantized.scales[r]!) ** 2;
    }
    if (signal === 0) continue;
    worst = Math.min(worst, noise === 0 ? Infinity : 10 * Math.log10(signal / noise));
  }
  return worst;
}

/**
 * Per-tensor or per-channel scales for a layer: per-channel costs a multiplier and a shift per output row
 * (5 bytes), so a layer gets it only where it gains something. A layer stays per-tensor when the SQNR of
 * its worst row (weightSqnrDb) is at least `minSqnrDb` per tensor (the weights' quantization noise is then
 * below the int8 activations' own, about 40 dB at best) or per-channel scales raise it by less than
 * `minGainDb`.
 */
export interface PerTensorRule {
  minSqnrDb: number;
  minGainDb: number;
}

export const defaultPerTensorRule: PerTensorRule = { minSqnrDb: 30, minGainDb: 1 };

export function choosePerTensor(
  w: Float64Array,
  rows: number,
  cols: number,
  qmax: number,
  rule: PerTensorRule = defaultPerTensorRule,
): { perTensor: boolean; sqnrPerTensorDb: number; sqnrPerChannelDb: number } {
  const tensor = weightSqnrDb(w, rows, cols, quantizeTensor(w, rows, cols, qmax));
  const channel = weightSqnrDb(w, rows, cols, quantizeRows(w, rows, cols, qmax));
  const perTensor = rows === 1 || tensor >= rule.minSqnrDb || !(channel - tensor >= rule.minGainDb);
  return { perTensor, sqnrPerTensorDb: tensor, sqnrPerChannelDb: channel };
}

/** Compressed-rows form of int8 weights (see ir.ts). */
export function toSparse(q: Int8Array, rows: number, cols: number, scales: Float32Array): SparseWeights {
  const rowStart = new Uint16Array(rows + 1);
  const cols_: number[] = [];
  const values: number[] = [];
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) {
      if (q[r * cols + c] === 0) continue;
      cols_.push(c);
      values.push(q[r * cols + c]!);
    }
    if (values.length > 0xffff)
      throw new MurmurError(`sparse tensor has more than 65535 non-zeros`, { field: 'weights' });
    rowStart[r + 1] = values.length;
  }
  const colIndex = cols <= 256 ? Uint8Array.from(cols_) : Uint16Array.from(cols_);
  return { format: 'sparse', rows, cols, scales, rowStart, colIndex, values: Int8Array.from(values) };
}

/**
 * Encodes one layer's float weights in the requested format. int8 and int4 weights are quantized per
 * tensor or per channel by `perTensor` ('auto': choosePerTensor's rule).
 */
export function encodeWeights(
  w: Float64Array,
  rows: number,
  cols: number,
  encoding: WeightEncoding,
  allowSparse = true,
  perTensor: boolean | 'auto' | PerTensorRule = 'auto',
): CompressedWeights {
  const scaled = (qmax: number): { q: Int8Array; scales: Float32Array } => {
    const tensor =
      typeof perTensor === 'boolean'
        ? perTensor
        : choosePerTensor(w, rows, cols, qmax, perTensor === 'auto' ? undefined : perTensor).perTensor;
    return tensor ? quantizeTensor(w, rows, cols, qmax) : quantizeRows(w, rows, cols, qmax);
  };
  switch (encoding) {
    case 'int8': {
      const { q, scales } = scaled(127);
      const dense: CompressedWeights = { format: 'int8', rows, cols, scales, data: q };
      if (!allowSparse || rows * cols > 0xffff * 4) return dense;
      const sparse = toSparse(q, rows, cols, scales);
      return weightTensorBytes(sparse) < weightTensorBytes(dense) ? sparse : dense;
    }
    case 'int4': {
      const { q, scales } = scaled(7);
      return { format: 'int4-packed', rows, cols, scales, data: packBits(q, 4) };
    }
    case 'binary': {
      // XNOR-Net: each row is ±alpha with alpha = mean |w| of the row; bit = (w >= 0).
      const scales = new Float32Array(rows);
      const bits = new Array<number>(rows * cols);
      for (let r = 0; r < rows; r++) {
        let sum = 0;
        for (let c = 0; c < cols; c++) sum += Math.abs(w[r * cols + c]!);
        scales[r] = sum > 0 ? Math.fround(sum / cols) : 1;
        for (let c = 0; c < cols; c++) bits[r * cols + c] = w[r * cols + c]! >= 0 ? 1 : 0;
      }
      return { format: 'binary', rows, cols, scales, bits: packBits(bits, 1) };
    }
    case 'clustered': {
      // One scale for the tensor so the int8 codebook is shared by all rows.
      let m = 0;
      for (const v of w) m = Math.max(m, Math.abs(v));
      const s = m > 0 ? Math.fround(m / 127) : 1;
      const q = Array.from(w, (v) => Math.max(-127, Math.min(127, roundHalfAway(v / s))));
      const codebook = [...new Set(q)].sort((a, b) => a - b);
      const indexBits = Math.max(1, Math.ceil(Math.log2(codebook.length)));
      const index = new Map(codebook.map((v, i) => [v, i]));
      return {
        format: 'clustered',
        rows,
        cols,
        scales: new Float32Array(rows).fill(s),
        codebook: Int8Array.from(codebook),
        indexBits,
        indices: packBits(
          q.map((v) => index.get(v)!),
          indexBits,
        ),
      };
    }
  }
}

/** The effective int8 weight magnitude bound of a format, for the accumulator overflow check. */
function maxAbsWeight(w: CompressedWeights): number {
  switch (w.format) {
    case 'int8':
      return w.data.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
    case 'int4-packed':
      return 7;
    case 'sparse':
      return w.values.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
    case 'clustered':
      return w.codebook.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
    case 'binary':
      return 1;
  }
}

export interface QuantizeOptions {
  /** Per weight layer (in layer order) how its weights are stored; default int8 everywhere. */
  encodings?: WeightEncoding[];
  /** Store int8 layers sparse where that is smaller (default true). */
  allowSparse?: boolean;
  /**
   * int8 and int4 scales per tensor or per channel: 'auto' (default) per layer by choosePerTensor's rule,
   * or a rule of its own, or true / false for every layer.
   */
  perTensor?: boolean | 'auto' | PerTensorRule;
  /** Store a layer's bias as int16 when every value fits (default true; false: always int32). */
  narrowBias?: boolean;
  recipe?: string;
}

/** Quantizes a float model with calibrated activations (from `calibrate`) into the compressed IR. */
export function quantizeModel(
  model: ModelIR,
  activations: ActivationQuant[],
  opts: QuantizeOptions = {},
): CompressedModel {
  if (activations.length !== model.layers.length + 1) {
    throw new MurmurError(
      `need ${model.layers.length + 1} activation quantizations, got ${activations.length}`,
      { field: 'activations' },
    );
  }
  modelShapes(model);
  let weightIndex = 0;
  const layers: QuantizedLayer[] = model.layers.map((layer, i) => {
    const input = activations[i]!;
    const output = activations[i + 1]!;
    if (!isWeightLayer(layer))
      return { op: layer.op, params: { ...layer.params }, input, output } as QuantizedLayer;
    const encoding = opts.encodings?.[weightIndex] ?? 'int8';
    weightIndex++;
    const { rows, cols, w, bias } = weightMatrix(layer);
    const weights = encodeWeights(
      w,
      rows,
      cols,
      encoding,
      opts.allowSparse ?? true,
      opts.perTensor ?? 'auto',
    );
    const qBias = new Int32Array(rows);
    // One multiplier and shift for the layer when every row has the same weight scale (the multiplier
    // depends on nothing else), else one per row.
    const shared = weights.scales.every((s) => s === weights.scales[0]);
    const multiplier = new Int32Array(shared ? 1 : rows);
    const shift = new Int8Array(shared ? 1 : rows);
    let maxBias = 0;
    for (let r = 0; r < rows; r++) {
      const accScale = input.scale * weights.scales[r]!;
      const b = roundHalfAway(bias[r]! / accScale);
      if (b < INT32_MIN || b > INT32_MAX) {
        throw new MurmurError(`bias ${bias[r]} does not fit int32 at scale ${accScale}`, {
          field: `layers[${i}].tensors.bias[${r}]`,
        });
      }
      qBias[r] = b;
      maxBias = Math.max(maxBias, Math.abs(b));
      if (shared && r > 0) continue;
      const m = quantizeMultiplier(accScale / output.scale);
      multiplier[r] = m.multiplier;
      shift[r] = m.shift;
    }
    const narrow = (opts.narrowBias ?? true) && maxBias <= 32767;
    if (cols * 255 * maxAbsWeight(weights) + maxBias > INT32_MAX) {
      throw new MurmurError(`int32 accumulator could overflow (${cols} inputs)`, { field: `layers[${i}]` });
    }
    const relu = layer.params.activation === 'relu';
    const q: QuantizedWeightLayer = {
      op: layer.op,
      params: { ...layer.params },
      input,
      output,
      weights,
      bias: narrow ? Int16Array.from(qBias) : qBias,
      multiplier,
      shift,
      activationMin: relu ? Math.max(-128, output.zeroPoint) : -128,
      activationMax: 127,
    };
    return q;
  });
  return {
    version: COMPRESSED_IR_VERSION,
    format: 'murmur-compressed-ir',
    inputShape: [...model.inputShape],
    inputNorm: model.inputNorm,
    input: activations[0]!,
    layers,
    recipe: opts.recipe ?? 'int8',
    meta: model.meta,
  };
}

/** The real-valued weights a compressed tensor stands for (rows × cols), for checks and sensitivity. */
export function dequantizeWeights(w: CompressedWeights): Float64Array {
  const out = new Float64Array(w.rows * w.cols);
  const dense = new Int8Array(w.rows * w.cols);
  switch (w.format) {
    case 'int8':
      dense.set(w.data);
      break;
    case 'int4-packed':
      for (let i = 0; i < dense.length; i++) dense[i] = ((w.data[i >> 1]! >> ((i & 1) * 4)) << 28) >> 28;
      break;
    case 'sparse':
      for (let r = 0; r < w.rows; r++)
        for (let p = w.rowStart[r]!; p < w.rowStart[r + 1]!; p++)
          dense[r * w.cols + w.colIndex[p]!] = w.values[p]!;
      break;
    case 'clustered':
      for (let i = 0; i < dense.length; i++) {
        let v = 0;
        for (let b = 0; b < w.indexBits; b++) {
          const j = i * w.indexBits + b;
          v |= ((w.indices[j >> 3]! >> (j & 7)) & 1) << b;
        }
        dense[i] = w.codebook[v]!;
      }
      break;
    case 'binary':
      for (let i = 0; i < dense.length; i++) dense[i] = (w.bits[i >> 3]! >> (i & 7)) & 1 ? 1 : -1;
      break;
  }
  for (let r = 0; r < w.rows; r++)
    for (let c = 0; c < w.cols; c++) out[r * w.cols + c] = dense[r * w.cols + c]! * w.scales[r]!;
  return out;
}
