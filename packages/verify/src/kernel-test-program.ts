import {
  argmaxInt8,
  multiplyByQuantizedMultiplier,
  quantizeInput,
  runInt8,
  type CompressedModel,
} from '@murmur/kernels';
import { cComment, createRng, type Rng } from '@murmur/core';
import { cFloat } from '@murmur/core';
import { randomInt8, randomLayer, randomModel, randomStressLayer, singleLayerModel } from './random-layers';
import { cArray, generateModelCode } from '@murmur/codegen';

/**
 * A batch of kernel checks with the int8 reference interpreter's answers, and the C program that runs them
 * all in one image (so each core needs one build and one emulator run).
 */
export interface LayerCase {
  model: CompressedModel;
  inputs: Int8Array[];
  expected: Int8Array[];
}

export interface KernelSuite {
  layers: LayerCase[];
  /** MultiplyByQuantizedMultiplier(x, multiplier, shift) = expected. */
  fixedPoint: { x: number; multiplier: number; shift: number; expected: number }[];
  /** murmur_quantize_s8 of float32 values. */
  quantize: { values: Float32Array; inverseScale: number; zeroPoint: number; expected: Int8Array };
  /** murmur_argmax_s8 of int8 vectors. */
  argmax: { values: Int8Array; index: number; margin: number }[];
}

export interface KernelSuiteOptions {
  seed: number | string;
  layers: number;
  /** Random multi-layer models (see randomModel), checked like the layers. */
  models?: number;
  /** Random int8 dense and conv1d layers shaped for the four-row DSP kernels (see randomStressLayer). */
  stressLayers?: number;
  inputsPerLayer: number;
  /** Upper bound on weight-matrix and activation elements per layer. */
  maxElements?: number;
  fixedPointCases?: number;
}

const int32 = (rng: Rng): number => rng.uint32() | 0;

function fixedPointCases(rng: Rng, n: number): KernelSuite['fixedPoint'] {
  const extremes = [-2147483648, -2147483647, -1, 0, 1, 2147483647];
  const out: KernelSuite['fixedPoint'] = [];
  for (const x of extremes) {
    for (const multiplier of [-2147483648, 0, 1 << 30, 2147483647]) {
      for (const shift of [-31, -1, 0, 1, 30]) out.push({ x, multiplier, shift, expected: 0 });
    }
  }
  for (let i = 0; i < n; i++) {
    const x = rng.next() < 0.5 ? int32(rng) : rng.int(-(2 ** 20), 2 ** 20);
    const multiplier = rng.next() < 0.8 ? rng.int(2 ** 30, 2 ** 31 - 1) : int32(rng);
    const shift = rng.next() < 0.8 ? rng.int(-20, 2) : rng.int(-31, 30);
    out.push({ x, multiplier, shift, expected: 0 });
  }
  for (const c of out) c.expected = multiplyByQuantizedMultiplier(c.x, c.multiplier, c.shift);
  return out;
}

function quantizeCases(rng: Rng): KernelSuite['quantize'] {
  const scale = 0.037;
  const zeroPoint = -7;
  const inverseScale = Math.fround(1 / scale);
  const values: number[] = [0, -0, 1e9, -1e9, Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY];
  // Exact ties of x * inverse (k + 0.5) and their float neighbours, then random values.
  for (let k = -140; k <= 140; k += 7) {
    const x = Math.fround((k + 0.5) / inverseScale);
    values.push(x, Math.fround(x * (1 + 2 ** -23)), Math.fround(x * (1 - 2 ** -23)));
  }
  for (let i = 0; i < 64; i++) values.push(Math.fround((rng.next() - 0.5) * 12));
  const x = Float32Array.from(values);
  return { values: x, inverseScale, zeroPoint, expected: quantizeInput(x, { scale, zeroPoint }) };
}

function argmaxCases(rng: Rng): KernelSuite['argmax'] {
  const out: KernelSuite['argmax'] = [];
  const vectors = [
    Int8Array.of(5),
    Int8Array.of(-128, -128),
    Int8Array.of(127, -128, 127),
    Int8Array.of(-128, 127),
  ];
  for (let i = 0; i < 16; i++)
    vectors.push(Int8Array.from({ length: rng.int(1, 12) }, () => rng.int(-4, 4) * rng.int(1, 32)));
  for (const values of vectors) out.push({ values, ...argmaxInt8(values) });
  return out;
}

