import type * as tfTypes from '@tensorflow/tfjs';
import { isWeightLayer, type ModelIR, type Tensor } from './ir';
import type { Tf } from './backend';

/**
 * The Model IR as a differentiable tfjs function: one tf.Variable per kernel and bias, and a forward pass
 * built from tf ops. Training and every compression fine-tune (pruning masks, clustering, fake-quant QAT)
 * run through this, so they all see the same graph as the float interpreter.
 */
export interface TfParams {
  /** Per layer index: the kernel and bias variables of weight layers, undefined elsewhere. */
  kernels: (tfTypes.Variable | undefined)[];
  biases: (tfTypes.Variable | undefined)[];
}

/** Hooks that rewrite weights or activations inside the graph (e.g. fake quantization for QAT). */
export interface ForwardHooks {
  /** Called with each weight layer's kernel before use. */
  kernel?: (layerIndex: number, kernel: tfTypes.Tensor) => tfTypes.Tensor;
  /** Called with activation `index` (0 = normalized input, i + 1 = output of layer i). */
  activation?: (index: number, x: tfTypes.Tensor) => tfTypes.Tensor;
}

export function createTfParams(tf: Tf, model: ModelIR): TfParams {
  const params: TfParams = { kernels: [], biases: [] };
  model.layers.forEach((layer, i) => {
    if (!isWeightLayer(layer)) return;
    params.kernels[i] = tf.variable(
      tf.tensor(layer.tensors.kernel.data, layer.tensors.kernel.shape),
      true,
      `k${i}`,
    );
    params.biases[i] = tf.variable(
      tf.tensor(layer.tensors.bias.data, layer.tensors.bias.shape),
      true,
      `b${i}`,
    );
  });
  return params;
}

/** Copies the variables' current values into the model's tensors (in place). */
export function readTfParams(model: ModelIR, params: TfParams): void {
  model.layers.forEach((layer, i) => {
    if (!isWeightLayer(layer)) return;
    const t = layer.tensors as { kernel: Tensor; bias: Tensor };
    t.kernel.data = params.kernels[i]!.dataSync() as Float32Array;
    t.bias.data = params.biases[i]!.dataSync() as Float32Array;
  });
}

export function disposeTfParams(params: TfParams): void {
  for (const v of [...params.kernels, ...params.biases]) v?.dispose();
}

/**
 * Runs the model on a batch `x` of shape [batch, ...inputShape] that is already normalized.
 * Stops before a final softmax when `logits` is true (training uses softmax cross-entropy on logits).
 */
export function forwardTf(
  tf: Tf,
  model: ModelIR,
  params: TfParams,
  x: tfTypes.Tensor,
  opts: { hooks?: ForwardHooks; logits?: boolean } = {},
): tfTypes.Tensor {
  const hook = (i: number, t: tfTypes.Tensor): tfTypes.Tensor =>
    opts.hooks?.activation ? opts.hooks.activation(i, t) : t;
  let h = hook(0, x);
  model.layers.forEach((layer, i) => {
    if (layer.op === 'softmax' && opts.logits && i === model.layers.length - 1) return;
    const kernel = (): tfTypes.Tensor => {
      const k = params.kernels[i]!;
      return opts.hooks?.kernel ? opts.hooks.kernel(i, k) : k;
    };
    switch (layer.op) {
      case 'dense':
        h = tf.add(tf.matMul(h as tfTypes.Tensor2D, kernel() as tfTypes.Tensor2D), params.biases[i]!);
        if (layer.params.activation === 'relu') h = tf.relu(h);
        break;
      case 'conv1d':
        h = tf.add(
          tf.conv1d(
            h as tfTypes.Tensor3D,
            kernel() as tfTypes.Tensor3D,
            layer.params.strides,
            layer.params.padding,
          ),
          params.biases[i]!,
        );
        if (layer.params.activation === 'relu') h = tf.relu(h);
        break;
      case 'depthwise_conv1d': {
        const k = kernel();
        const filter = tf.reshape(k, [1, k.shape[0]!, k.shape[1]!, 1]) as tfTypes.Tensor4D;
        const x4 = tf.expandDims(h, 1) as tfTypes.Tensor4D;
        h = tf.add(
          tf.squeeze(tf.depthwiseConv2d(x4, filter, [1, layer.params.strides], layer.params.padding), [1]),
          params.biases[i]!,
        );
        if (layer.params.activation === 'relu') h = tf.relu(h);
        break;
      }
      case 'maxpool1d':
      case 'avgpool1d': {
        const x4 = tf.expandDims(h, 1) as tfTypes.Tensor4D;
        const pool = layer.op === 'maxpool1d' ? tf.maxPool : tf.avgPool;
        h = tf.squeeze(pool(x4, [1, layer.params.poolSize], [1, layer.params.strides], 'valid'), [1]);
        break;
      }
      case 'global_avgpool1d':
        h = tf.mean(h, 1);
        break;
      case 'flatten':
        h = tf.reshape(h, [h.shape[0]!, -1]);
        break;
      case 'relu':
        h = tf.relu(h);
        break;
      case 'softmax':
        h = tf.softmax(h);
        break;
    }
    h = hook(i + 1, h);
  });
  return h;
}

/** Whether training the model needs convolution gradients (which the wasm backend lacks). */
export function needsConvGradients(model: ModelIR): boolean {
  return model.layers.some((l) => l.op === 'conv1d' || l.op === 'depthwise_conv1d');
}
