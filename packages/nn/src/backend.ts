import type * as tfjs from '@tensorflow/tfjs';

/**
 * Loads TensorFlow.js once per process: `@tensorflow/tfjs-node` when it is installed and loads (native,
 * fastest), else `@tensorflow/tfjs` with the wasm backend for dense models and the pure-JS cpu backend for
 * models with convolutions (the wasm backend has no Conv2DBackpropFilter, so it cannot train them).
 * tfjs's "install tfjs-node" banner is turned off (PROD mode); `describeBackend` says what runs instead.
 */
export type Tf = typeof tfjs;

export interface TfRuntime {
  tf: Tf;
  /** The npm package that provides the kernels. */
  package: '@tensorflow/tfjs-node' | '@tensorflow/tfjs';
  /** The active backend: 'tensorflow' (native), 'wasm' or 'cpu'. */
  backend: string;
}

let loaded: Promise<{ tf: Tf; native: boolean }> | undefined;

// tfjs is imported on first use, not at module load: most commands never train, and loading tfjs (and its
// wasm backend) would add to every command's start-up.
async function importTf(): Promise<{ tf: Tf; native: boolean }> {
  try {
    const name = '@tensorflow/tfjs-node';
    const tf = (await import(/* @vite-ignore */ name)) as Tf;
    await tf.ready();
    return { tf, native: true };
  } catch {
    const tf = await import('@tensorflow/tfjs');
    // PROD mode turns off tfjs's console banner and its debug checks.
    tf.env().set('PROD', true);
    await import('@tensorflow/tfjs-backend-wasm');
    return { tf, native: false };
  }
}

/**
 * The tfjs runtime with the backend chosen for the work: `needsConvGradients` selects cpu when wasm
 * would be chosen (training conv models); otherwise wasm, which trains dense models about 2× faster.
 */
export async function loadTf(opts: { needsConvGradients?: boolean } = {}): Promise<TfRuntime> {
  loaded ??= importTf();
  const { tf, native } = await loaded;
  if (native) return { tf, package: '@tensorflow/tfjs-node', backend: tf.getBackend() };
  const want = opts.needsConvGradients ? 'cpu' : 'wasm';
  if (tf.getBackend() !== want) {
    const ok = await tf.setBackend(want);
    if (!ok) await tf.setBackend('cpu');
  }
  await tf.ready();
  return { tf, package: '@tensorflow/tfjs', backend: tf.getBackend() };
}

/** One line saying which TensorFlow.js runs, for logs and reports. */
export function describeBackend(rt: TfRuntime): string {
  return `${rt.package} (${rt.backend} backend)`;
}