/** Random layers and inputs (seeded) with the reference interpreter's outputs. */
export function randomKernelSuite(options: KernelSuiteOptions): KernelSuite {
  const rng = createRng(options.seed);
  const layers: LayerCase[] = [];
  for (let i = 0; i < options.layers; i++) {
    const { layer, inputShape } = randomLayer(rng, { maxElements: options.maxElements });
    const model = singleLayerModel(layer, inputShape);
    const n = inputShape.reduce((a, b) => a * b, 1);
    const inputs = Array.from({ length: options.inputsPerLayer }, () => randomInt8(rng, n));
    layers.push({ model, inputs, expected: inputs.map((x) => runInt8(model, x)) });
  }
  for (let i = 0; i < (options.stressLayers ?? 0); i++) {
    const { layer, inputShape } = randomStressLayer(rng, options.maxElements);
    const model = singleLayerModel(layer, inputShape);
    const n = inputShape.reduce((a, b) => a * b, 1);
    const inputs = Array.from({ length: options.inputsPerLayer }, () => randomInt8(rng, n));
    layers.push({ model, inputs, expected: inputs.map((x) => runInt8(model, x)) });
  }
  for (let i = 0; i < (options.models ?? 0); i++) {
    const model = randomModel(rng, options.maxElements);
    const n = model.inputShape.reduce((a, b) => a * b, 1);
    const inputs = Array.from({ length: options.inputsPerLayer }, () => randomInt8(rng, n));
    layers.push({ model, inputs, expected: inputs.map((x) => runInt8(model, x)) });
  }
  return {
    layers,
    fixedPoint: fixedPointCases(rng, options.fixedPointCases ?? 200),
    quantize: quantizeCases(rng),
    argmax: argmaxCases(rng),
  };
}

const concat = (arrays: Int8Array[]): Int8Array => {
  const out = new Int8Array(arrays.reduce((n, a) => n + a.length, 0));
  let at = 0;
  for (const a of arrays) out.set(a, (at += a.length) - a.length);
  return out;
};

