import type * as tfTypes from '@tensorflow/tfjs';
import {
  cloneModel,
  isWeightLayer,
  loadTf,
  needsConvGradients,
  type ForwardHooks,
  type ModelIR,
  type Tf,
  type Tensor,
} from '@murmur/nn';
import type { ActivationQuant } from '@murmur/kernels';
import { fineTune, type FineTuneData } from './finetune';
import { calibrate } from './quantize';

/**
 * Straight-through estimators (tf.customGrad): the forward pass sees quantized (or binarized) values, the
 * backward pass lets the gradient through unchanged inside the representable range and stops it outside.
 */

/** Axes to reduce for a per-output-channel statistic: all but the last (kernels keep out channels last). */
const channelAxes = (t: tfTypes.Tensor): number[] => t.shape.slice(0, -1).map((_, i) => i);

/** Per-output-channel symmetric fake quantization of a kernel to [-qmax, qmax]. */
export function fakeQuantKernel(tf: Tf, kernel: tfTypes.Tensor, qmax: number): tfTypes.Tensor {
  const f = tf.customGrad((x, save) => {
    const xt = x as tfTypes.Tensor;
    (save as (t: tfTypes.Tensor[]) => void)([xt]);
    const scale = tf.maximum(tf.div(tf.max(tf.abs(xt), channelAxes(xt), true), qmax), 1e-12);
    const value = tf.mul(tf.clipByValue(tf.round(tf.div(xt, scale)), -qmax, qmax), scale);
    return { value, gradFunc: (dy: tfTypes.Tensor) => [dy] };
  });
  return f(kernel) as tfTypes.Tensor;
}

/** Fake quantization of an activation with fixed int8 parameters; the gradient stops outside the range. */
export function fakeQuantActivation(tf: Tf, x: tfTypes.Tensor, q: ActivationQuant): tfTypes.Tensor {
  const lo = q.scale * (-128 - q.zeroPoint);
  const hi = q.scale * (127 - q.zeroPoint);
  const f = tf.customGrad((input, save) => {
    const xt = input as tfTypes.Tensor;
    (save as (t: tfTypes.Tensor[]) => void)([xt]);
    const qv = tf.clipByValue(tf.add(tf.round(tf.div(xt, q.scale)), q.zeroPoint), -128, 127);
    const value = tf.mul(tf.sub(qv, q.zeroPoint), q.scale);
    return {
      value,
      gradFunc: (dy: tfTypes.Tensor, saved: tfTypes.Tensor[]) => [
        tf.mul(
          dy,
          tf.cast(tf.logicalAnd(tf.greaterEqual(saved[0]!, lo), tf.lessEqual(saved[0]!, hi)), 'float32'),
        ),
      ],
    };
  });
  return f(x) as tfTypes.Tensor;
}

/** XNOR-Net binarization of a kernel: alpha_c · sign(w) with alpha_c = mean |w| of output channel c (sign(0) = +1). */
export function binarizeKernel(tf: Tf, kernel: tfTypes.Tensor): tfTypes.Tensor {
  const f = tf.customGrad((x, save) => {
    const xt = x as tfTypes.Tensor;
    (save as (t: tfTypes.Tensor[]) => void)([xt]);
    const alpha = tf.mean(tf.abs(xt), channelAxes(xt), true);
    const sign = tf.sub(tf.mul(tf.cast(tf.greaterEqual(xt, 0), 'float32'), 2), 1);
    return {
      value: tf.mul(sign, alpha),
      // Straight-through with the usual clip: no gradient where |w| > 1.
      gradFunc: (dy: tfTypes.Tensor, saved: tfTypes.Tensor[]) => [
        tf.mul(dy, tf.cast(tf.lessEqual(tf.abs(saved[0]!), 1), 'float32')),
      ],
    };
  });
  return f(kernel) as tfTypes.Tensor;
}

/**
 * Quantization-aware training: fine-tunes the float model with fake-quantized kernels (per-channel int8, or
 * int4 for layers listed in `int4Layers`) and activations fixed at their calibrated int8 ranges. The result is
 * a float model that loses less when quantized afterwards.
 */
export async function quantizationAwareTraining(
  model: ModelIR,
  data: FineTuneData,
  opts: { epochs?: number; int4Layers?: number[] } = {},
): Promise<ModelIR> {
  const calibration = calibrate(model, data.x.slice(0, 512));
  const int4 = new Set(opts.int4Layers ?? []);
  const { tf } = await loadTf({ needsConvGradients: needsConvGradients(model) });
  const hooks: ForwardHooks = {
    kernel: (i, k) => fakeQuantKernel(tf, k, int4.has(i) ? 7 : 127),
    activation: (i, x) => fakeQuantActivation(tf, x, calibration[i]!),
  };
  return fineTune(model, data, { hooks, epochs: opts.epochs ?? data.epochs, label: 'QAT' });
}

/**
 * Binarizes hidden dense layers (every dense layer but the last): fine-tunes with binarized kernels in the
 * forward pass (straight-through estimator on latent float weights), then replaces those kernels by
 * alpha_c · sign(w), so the float model holds exactly ±alpha_c per output channel.
 */
export async function binarizeHiddenDense(
  model: ModelIR,
  data?: FineTuneData,
  opts: { epochs?: number } = {},
): Promise<{ model: ModelIR; layers: number[] }> {
  const dense = model.layers.map((l, i) => (l.op === 'dense' ? i : -1)).filter((i) => i >= 0);
  const targets = new Set(dense.slice(0, -1));
  let out = cloneModel(model);
  if (data && targets.size) {
    const { tf } = await loadTf({ needsConvGradients: needsConvGradients(model) });
    out = await fineTune(out, data, {
      hooks: { kernel: (i, k) => (targets.has(i) ? binarizeKernel(tf, k) : k) },
      epochs: opts.epochs ?? data.epochs,
      label: 'binarize',
    });
  }
  out.layers.forEach((l, i) => {
    if (!targets.has(i) || !isWeightLayer(l)) return;
    const k = (l.tensors as { kernel: Tensor }).kernel;
    const units = k.shape[k.shape.length - 1]!;
    const rows = k.data.length / units;
    for (let u = 0; u < units; u++) {
      let sum = 0;
      for (let r = 0; r < rows; r++) sum += Math.abs(k.data[r * units + u]!);
      const alpha = Math.fround(sum / rows);
      for (let r = 0; r < rows; r++) k.data[r * units + u] = k.data[r * units + u]! >= 0 ? alpha : -alpha;
    }
  });
  return { model: out, layers: [...targets] };
}
