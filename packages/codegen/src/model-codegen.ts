import {
  COMPRESSED_IR_VERSION,
  compressedShapes,
  isQuantizedWeightLayer,
  modelWeightBytes,
  type CompressedModel,
  type QuantizedLayer,
  type QuantizedWeightLayer,
} from '@murmur/kernels';
import { cBanner, cExternC, cFloatSemantics, cIncludeGuard, MurmurError } from '@murmur/core';
import { samePadLeft, type Conv1dLayer, type Pool1dLayer } from '@murmur/nn';
import { cFloat } from '@murmur/core';
import { cArray, cIdentifier } from './c-emit';
import { planArena, type ArenaPlan, type BufferLifetime } from './memory-planner';

/** Name of this generator in the headers of generated files. */
export const GENERATOR = '@murmur/codegen';

export interface ModelCodeOptions {
  /** Model name; the C API is `murmur_model_<name>_*`. */
  name: string;
  /** App the model belongs to (for the file header). */
  app?: string;
  /**
   * Where the activations live: a static arena inside the model source (default), or an arena the caller
   * defines (`extern int8_t <symbol>[]`, at least ARENA_BYTES long and 4-byte aligned), so several models
   * can share one.
   */
  externArena?: string;
  /**
   * Per-layer cost probes, for a verification build in an emulator (never in a shipped library): the model
   * reads the cost counter of `murmur_cost.h` (murmur_cost_end) before its first layer and after each one,
   * and keeps what each layer took in `<prefix>_layer_cost[]` and what `_invoke` took to standardize and
   * quantize the features in `<prefix>_input_cost`, for the caller to report once its own measurement has
   * ended. The probes only read the counter, which has one start: the caller calls murmur_cost_begin()
   * before the model runs, and its own murmur_cost_end() measures the whole, the probes' reads included.
   */
  profile?: boolean;
}

export interface GeneratedModel {
  /** C prefix, `murmur_model_<name>`. */
  prefix: string;
  headerName: string;
  sourceName: string;
  header: string;
  source: string;
  plan: ArenaPlan;
  /** int8 values of the model input and output. */
  inputSize: number;
  outputSize: number;
  /** Exact bytes of the constant arrays (weights, bias, multipliers, shifts). */
  weightBytes: number;
  /** Multiply-accumulates per inference (dense and convolution layers, nominal for sparse weights). */
  macs: number;
  /** The options it was generated with. */
  options: ModelCodeOptions;
}

const kernelSuffix: Record<QuantizedWeightLayer['weights']['format'], string> = {
  int8: 's8',
  'int4-packed': 's4',
  sparse: 'sparse_s8',
  clustered: 'clustered_s8',
  binary: 'binary_s8',
};

const elements = (shape: readonly number[]): number => shape.reduce((a, b) => a * b, 1);
const inPlace = (op: QuantizedLayer['op']): boolean => op === 'flatten' || op === 'relu' || op === 'softmax';

/** Scratch bytes a layer's kernel needs (its `_get_buffer_size`). */
function scratchBytes(layer: QuantizedLayer): number {
  // One int16 patch of the fan-in (dense: the input, conv1d: kernel x channels, depthwise: kernel).
  return isQuantizedWeightLayer(layer) ? 2 * layer.weights.cols : 0;
}

/** Tensor and scratch lifetimes of a model: step 0 writes the input, layer i runs at step i + 1. */
export function modelLifetimes(model: CompressedModel): { lifetimes: BufferLifetime[]; tensorOf: number[] } {
  const shapes = compressedShapes(model);
  const n = model.layers.length;
  // tensorOf[i]: which buffer holds activation i (in-place layers reuse their input's).
  const tensorOf: number[] = [0];
  const lifetimes: BufferLifetime[] = [{ name: 'tensor0', size: elements(shapes[0]!), first: 0, last: 0 }];
  model.layers.forEach((layer, i) => {
    const input = tensorOf[i]!;
    lifetimes[input]!.last = i + 1;
    if (inPlace(layer.op)) tensorOf.push(input);
    else {
      tensorOf.push(lifetimes.length);
      lifetimes.push({ name: `tensor${i + 1}`, size: elements(shapes[i + 1]!), first: i + 1, last: i + 1 });
    }
    const scratch = scratchBytes(layer);
    if (scratch > 0) lifetimes.push({ name: `scratch${i}`, size: scratch, first: i + 1, last: i + 1 });
  });
  lifetimes[tensorOf[n]!]!.last = n + 1;
  return { lifetimes, tensorOf };
}

