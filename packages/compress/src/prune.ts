import { MurmurError } from '@murmur/core';
import {
  cloneModel,
  modelShapes,
  type Layer,
  type ModelIR,
  type Tensor,
  type TfParams,
  type Tf,
} from '@murmur/nn';
import { fineTune, type FineTuneData } from './finetune';

/** Layers whose kernels magnitude pruning touches: dense and conv1d (depthwise kernels are too small to matter). */
const prunable = (l: Layer): boolean => l.op === 'dense' || l.op === 'conv1d';

/** Mask (1 = keep) removing the `sparsity` fraction of smallest-magnitude values; ties broken by index. */
export function magnitudeMask(values: Float32Array, sparsity: number): Uint8Array {
  const n = values.length;
  const drop = Math.min(n - 1, Math.floor(sparsity * n));
  const order = Array.from({ length: n }, (_, i) => i).sort(
    (a, b) => Math.abs(values[a]!) - Math.abs(values[b]!) || a - b,
  );
  const mask = new Uint8Array(n).fill(1);
  for (let i = 0; i < drop; i++) mask[order[i]!] = 0;
  return mask;
}

/** Polynomial (cubic) sparsity schedule: s_t = s_final · (1 - (1 - t/T)^3), t = 1..T. */
export function polynomialSparsity(step: number, steps: number, finalSparsity: number): number {
  return finalSparsity * (1 - (1 - Math.min(step, steps) / steps) ** 3);
}

/** Fraction of exact zeros among the kernels of prunable layers. */
export function kernelSparsity(model: ModelIR): number {
  let zeros = 0;
  let total = 0;
  for (const l of model.layers) {
    if (!prunable(l)) continue;
    const k = (l.tensors as { kernel: Tensor }).kernel.data;
    total += k.length;
    for (const v of k) if (v === 0) zeros++;
  }
  return total ? zeros / total : 0;
}

/** A per-step projection that multiplies kernels by fixed 0/1 masks (keeps pruned weights at exactly 0). */
export function maskProjection(masks: Map<number, Uint8Array>): (params: TfParams, tf: Tf) => void {
  return (params, tf) => {
    tf.tidy(() => {
      for (const [i, mask] of masks) {
        const k = params.kernels[i]!;
        k.assign(tf.mul(k, tf.tensor(Float32Array.from(mask), k.shape)));
      }
    });
  };
}

export interface UnstructuredPruneOptions {
  /** Final fraction of zero weights per prunable layer, e.g. 0.75. */
  sparsity: number;
  /**
   * Pruning steps of the polynomial schedule, one fine-tune epoch each (default: half the fine-tune
   * epochs, at least 4).
   */
  steps?: number;
  /** Fine-tune epochs at the final sparsity after the last step (default: the fine-tune epochs, 5). */
  finalEpochs?: number;
}

/** Pruning steps of gradual magnitude pruning with `epochs` fine-tune epochs: half of them, at least 4. */
export const pruneSteps = (epochs: number): number => Math.max(4, Math.round(epochs / 2));

/**
 * Gradual magnitude pruning (Zhu & Gupta 2017): the sparsity rises along the polynomial (cubic) schedule
 * s_t = s_final · (1 - (1 - t/T)^3) over T steps of one fine-tune epoch each — every prunable kernel masked
 * to its s_t smallest magnitudes, the mask re-applied after every optimizer step — then the model is
 * fine-tuned at the final sparsity with the mask fixed.
 */
export async function pruneUnstructured(
  model: ModelIR,
  data: FineTuneData,
  opts: UnstructuredPruneOptions,
): Promise<ModelIR> {
  if (!(opts.sparsity >= 0 && opts.sparsity < 1))
    throw new MurmurError(`sparsity must be in [0, 1): ${opts.sparsity}`, { field: 'sparsity' });
  let current = cloneModel(model);
  const steps = opts.steps ?? pruneSteps(data.epochs ?? 5);
  let masks = new Map<number, Uint8Array>();
  const applyMasks = (m: ModelIR, s: number): void => {
    masks = new Map();
    m.layers.forEach((l, i) => {
      if (!prunable(l)) return;
      const k = (l.tensors as { kernel: Tensor }).kernel;
      const mask = magnitudeMask(k.data, s);
      for (let j = 0; j < k.data.length; j++) if (!mask[j]) k.data[j] = 0;
      masks.set(i, mask);
    });
  };
  for (let t = 1; t <= steps; t++) {
    applyMasks(current, polynomialSparsity(t, steps, opts.sparsity));
    current = await fineTune(current, data, {
      epochs: 1,
      afterStep: maskProjection(masks),
      label: `prune ${t}/${steps}`,
    });
  }
  const finalEpochs = opts.finalEpochs ?? data.epochs ?? 5;
  if (finalEpochs > 0)
    current = await fineTune(current, data, {
      epochs: finalEpochs,
      afterStep: maskProjection(masks),
      label: 'prune fine-tune',
    });
  return current;
}

