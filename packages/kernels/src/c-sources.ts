import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The folder holding the hand-written C kernels (murmur_nn.h and its sources). */
export const kernelDir = join(dirname(fileURLToPath(import.meta.url)), '..', 'c');

/** Every kernel source file, absolute paths. */
export const kernelSources: readonly string[] = [
  'murmur_nn_fixed_point.c',
  'murmur_nn_rows.c',
  'murmur_nn_drivers.c',
  'murmur_nn_weight_kernels.c',
  'murmur_nn_elementwise.c',
  'murmur_nn_conv2d.c',
  'murmur_nn_pool2d.c',
  'murmur_nn_add.c',
  'murmur_nn_softmax.c',
].map((f) => join(kernelDir, f));

/** Kernel files copied into a generated library (sources and headers). */
export const kernelFiles: readonly string[] = [
  'murmur_nn.h',
  'murmur_nn_support.h',
  ...kernelSources.map((s) => s.slice(kernelDir.length + 1)),
];