function macsOf(layer: QuantizedLayer, outShape: readonly number[]): number {
  if (!isQuantizedWeightLayer(layer)) return 0;
  return (layer.op === 'dense' ? 1 : outShape[0]!) * layer.weights.rows * layer.weights.cols;
}

/**
 * int8 weights in the order of the DSP path's `_s8_interleaved` kernels (murmur_nn.h): each group of four
 * rows holds its whole blocks of four columns in turn (four bytes of each of its rows per block), then its
 * last cols % 4 columns one after the other (four bytes each, one per row); the rows after the last whole
 * group stay row-major. The same bytes, permuted.
 */
export function interleaveRows(data: Int8Array, rows: number, cols: number): Int8Array {
  const out = new Int8Array(rows * cols);
  const blocks = Math.floor(cols / 4);
  const groups = Math.floor(rows / 4);
  let k = 0;
  for (let g = 0; g < groups; g++) {
    for (let b = 0; b < blocks; b++) {
      for (let j = 0; j < 4; j++)
        out.set(data.subarray((4 * g + j) * cols + 4 * b, (4 * g + j) * cols + 4 * b + 4), k + 4 * j);
      k += 16;
    }
    for (let c = 4 * blocks; c < cols; c++) {
      for (let j = 0; j < 4; j++) out[k++] = data[(4 * g + j) * cols + c]!;
    }
  }
  out.set(data.subarray(4 * groups * cols, rows * cols), k);
  return out;
}

/** Layers whose int8 weights the DSP path reads interleaved (dense and conv1d). */
const interleaves = (layer: QuantizedWeightLayer): boolean =>
  layer.weights.format === 'int8' && (layer.op === 'dense' || layer.op === 'conv1d');

/** `#if MURMUR_NN_DSP` / `#else` / `#endif` around two variants of the same lines. */
const ifDsp = (dsp: string, plain: string): string => `#if MURMUR_NN_DSP\n${dsp}\n#else\n${plain}\n#endif`;

/** C arrays and the filter argument of one weight layer. */
function weightDefinitions(p: string, layer: QuantizedWeightLayer): { arrays: string[]; filter: string } {
  const rom = 'static MURMUR_ROM';
  const w = layer.weights;
  const arrays: string[] = [];
  const array = (ctype: string, name: string, values: ArrayLike<number>): string => {
    if (values.length === 0) return '0';
    arrays.push(cArray(rom, ctype, name, values));
    return name;
  };
  let filter: string;
  switch (w.format) {
    case 'int8':
      filter = `${p}_weights`;
      if (interleaves(layer)) {
        arrays.push(
          ifDsp(
            `/* The same ${w.data.length} bytes, interleaved by four rows for the dual-MAC kernels (murmur_nn.h). */\n` +
              cArray(
                `static __attribute__((aligned(4))) MURMUR_ROM`,
                'int8_t',
                filter,
                interleaveRows(w.data, w.rows, w.cols),
              ),
            cArray(rom, 'int8_t', filter, w.data),
          ),
        );
      } else filter = array('int8_t', filter, w.data);
      break;
    case 'int4-packed':
      filter = array('uint8_t', `${p}_weights`, w.data);
      break;
    case 'binary':
      filter = array('uint8_t', `${p}_bits`, w.bits);
      break;
    case 'sparse': {
      const rowStart = array('uint16_t', `${p}_row_start`, w.rowStart);
      const wide = w.colIndex instanceof Uint16Array;
      const colIndex = array(wide ? 'uint16_t' : 'uint8_t', `${p}_col_index`, w.colIndex);
      const values = array('int8_t', `${p}_values`, w.values);
      arrays.push(
        `${rom} murmur_sparse_filter ${p}_filter = {${rowStart}, ${wide ? '0' : colIndex}, ${wide ? colIndex : '0'}, ${values}};`,
      );
      filter = `&${p}_filter`;
      break;
    }
    case 'clustered': {
      const codebook = array('int8_t', `${p}_codebook`, w.codebook);
      const indices = array('uint8_t', `${p}_indices`, w.indices);
      arrays.push(`${rom} murmur_clustered_filter ${p}_filter = {${codebook}, ${indices}, ${w.indexBits}};`);
      filter = `&${p}_filter`;
      break;
    }
  }
  // The bias as int32_t[rows] or, when it fits, int16_t[rows] (bias16, bias NULL); the multiplier and shift
  // one per row, or one for the layer (per_tensor).
  const bias16 = layer.bias instanceof Int16Array;
  const perTensor = layer.multiplier.length === 1 ? 1 : 0;
  arrays.push(
    cArray(rom, bias16 ? 'int16_t' : 'int32_t', `${p}_bias`, layer.bias),
    cArray(rom, 'int32_t', `${p}_multiplier`, layer.multiplier),
    cArray(rom, 'int8_t', `${p}_shift`, layer.shift),
    `${rom} murmur_quant_params ${p}_quant = {${-layer.input.zeroPoint}, ${layer.output.zeroPoint}, ` +
      `${layer.activationMin}, ${layer.activationMax}, ${bias16 ? '0' : `${p}_bias`}, ${p}_multiplier, ${p}_shift, ` +
      `${bias16 ? `${p}_bias` : '0'}, ${perTensor}};`,
  );
  return { arrays, filter };
}