// ---------------------------------------------------------------------------------------------------------
// Structured pruning

/** Ops between two weight layers that keep channels in place. */
const channelPreserving = new Set(['relu', 'maxpool1d', 'avgpool1d', 'global_avgpool1d', 'flatten']);

/** The weight layer consuming layer `i`'s channels, if every op between keeps channels; with a flatten flag. */
function consumerOf(model: ModelIR, i: number): { j: number; flatten: boolean } | undefined {
  let flatten = false;
  for (let j = i + 1; j < model.layers.length; j++) {
    const op = model.layers[j]!.op;
    if (op === 'dense' || op === 'conv1d') return { j, flatten };
    if (!channelPreserving.has(op)) return undefined;
    if (op === 'flatten') flatten = true;
  }
  return undefined;
}

function keepLast(t: Tensor, keep: number[]): Tensor {
  const last = t.shape[t.shape.length - 1]!;
  const outer = t.data.length / last;
  const data = new Float32Array(outer * keep.length);
  for (let o = 0; o < outer; o++) keep.forEach((c, k) => (data[o * keep.length + k] = t.data[o * last + c]!));
  return { shape: [...t.shape.slice(0, -1), keep.length], data };
}

/**
 * Structured pruning: removes the `fraction` of output neurons/filters with the smallest L1 norm from every
 * dense or conv1d layer whose output feeds another dense/conv1d layer through channel-preserving ops, and
 * removes the matching inputs of that consumer. Shapes really shrink; kept neurons compute exactly what they
 * did before (until fine-tuning). Fine-tune afterwards with `fineTune`.
 */
export function pruneStructured(model: ModelIR, fraction: number): ModelIR {
  if (!(fraction >= 0 && fraction < 1))
    throw new MurmurError(`fraction must be in [0, 1): ${fraction}`, { field: 'fraction' });
  const out = cloneModel(model);
  for (let i = 0; i < out.layers.length; i++) {
    const layer = out.layers[i]!;
    if (layer.op !== 'dense' && layer.op !== 'conv1d') continue;
    const consumer = consumerOf(out, i);
    if (!consumer) continue;
    const kernel = layer.tensors.kernel;
    const channels = kernel.shape[kernel.shape.length - 1]!;
    const norms = new Float64Array(channels);
    for (let j = 0; j < kernel.data.length; j++) norms[j % channels]! += Math.abs(kernel.data[j]!);
    const drop = Math.min(channels - 1, Math.floor(fraction * channels));
    if (drop === 0) continue;
    const order = Array.from({ length: channels }, (_, c) => c).sort(
      (a, b) => norms[a]! - norms[b]! || a - b,
    );
    const keep = order.slice(drop).sort((a, b) => a - b);
    const shapes = modelShapes(out);
    layer.tensors = { kernel: keepLast(kernel, keep), bias: keepLast(layer.tensors.bias, keep) };
    if (layer.op === 'dense') layer.params = { ...layer.params, units: keep.length };
    else layer.params = { ...layer.params, filters: keep.length };
    const next = out.layers[consumer.j]! as Extract<Layer, { op: 'dense' | 'conv1d' }>;
    const nk = next.tensors.kernel;
    if (next.op === 'conv1d') {
      const [k, inCh, f] = nk.shape as [number, number, number];
      const data = new Float32Array(k * keep.length * f);
      for (let t = 0; t < k; t++)
        keep.forEach((c, ci) =>
          data.set(nk.data.subarray((t * inCh + c) * f, (t * inCh + c + 1) * f), (t * keep.length + ci) * f),
        );
      next.tensors.kernel = { shape: [k, keep.length, f], data };
    } else {
      // Rows of the consumer's [in, units] kernel: channel c, or t·channels + c after a flatten.
      const units = nk.shape[1]!;
      const steps = consumer.flatten ? shapes[consumer.j]![0]! / channels : 1;
      const rows: number[] = [];
      for (let t = 0; t < steps; t++) for (const c of keep) rows.push(t * channels + c);
      const data = new Float32Array(rows.length * units);
      rows.forEach((r, k) => data.set(nk.data.subarray(r * units, (r + 1) * units), k * units));
      next.tensors.kernel = { shape: [rows.length, units], data };
    }
  }
  modelShapes(out);
  return out;
}