/** The files of the test program: one header per layer model, and `kernel_test.c` with everything else. */
export function kernelTestProgram(suite: KernelSuite): { name: string; text: string }[] {
  const files: { name: string; text: string }[] = [];
  const sources: string[] = [];
  const checks: string[] = [];
  let arena = 4;
  let maxIn = Math.max(1, ...suite.argmax.map((a) => a.values.length));
  let maxOut = 1;
  const rom = 'static MURMUR_ROM';
  suite.layers.forEach((c, i) => {
    const model = generateModelCode(c.model, { name: `case${i}`, externArena: 'murmur_test_arena' });
    files.push({ name: model.headerName, text: model.header });
    sources.push(model.source);
    arena = Math.max(arena, model.plan.size);
    maxIn = Math.max(maxIn, model.inputSize);
    maxOut = Math.max(maxOut, model.outputSize);
    sources.push(cArray(rom, 'int8_t', `case${i}_inputs`, concat(c.inputs)));
    sources.push(cArray(rom, 'int8_t', `case${i}_expected`, concat(c.expected)));
    checks.push(
      `  failures += check_layer(${i}, ${model.prefix}_invoke_s8, case${i}_inputs, case${i}_expected, ` +
        `${model.inputSize}, ${model.outputSize}, ${c.inputs.length});`,
    );
  });
  const fp = suite.fixedPoint;
  const q = suite.quantize;
  const argmaxValues = concat(suite.argmax.map((a) => a.values));
  const main = [
    cComment([
      'Generated by @murmur/codegen: kernel bit-exactness checks against the int8 reference interpreter.',
      `${suite.layers.length} random layers, ${fp.length} fixed-point cases, ${q.values.length} quantize cases, ` +
        `${suite.argmax.length} argmax cases. Prints each mismatch and a summary; exits with the number of failures.`,
    ]),
    '#include <math.h>',
    '#include <stdint.h>',
    '#include "murmur_console.h"',
    '#include "murmur_nn.h"',
    ...suite.layers.map((_, i) => `#include "murmur_model_case${i}.h"`),
    '',
    `int8_t murmur_test_arena[${arena}] __attribute__((aligned(4)));`,
    `static int8_t input_buffer[${maxIn}];`,
    `static int8_t output_buffer[${maxOut}];`,
    'static unsigned long checked;',
    'static unsigned reported;',
    '',
    'static int report(unsigned kind, unsigned index, unsigned at, long got, long want) {',
    '  if (reported++ < 20) murmur_console_printf("fail %u %u %u got %ld want %ld\\n", kind, index, at, got, want);',
    '  return 1;',
    '}',
    '',
    ...sources.flatMap((s) => [s, '']),
    cArray(
      rom,
      'int32_t',
      'fp_x',
      fp.map((c) => c.x),
    ),
    cArray(
      rom,
      'int32_t',
      'fp_multiplier',
      fp.map((c) => c.multiplier),
    ),
    cArray(
      rom,
      'int8_t',
      'fp_shift',
      fp.map((c) => c.shift),
    ),
    cArray(
      rom,
      'int32_t',
      'fp_expected',
      fp.map((c) => c.expected),
    ),
    `${rom} float quantize_values[${q.values.length}] = {\n  ${Array.from(q.values, (v) => (Number.isNaN(v) ? 'NAN' : v === Infinity ? 'INFINITY' : v === -Infinity ? '-INFINITY' : cFloat(v))).join(',\n  ')}\n};`,
    cArray(rom, 'int8_t', 'quantize_expected', q.expected),
    cArray(rom, 'int8_t', 'argmax_values', argmaxValues),
    cArray(
      rom,
      'uint8_t',
      'argmax_sizes',
      suite.argmax.map((a) => a.values.length),
    ),
    cArray(
      rom,
      'uint8_t',
      'argmax_index',
      suite.argmax.map((a) => a.index),
    ),
    cArray(
      rom,
      'uint8_t',
      'argmax_margin',
      suite.argmax.map((a) => a.margin),
    ),
    '',
    'static int check_layer(unsigned index, int (*invoke)(const int8_t *, int8_t *), MURMUR_ROM int8_t *inputs,',
    '                       MURMUR_ROM int8_t *expected, uint16_t in_size, uint16_t out_size, uint16_t count) {',
    '  int failures = 0;',
    '  for (uint16_t n = 0; n < count; n++) {',
    '    for (uint16_t i = 0; i < in_size; i++) input_buffer[i] = inputs[(uint32_t)n * in_size + i];',
    '    int status = invoke(input_buffer, output_buffer);',
    '    if (status != 0) failures += report(0, index, n, status, 0);',
    '    for (uint16_t i = 0; i < out_size; i++) {',
    '      int8_t want = expected[(uint32_t)n * out_size + i];',
    '      checked++;',
    '      if (output_buffer[i] != want) failures += report(1, index, (unsigned)n * out_size + i, output_buffer[i], want);',
    '    }',
    '  }',
    '  return failures;',
    '}',
    '',
    'int main(void) {',
    '  int failures = 0;',
    ...checks,
    `  for (uint16_t i = 0; i < ${fp.length}; i++) {`,
    '    int32_t got = murmur_multiply_by_quantized_multiplier(fp_x[i], fp_multiplier[i], fp_shift[i]);',
    '    checked++;',
    '    if (got != fp_expected[i]) failures += report(2, i, 0, (long)got, (long)fp_expected[i]);',
    '  }',
    `  for (uint16_t i = 0; i < ${q.values.length}; i++) {`,
    '    float x = quantize_values[i];',
    '    int8_t got;',
    `    murmur_quantize_s8(&x, 1, ${cFloat(q.inverseScale)}, ${q.zeroPoint}, &got);`,
    '    checked++;',
    '    if (got != quantize_expected[i]) failures += report(3, i, 0, got, quantize_expected[i]);',
    '  }',
    '  {',
    '    uint16_t at = 0;',
    `    for (uint16_t i = 0; i < ${suite.argmax.length}; i++) {`,
    '      uint8_t margin = 0;',
    '      uint16_t size = argmax_sizes[i];',
    '      for (uint16_t j = 0; j < size; j++) input_buffer[j] = argmax_values[at + j];',
    '      uint16_t index = murmur_argmax_s8(input_buffer, size, &margin);',
    '      at = (uint16_t)(at + size);',
    '      checked++;',
    '      if (index != argmax_index[i] || margin != argmax_margin[i]) failures += report(4, i, 0, index, argmax_index[i]);',
    '    }',
    '  }',
    '  murmur_console_printf("checked %lu failures %d\\n", checked, failures);',
    '  return failures ? 1 : 0;',
    '}',
    '',
  ].join('\n');
  files.push({ name: 'kernel_test.c', text: main });
  return files;
}