function describeLayer(layer: QuantizedLayer, inShape: number[], outShape: number[]): string {
  const shape = (s: number[]): string => `[${s.join(', ')}]`;
  const format = isQuantizedWeightLayer(layer) ? ` ${layer.weights.format}` : '';
  return `${layer.op}${format} ${shape(inShape)} -> ${shape(outShape)}`;
}

/**
 * Generates `murmur_model_<name>.h/.c` from a compressed model: the weights as const arrays holding exactly
 * the IR's bytes, one kernel call per layer, and the activations in one arena planned at generation time.
 */
export function generateModelCode(model: CompressedModel, options: ModelCodeOptions): GeneratedModel {
  if (model.version !== COMPRESSED_IR_VERSION) {
    throw new MurmurError(`compressed IR version ${String(model.version)} is not ${COMPRESSED_IR_VERSION}`, {
      field: 'version',
    });
  }
  const prefix = `murmur_model_${cIdentifier(options.name)}`;
  const upper = prefix.toUpperCase();
  const shapes = compressedShapes(model);
  const { lifetimes, tensorOf } = modelLifetimes(model);
  const plan = planArena(lifetimes);
  const offsetOf = (name: string): number => plan.buffers.find((b) => b.name === name)!.offset;
  const arenaSymbol = options.externArena ?? `${prefix}_arena`;
  const tensor = (i: number): string => `(${arenaSymbol} + ${plan.buffers[tensorOf[i]!]!.offset})`;
  const inputSize = elements(shapes[0]!);
  const outputSize = elements(shapes[shapes.length - 1]!);
  const n = model.layers.length;

  const profile = options.profile === true;
  const definitions: string[] = [];
  const calls: string[] = [];
  let macs = 0;
  model.layers.forEach((layer, i) => {
    const p = `${prefix}_l${i}`;
    const inShape = shapes[i]!;
    const outShape = shapes[i + 1]!;
    macs += macsOf(layer, outShape);
    const x = tensor(i);
    const y = tensor(i + 1);
    if (profile && i > 0) calls.push(...probe(prefix, i - 1));
    calls.push(`  /* layer ${i}: ${describeLayer(layer, inShape, outShape)} */`);
    if (isQuantizedWeightLayer(layer)) {
      const { arrays, filter } = weightDefinitions(p, layer);
      definitions.push(`/* layer ${i}: ${describeLayer(layer, inShape, outShape)} */`, ...arrays);
      const suffix = kernelSuffix[layer.weights.format];
      const scratch = scratchBytes(layer);
      const args = `(&ctx, &${p}_params, &${p}_quant, ${x}, ${filter}, ${y});`;
      const call = (kernel: string): string =>
        interleaves(layer)
          ? ifDsp(`  status = ${kernel}_s8_interleaved${args}`, `  status = ${kernel}_s8${args}`)
          : `  status = ${kernel}_${suffix}${args}`;
      calls.push(`  ctx.buf = ${arenaSymbol} + ${offsetOf(`scratch${i}`)};`, `  ctx.size = ${scratch};`);
      if (layer.op === 'dense') {
        definitions.push(
          `static MURMUR_ROM murmur_fc_params ${p}_params = {${layer.weights.cols}, ${layer.weights.rows}};`,
        );
        calls.push(call('murmur_fully_connected'));
      } else {
        const { kernelSize, strides, padding } = layer.params as Conv1dLayer['params'];
        const pad = padding === 'same' ? samePadLeft(inShape[0]!, kernelSize, strides) : 0;
        definitions.push(
          `static MURMUR_ROM murmur_conv1d_params ${p}_params = {${inShape[0]}, ${inShape[1]}, ${outShape[0]}, ${outShape[1]}, ` +
            `${kernelSize}, ${strides}, ${pad}};`,
        );
        const kernel = layer.op === 'conv1d' ? 'murmur_conv1d' : 'murmur_depthwise_conv1d';
        calls.push(call(kernel));
      }
      calls.push('  if (status != MURMUR_OK) return status;');
      return;
    }
    switch (layer.op) {
      case 'maxpool1d':
      case 'avgpool1d':
      case 'global_avgpool1d': {
        const pool =
          layer.op === 'global_avgpool1d'
            ? { poolSize: inShape[0]!, strides: inShape[0]! }
            : (layer.params as Pool1dLayer['params']);
        const kernel = layer.op === 'maxpool1d' ? 'murmur_maxpool1d_s8' : 'murmur_avgpool1d_s8';
        const outSteps = outShape.length === 2 ? outShape[0]! : 1;
        definitions.push(
          `static MURMUR_ROM murmur_pool1d_params ${p}_params = {${inShape[0]}, ${inShape[1]}, ${outSteps}, ${pool.poolSize}, ${pool.strides}};`,
        );
        calls.push(
          `  status = ${kernel}(&${p}_params, ${x}, ${y});`,
          '  if (status != MURMUR_OK) return status;',
        );
        break;
      }
      case 'relu':
        calls.push(`  murmur_relu_s8(${x}, ${elements(inShape)}, ${layer.input.zeroPoint}, ${y});`);
        break;
      case 'softmax':
        // Monotonic: the device reports the argmax of the logits, which the reference leaves as they are.
        calls.push('  /* softmax: the logits are kept (the argmax and its margin are read from them) */');
        break;
      case 'flatten':
        calls.push('  /* flatten: the [steps][channels] tensor is already flat */');
        break;
    }
  });
  if (profile) calls.push(...probe(prefix, n - 1).slice(0, 2));
  const weightBytes = modelWeightBytes(model);
  const hasWeights = model.layers.some(isQuantizedWeightLayer);
  const hasPools = model.layers.some((l) => l.op.endsWith('pool1d'));

  const banner = cBanner(
    [
      `Model '${options.name}', recipe '${model.recipe}'.`,
      `Input [${model.inputShape.join(', ')}] int8 (scale ${model.input.scale}, zero point ${model.input.zeroPoint}), ` +
        `output ${outputSize} int8 values.`,
      `Weights ${weightBytes} bytes, arena ${plan.size} bytes, ${macs} multiply-accumulates per inference.`,
      ...(profile
        ? [
            'Verification build: per-layer cost probes (murmur_cost.h), for an emulator run only, not for a device.',
          ]
        : []),
    ],
    GENERATOR,
    `the compressed IR (version ${COMPRESSED_IR_VERSION})${options.app ? ` of app '${options.app}'` : ''}`,
  );
  const header = `${banner}\n${cIncludeGuard(
    `${upper}_H`,
    [
      '',
      '#include <stdint.h>',
      '',
      ...cExternC([
        `#define ${upper}_INPUT_SIZE ${inputSize}`,
        `#define ${upper}_OUTPUT_SIZE ${outputSize}`,
        `#define ${upper}_ARENA_BYTES ${plan.size}`,
        '',
        model.inputNorm
          ? `/** Standardizes ${inputSize} float features as in training, quantizes them and runs the model; writes ${outputSize} int8 outputs. 0 or a murmur_status. */`
          : `/** Quantizes ${inputSize} float features and runs the model; writes ${outputSize} int8 outputs. 0 or a murmur_status. */`,
        `int ${prefix}_invoke(const float *features, int8_t *output);`,
        '',
        '/** Runs the model on an already quantized int8 input. 0 or a murmur_status. */',
        `int ${prefix}_invoke_s8(const int8_t *input, int8_t *output);`,
        '',
        `/** The model's int8 input tensor inside the arena (${inputSize} values), for ${prefix}_run. */`,
        `int8_t *${prefix}_input(void);`,
        '',
        `/** Runs the layers on the input already in ${prefix}_input(). 0 or a murmur_status. */`,
        `int ${prefix}_run(int8_t *output);`,
        ...(profile
          ? [
              '',
              `#define ${upper}_LAYERS ${n}`,
              '',
              '/**',
              ' * Verification build only: the cost counter (murmur_cost.h) is read before the first layer and',
              ' * after each one. _layer_cost[i] is what layer i took in the latest run, _input_cost what the',
              ' * latest _invoke took to standardize and quantize the features. The probes only read the counter:',
              ' * call murmur_cost_begin() before the model runs.',
              ' */',
              `extern uint32_t ${prefix}_layer_cost[${upper}_LAYERS];`,
              `extern uint32_t ${prefix}_input_cost;`,
            ]
          : []),
      ]),
      '',
    ].join('\n'),
  )}`;

  const arena = options.externArena
    ? `extern int8_t ${arenaSymbol}[];`
    : [
        `/* Activations and scratch; offsets planned at generation time (${plan.buffers.length} buffers). */`,
        `static union {`,
        `  int32_t align;`,
        `  int8_t bytes[${Math.max(plan.size, 1)}];`,
        `} ${prefix}_arena_storage;`,
        `#define ${arenaSymbol} (${prefix}_arena_storage.bytes)`,
      ].join('\n');
  const planLines = plan.buffers.map(
    (b) =>
      ` *   ${b.name.padEnd(10)} offset ${String(b.offset).padStart(5)}  ${String(b.size).padStart(5)} B  steps ${b.first}..${b.last}`,
  );
  const source = [
    banner,
    cFloatSemantics(),
    `#include "${prefix}.h"`,
    '',
    '#include <string.h>',
    '',
    '#include "murmur_nn.h"',
    ...(profile ? ['#include "murmur_cost.h"'] : []),
    '',
    arena,
    `/* Arena plan (${plan.size} bytes; step 0 writes the input, layer i runs at step i + 1):`,
    ...planLines,
    ' */',
    '',
    ...definitions.flatMap((d) => [d, '']),
    ...(profile
      ? [`uint32_t ${prefix}_layer_cost[${upper}_LAYERS];`, `uint32_t ${prefix}_input_cost;`, '']
      : []),
    `int8_t *${prefix}_input(void) { return ${tensor(0)}; }`,
    '',
    `int ${prefix}_run(int8_t *output) {`,
    ...(hasWeights ? ['  murmur_context ctx;'] : []),
    ...(hasWeights || hasPools ? ['  int status;'] : []),
    ...(profile ? ['  uint32_t mark = murmur_cost_end(), now;'] : []),
    ...calls,
    `  memcpy(output, ${tensor(n)}, ${outputSize});`,
    '  return 0;',
    '}',
    '',
    ...invokeSource(prefix, model, inputSize, tensor(0), profile),
    '',
    `int ${prefix}_invoke_s8(const int8_t *input, int8_t *output) {`,
    `  for (uint16_t i = 0; i < ${inputSize}; i++) ${tensor(0)}[i] = input[i];`,
    `  return ${prefix}_run(output);`,
    '}',
    '',
  ].join('\n');
  return {
    prefix,
    headerName: `${prefix}.h`,
    sourceName: `${prefix}.c`,
    header,
    source,
    plan,
    inputSize,
    outputSize,
    weightBytes,
    macs,
    options: { ...options },
  };
}

