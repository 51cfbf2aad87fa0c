/**
 * Quantization of a float tree model into the integer model the device runs.
 *
 * Features: per feature an affine map to 2^bits levels fitted on the training rows (min to max, or the
 * `clip` quantiles), computed in float32 as the C computes it:
 *   t = fround(fround(x - offset) * scale);  level = t > 0 ? min(floor(t), 2^bits - 1) : 0
 * and stored as level - 2^(bits-1) (int8 or int16).
 *
 * Thresholds: a float split `x <= θ` with training values `low <= θ < high` on either side becomes
 * `q <= T` with T in the integer gap [level(low), level(high) - 1] (as near level(θ) as that allows). Then
 * every training row goes the same way as in the float tree unless low and high share a level, and any row
 * at all goes the same way unless its level lies in [level(low), level(high)]: the quantized model can
 * differ from the float one only for values inside a split's gap, widened by one level on each side.
 *
 * Boosting leaves: fixed point with one binary point for the whole model (int16 leaves, int32 sums), the
 * largest that keeps every leaf in int16 and every class's worst-case sum in int32.
 */
import { MurmurError } from '@murmur/core';
import type { FeatureBits, FeatureQuantizer, FloatTreeModel, QuantizedTreeModel } from './types';

export interface QuantizeOptions {
  /** Bits per feature and threshold (default 16). */
  bits?: FeatureBits;
  /**
   * Fraction of training values left outside the range at each end (clamped to the end levels); default 0
   * (min to max). A small clip spends 8-bit levels on where the data is.
   */
  clip?: number;
}

const levelsOf = (bits: FeatureBits): number => (bits === 16 ? 65535 : 255);

/** Fits the per-feature quantizer on training rows. */
export function fitQuantizer(x: readonly Float32Array[], options: QuantizeOptions = {}): FeatureQuantizer {
  const bits = options.bits ?? 16;
  const clip = options.clip ?? 0;
  if (bits !== 8 && bits !== 16) throw new MurmurError(`feature bits must be 8 or 16, got ${bits}`);
  if (!(clip >= 0 && clip < 0.5)) throw new MurmurError(`clip must be in [0, 0.5), got ${clip}`);
  const features = x[0]?.length ?? 0;
  const offset = new Float32Array(features);
  const scale = new Float32Array(features);
  const column = new Float32Array(x.length);
  for (let f = 0; f < features; f++) {
    x.forEach((row, i) => (column[i] = row[f]!));
    const sorted = Float32Array.from(column).sort();
    const lo = sorted[Math.floor(clip * (sorted.length - 1))]!;
    const hi = sorted[Math.ceil((1 - clip) * (sorted.length - 1))]!;
    offset[f] = lo;
    scale[f] = hi > lo ? Math.fround(levelsOf(bits) / (hi - lo)) : 0;
  }
  return { bits, offset, scale };
}

/** The level (0 .. 2^bits - 1) of a float32 value on feature f, exactly as the C computes it. */
export function featureLevel(quantizer: FeatureQuantizer, f: number, x: number): number {
  const t = Math.fround(Math.fround(x - quantizer.offset[f]!) * quantizer.scale[f]!);
  const max = levelsOf(quantizer.bits);
  if (!(t > 0)) return 0;
  if (t >= max) return max;
  return Math.floor(t);
}

/** The stored integer of a level: level - 2^(bits-1). */
const stored = (bits: FeatureBits, level: number): number => level - (bits === 16 ? 32768 : 128);

/** A feature vector quantized as the device does (int16 or int8 values in an Int16Array). */
export function quantizeFeatures(quantizer: FeatureQuantizer, x: ArrayLike<number>): Int16Array {
  const q = new Int16Array(quantizer.offset.length);
  for (let f = 0; f < q.length; f++) q[f] = stored(quantizer.bits, featureLevel(quantizer, f, x[f]!));
  return q;
}