/** The probe after layer i: what the layer took since the previous read of the cost counter (`mark`). */
const probe = (prefix: string, i: number): string[] => [
  '  now = murmur_cost_end();',
  `  ${prefix}_layer_cost[${i}] = now - mark;`,
  '  mark = now;',
];

/**
 * `<prefix>_invoke`: the float features standardized with the training statistics the model carries
 * ((x - mean) · invStd in float32, as the TS interpreter does), quantized to the input tensor, then the layers.
 */
function invokeSource(
  prefix: string,
  model: CompressedModel,
  inputSize: number,
  input: string,
  profile: boolean,
): string[] {
  const inverseScale = cFloat(Math.fround(1 / model.input.scale));
  const quantize = (from: string, n: string | number, to: string): string =>
    `murmur_quantize_s8(${from}, ${n}, ${inverseScale}, ${model.input.zeroPoint}, ${to});`;
  // Profiled: the counter is read before and after the input's preparation (see ModelCodeOptions.profile).
  const begin = profile ? ['  uint32_t mark = murmur_cost_end();'] : [];
  const end = profile ? [`  ${prefix}_input_cost = murmur_cost_end() - mark;`] : [];
  if (!model.inputNorm)
    return [
      `int ${prefix}_invoke(const float *features, int8_t *output) {`,
      ...begin,
      `  ${quantize('features', inputSize, input)}`,
      ...end,
      `  return ${prefix}_run(output);`,
      '}',
    ];
  const { mean, invStd } = model.inputNorm;
  return [
    cArray('static MURMUR_ROM', 'float', `${prefix}_input_mean`, Float32Array.from(mean)),
    cArray('static MURMUR_ROM', 'float', `${prefix}_input_inv_std`, Float32Array.from(invStd)),
    '',
    `int ${prefix}_invoke(const float *features, int8_t *output) {`,
    `  int8_t *input = ${input};`,
    ...begin,
    `  for (uint16_t i = 0; i < ${inputSize}; i++) {`,
    `    float standardized = (features[i] - ${prefix}_input_mean[i]) * ${prefix}_input_inv_std[i];`,
    `    ${quantize('&standardized', 1, 'input + i')}`,
    '  }',
    ...end,
    `  return ${prefix}_run(output);`,
    '}',
  ];
}