/** The integer threshold of a float split: in the gap [level(low), level(high) - 1], nearest level(θ). */
export function quantizeThreshold(
  quantizer: FeatureQuantizer,
  f: number,
  threshold: number,
  low: number,
  high: number,
): number {
  const lt = featureLevel(quantizer, f, threshold);
  const ll = featureLevel(quantizer, f, low);
  const lh = featureLevel(quantizer, f, high);
  const level = lh > ll ? Math.min(Math.max(lt, ll), lh - 1) : ll;
  return stored(quantizer.bits, level);
}

/** Binary point of the boosting scores: largest s with every leaf in int16 and every class sum in int32. */
export function scoreShiftFor(model: FloatTreeModel): number {
  let maxLeaf = 0;
  const perClass = new Float64Array(model.classes);
  model.trees.forEach((tree, t) => {
    let m = 0;
    tree.feature.forEach((f, n) => {
      if (f < 0) m = Math.max(m, Math.abs(tree.value[n]!));
    });
    maxLeaf = Math.max(maxLeaf, m);
    perClass[t % model.classes]! += m;
  });
  const maxBase = Math.max(0, ...(model.base ?? []).map(Math.abs));
  const maxSum = Math.max(...perClass) + maxBase;
  let shift = 0;
  while (
    shift < 24 &&
    Math.round(maxLeaf * 2 ** (shift + 1)) <= 32767 &&
    (maxSum + 1) * 2 ** (shift + 1) < 2 ** 30
  )
    shift++;
  return shift;
}

/** The integer model of a float model, with features quantized by `quantizer` (fitQuantizer on its rows). */
export function quantizeTreeModel(model: FloatTreeModel, quantizer: FeatureQuantizer): QuantizedTreeModel {
  if (quantizer.offset.length !== model.features)
    throw new MurmurError(`quantizer has ${quantizer.offset.length} features, the model ${model.features}`);
  const boosted = model.kind === 'boosted';
  const shift = boosted ? scoreShiftFor(model) : 0;
  const feature: number[] = [];
  const threshold: number[] = [];
  const left: number[] = [];
  const right: number[] = [];
  const leafScores: number[] = [];
  const roots: { root: number }[] = [];
  for (const tree of model.trees) {
    // Float node -> global node index (internal) or leaf code (~class or ~leaf-score index).
    const code = new Array<number>(tree.feature.length);
    let next = feature.length;
    tree.feature.forEach((f, n) => {
      if (f >= 0) code[n] = next++;
      else if (boosted) {
        code[n] = ~leafScores.length;
        leafScores.push(Math.round(tree.value[n]! * 2 ** shift));
      } else code[n] = ~tree.value[n]!;
    });
    tree.feature.forEach((f, n) => {
      if (f < 0) return;
      feature.push(f);
      threshold.push(quantizeThreshold(quantizer, f, tree.threshold[n]!, tree.low[n]!, tree.high[n]!));
      left.push(code[tree.left[n]!]!);
      right.push(code[tree.right[n]!]!);
    });
    roots.push({ root: code[0]! });
  }
  if (feature.length > 32767)
    throw new MurmurError(`${feature.length} nodes: a tree model holds at most 32767 (int16 node indices)`);
  if (leafScores.length > 32768)
    throw new MurmurError(`${leafScores.length} leaves: a boosted model holds at most 32768`);
  return {
    kind: model.kind,
    classes: model.classes,
    features: model.features,
    quantizer,
    trees: roots,
    nodes: {
      feature: Uint8Array.from(feature),
      threshold: Int16Array.from(threshold),
      left: Int16Array.from(left),
      right: Int16Array.from(right),
    },
    ...(boosted
      ? {
          leafScores: Int16Array.from(leafScores),
          base: Int32Array.from(model.base!, (b) => Math.round(b * 2 ** shift)),
          scoreShift: shift,
        }
      : {}),
    params: { ...model.params, bits: quantizer.bits },
  };
}
