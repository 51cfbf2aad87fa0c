import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BenchSuite } from '../suite';
import type {
  AddParams,
  Conv2dParams,
  DepthwiseConv2dParams,
  FullyConnectedParams,
  GraphOp,
  Pool2dParams,
  PreparedGraph,
  SoftmaxParams,
} from '@murmur/kernels';

/**
 * Murmur's int8 kernels against CMSIS-NN's on the same layers, in the same emulator: instructions per MAC
 * (per output element for the weight-free ops) on the Cortex-M0+ (Armv6-M, CMSIS-NN's pure C) and the
 * Cortex-M4 (its DSP code), and whether both give the same bytes. CMSIS-NN is not part of Murmur: the suite
 * compiles the tree that MURMUR_CMSIS_NN_DIR names, and without it says so and measures nothing.
 */

/** One layer of the comparison: a real op of an MLPerf Tiny model (its weights and quantization), or a shape. */
interface KernelCase {
  name: string;
  op: GraphOp['op'];
  params: unknown;
  weights?: Int8Array;
  bias?: Int32Array;
  macs: number;
  outputs: number;
}

/** Cortex-M0+ on the micro:bit machine sized to the RP2040's RAM (the layers need more than 16 KB), and the M4. */
const BOARDS = [
  { id: 'rpi-pico-sx1262', core: 'cortex-m0plus', cmsis: 'pure C' },
  { id: 'qemu-mps2-an386', core: 'cortex-m4', cmsis: 'DSP' },
];

const CMSIS_DIRS = [
  'ConvolutionFunctions',
  'FullyConnectedFunctions',
  'PoolingFunctions',
  'BasicMathFunctions',
  'SoftmaxFunctions',
  'NNSupportFunctions',
];

/** CMSIS-NN's int8 sources (the linker keeps only what the calls reach). */
function cmsisSources(root: string): string[] {
  return CMSIS_DIRS.flatMap((d) =>
    readdirSync(join(root, 'Source', d))
      .filter(
        (f) =>
          f.endsWith('.c') &&
          !/f16|f32/.test(f) &&
          /_s8|q7_to_q15_with_offset|s8_to_s16_unordered|nntables\.c$/.test(f),
      )
      .map((f) => join(root, 'Source', d, f)),
  );
}

const list = (values: ArrayLike<number>): string => Array.from(values).join(', ');
const dims = (d: readonly number[]): string => `{${d.join(', ')}}`;

/** The murmur_quant_params and CMSIS-NN per-channel quantization of a weighted op, as C definitions. */
function quantDefs(k: string, p: Conv2dParams | FullyConnectedParams, bias: Int32Array): string[] {
  return [
    `static const int32_t ${k}_bias[] = {${list(bias)}};`,
    `static const int32_t ${k}_mult[] = {${list(p.multiplier)}};`,
    `static const int8_t ${k}_shift8[] = {${list(p.shift)}};`,
    `static const int32_t ${k}_shift[] __attribute__((unused)) = {${list(p.shift)}};`,
    `static const murmur_quant_params ${k}_quant = {.input_offset = ${p.inputOffset}, .output_offset = ${p.outputOffset}, .activation_min = ${p.activationMin}, .activation_max = ${p.activationMax}, .bias = ${k}_bias, .multiplier = ${k}_mult, .shift = ${k}_shift8};`,
    `static const cmsis_nn_per_channel_quant_params ${k}_cq __attribute__((unused)) = {(int32_t *)${k}_mult, (int32_t *)${k}_shift};`,
  ];
}

/** C of one case: its constants, then the Murmur call and the CMSIS-NN call, each measured on its own. */
function caseCode(
  c: KernelCase,
  i: number,
  interleave: (w: Int8Array, rows: number, cols: number) => Int8Array,
) {
  const k = `k${i}`;
  const defs: string[] = [];
  let murmur = '';
  let cmsis = '';
  if (c.op === 'conv2d' || c.op === 'depthwise_conv2d') {
    const p = c.params as Conv2dParams & Partial<DepthwiseConv2dParams>;
    const [n, ih, iw, ic] = p.input;
    const [, oh, ow, oc] = p.output;
    defs.push(...quantDefs(k, p, c.bias!));
    defs.push(
      `static const murmur_conv2d_params ${k}_p = {${dims(p.input)}, ${dims(p.output)}, ${p.filter[0]}, ${p.filter[1]}, ${p.stride[0]}, ${p.stride[1]}, ${p.dilation[0]}, ${p.dilation[1]}, ${p.pad[0]}, ${p.pad[1]}, ${p.depthMultiplier ?? 1}};`,
      `static const cmsis_nn_dims ${k}_in = {${n}, ${ih}, ${iw}, ${ic}}, ${k}_out = {${n}, ${oh}, ${ow}, ${oc}}, ${k}_bias_dims = {1, 1, 1, ${oc}};`,
    );
    if (c.op === 'depthwise_conv2d') {
      defs.push(
        `static const int8_t ${k}_w[] = {${list(c.weights!)}};`,
        `static const cmsis_nn_dims ${k}_f = {1, ${p.filter[0]}, ${p.filter[1]}, ${oc}};`,
        `static const cmsis_nn_dw_conv_params ${k}_cp = {${p.inputOffset}, ${p.outputOffset}, ${p.depthMultiplier ?? 1}, {${p.stride[1]}, ${p.stride[0]}}, {${p.pad[1]}, ${p.pad[0]}}, {${p.dilation[1]}, ${p.dilation[0]}}, {${p.activationMin}, ${p.activationMax}}};`,
      );
      murmur = `murmur_depthwise_conv2d_s8(&${k}_p, &${k}_quant, in1, ${k}_w, out_murmur)`;
      cmsis =
        `(ctx.size = arm_depthwise_conv_wrapper_s8_get_buffer_size(&${k}_cp, &${k}_in, &${k}_f, &${k}_out)) > (int32_t)sizeof scratch ? -99 : ` +
        `arm_depthwise_conv_wrapper_s8(&ctx, &${k}_cp, &${k}_cq, &${k}_in, in1, &${k}_f, ${k}_w, &${k}_bias_dims, ${k}_bias, &${k}_out, out_cmsis)`;
    } else {
      const cols = c.weights!.length / oc;
      defs.push(
        '#if MURMUR_NN_DSP',
        `static const int8_t ${k}_w_murmur[] __attribute__((aligned(4))) = {${list(interleave(c.weights!, oc, cols))}};`,
        '#else',
        `#define ${k}_w_murmur ${k}_w`,
        '#endif',
        `static const int8_t ${k}_w[] = {${list(c.weights!)}};`,
        `static const cmsis_nn_dims ${k}_f = {${oc}, ${p.filter[0]}, ${p.filter[1]}, ${ic}};`,
        `static const cmsis_nn_conv_params ${k}_cp = {${p.inputOffset}, ${p.outputOffset}, {${p.stride[1]}, ${p.stride[0]}}, {${p.pad[1]}, ${p.pad[0]}}, {${p.dilation[1]}, ${p.dilation[0]}}, {${p.activationMin}, ${p.activationMax}}};`,
      );
      murmur = `(ctx_murmur.size = murmur_conv2d_get_buffer_size(&${k}_p), CONV2D(&ctx_murmur, &${k}_p, &${k}_quant, in1, ${k}_w_murmur, out_murmur))`;
      cmsis =
        `(ctx.size = arm_convolve_wrapper_s8_get_buffer_size(&${k}_cp, &${k}_in, &${k}_f, &${k}_out)) > (int32_t)sizeof scratch ? -99 : ` +
        `arm_convolve_wrapper_s8(&ctx, &${k}_cp, &${k}_cq, &${k}_in, in1, &${k}_f, ${k}_w, &${k}_bias_dims, ${k}_bias, &${k}_out, out_cmsis)`;
    }
  } else if (c.op === 'fully_connected') {
    const p = c.params as FullyConnectedParams;
    defs.push(
      ...quantDefs(k, p, c.bias!),
      `static const int8_t ${k}_w[] = {${list(c.weights!)}};`,
      `static const murmur_fc_params ${k}_p = {${p.inputs}, ${p.outputs}};`,
      `static const cmsis_nn_fc_params ${k}_cp = {${p.inputOffset}, 0, ${p.outputOffset}, {${p.activationMin}, ${p.activationMax}}};`,
      `static const cmsis_nn_dims ${k}_in = {1, 1, 1, ${p.inputs}}, ${k}_f = {${p.inputs}, 1, 1, ${p.outputs}}, ${k}_out = {1, 1, 1, ${p.outputs}}, ${k}_bias_dims = {1, 1, 1, ${p.outputs}};`,
    );
    const perTensor = p.multiplier.every((m, j) => m === p.multiplier[0] && p.shift[j] === p.shift[0]);
    murmur = `(ctx_murmur.size = murmur_fully_connected_get_buffer_size(&${k}_p), murmur_fully_connected_s8(&ctx_murmur, &${k}_p, &${k}_quant, in1, ${k}_w, out_murmur))`;
    cmsis = perTensor
      ? `(ctx.size = 0, arm_fully_connected_s8(&ctx, &${k}_cp, &(cmsis_nn_per_tensor_quant_params){${p.multiplier[0]}, ${p.shift[0]}}, &${k}_in, in1, &${k}_f, ${k}_w, &${k}_bias_dims, ${k}_bias, &${k}_out, out_cmsis))`
      : `(ctx.size = 0, arm_fully_connected_per_channel_s8(&ctx, &${k}_cp, &${k}_cq, &${k}_in, in1, &${k}_f, ${k}_w, &${k}_bias_dims, ${k}_bias, &${k}_out, out_cmsis))`;
  } else if (c.op === 'avgpool2d' || c.op === 'maxpool2d') {
    const p = c.params as Pool2dParams;
    const [n, ih, iw, ch] = p.input;
    const [, oh, ow] = p.output;
    defs.push(
      `static const murmur_pool2d_params ${k}_p = {${dims(p.input)}, ${dims(p.output)}, ${p.filter[0]}, ${p.filter[1]}, ${p.stride[0]}, ${p.stride[1]}, ${p.pad[0]}, ${p.pad[1]}, ${p.activationMin}, ${p.activationMax}};`,
      `static const cmsis_nn_pool_params ${k}_cp = {{${p.stride[1]}, ${p.stride[0]}}, {${p.pad[1]}, ${p.pad[0]}}, {${p.activationMin}, ${p.activationMax}}};`,
      `static const cmsis_nn_dims ${k}_in = {${n}, ${ih}, ${iw}, ${ch}}, ${k}_f = {1, ${p.filter[0]}, ${p.filter[1]}, 1}, ${k}_out = {${n}, ${oh}, ${ow}, ${ch}};`,
    );
    if (c.op === 'avgpool2d') {
      murmur = `murmur_avgpool2d_s8(&${k}_p, in1, out_murmur)`;
      cmsis = `(ctx.size = arm_avgpool_s8_get_buffer_size(${ow}, ${ch})) > (int32_t)sizeof scratch ? -99 : arm_avgpool_s8(&ctx, &${k}_cp, &${k}_in, in1, &${k}_f, &${k}_out, out_cmsis)`;
    } else {
      murmur = `murmur_maxpool2d_s8(&${k}_p, in1, out_murmur)`;
      cmsis = `(ctx.size = 0, arm_max_pool_s8(&ctx, &${k}_cp, &${k}_in, in1, &${k}_f, &${k}_out, out_cmsis))`;
    }
  } else if (c.op === 'add') {
    const p = c.params as AddParams;
    defs.push(
      `static const murmur_add_params ${k}_p = {${p.size}u, ${p.input1Offset}, ${p.input2Offset}, ${p.outputOffset}, ${p.activationMin}, ${p.activationMax}, ${p.leftShift}, ${p.input1Shift}, ${p.input2Shift}, ${p.outputShift}, ${p.input1Multiplier}, ${p.input2Multiplier}, ${p.outputMultiplier}};`,
    );
    murmur = `murmur_add_s8(&${k}_p, in1, in2, out_murmur)`;
    cmsis = `arm_elementwise_add_s8(in1, in2, ${p.input1Offset}, ${p.input1Multiplier}, ${p.input1Shift}, ${p.input2Offset}, ${p.input2Multiplier}, ${p.input2Shift}, ${p.leftShift}, out_cmsis, ${p.outputOffset}, ${p.outputMultiplier}, ${p.outputShift}, ${p.activationMin}, ${p.activationMax}, ${p.size})`;
  } else if (c.op === 'softmax') {
    const p = c.params as SoftmaxParams;
    defs.push(
      `static const murmur_softmax_params ${k}_p = {${p.rows}, ${p.depth}, ${p.inputMultiplier}, ${p.inputLeftShift}, ${p.diffMin}};`,
    );
    murmur = `murmur_softmax_s8(&${k}_p, in1, out_murmur)`;
    cmsis = `(arm_softmax_s8(in1, ${p.rows}, ${p.depth}, ${p.inputMultiplier}, ${p.inputLeftShift}, ${p.diffMin}, out_cmsis), 0)`;
  }
  const run = [
    `  /* ${c.name} */`,
    '  murmur_cost_begin();',
    `  status = ${murmur};`,
    `  murmur_cost_report("murmur${i}", murmur_cost_end());`,
    `  if (status != 0) return 10 + ${i};`,
    '  murmur_cost_begin();',
    `  status = ${cmsis};`,
    `  murmur_cost_report("cmsis${i}", murmur_cost_end());`,
    `  if (status != 0) return 100 + ${i};`,
    `  murmur_console_printf("equal ${i} %d\\n", memcmp(out_murmur, out_cmsis, ${c.outputs}u) == 0);`,
  ];
  return { defs, run };
}

/** The comparison program: shared input and output buffers, then every case. */
function program(
  cases: readonly KernelCase[],
  inputs: Int8Array,
  interleave: Parameters<typeof caseCode>[2],
) {
  const parts = cases.map((c, i) => caseCode(c, i, interleave));
  const largest = Math.max(...cases.map((c) => c.outputs));
  return [
    '/* Murmur and CMSIS-NN kernels on the same layers, each measured on its own. */',
    '#include <stdint.h>',
    '#include <string.h>',
    '#include "arm_nnfunctions.h"',
    '#include "murmur_console.h"',
    '#include "murmur_cost.h"',
    '#include "murmur_nn.h"',
    '',
    'void murmur_cost_report(const char *label, uint32_t value);',
    '/* The generated models call the interleaved convolution on the DSP path (murmur_nn.h). */',
    '#if MURMUR_NN_DSP',
    '#define CONV2D murmur_conv2d_s8_interleaved',
    '#else',
    '#define CONV2D murmur_conv2d_s8',
    '#endif',
    `static const int8_t inputs[] = {${list(inputs)}};`,
    `static int8_t in1[${inputs.length / 2}] __attribute__((aligned(4)));`,
    `static int8_t in2[${inputs.length / 2}] __attribute__((aligned(4)));`,
    `static int8_t out_murmur[${largest}] __attribute__((aligned(4)));`,
    `static int8_t out_cmsis[${largest}] __attribute__((aligned(4)));`,
    'static int32_t scratch[4096];',
    ...parts.flatMap((p) => p.defs),
    '',
    'int main(void) {',
    '  cmsis_nn_context ctx = {scratch, 0};',
    '  murmur_context ctx_murmur = {scratch, 0};',
    '  int status;',
    `  memcpy(in1, inputs, sizeof in1);`,
    `  memcpy(in2, inputs + sizeof in1, sizeof in2);`,
    ...parts.flatMap((p) => p.run),
    '  return 0;',
    '}',
    '',
  ].join('\n');
}

/** The first op of a kind in a model that `pick` accepts, as a case. */
function opCase(
  prepared: PreparedGraph,
  model: string,
  kind: GraphOp['op'],
  pick: (params: unknown) => boolean,
  summary: { ops: { macs: number; outputBytes: number }[] },
): KernelCase {
  const g = prepared.graph;
  const i = g.ops.findIndex((op, j) => op.op === kind && pick(prepared.params[j]));
  if (i < 0) throw new Error(`${model} has no ${kind} op of the shape this comparison wants`);
  const op = g.ops[i]!;
  const shape = (t: number): string => g.tensors[t]!.shape.join('x');
  const weights = op.inputs[1] !== undefined && op.inputs[1] >= 0 ? g.tensors[op.inputs[1]]!.data : undefined;
  const outChannels = g.tensors[op.outputs[0]]!.shape.at(-1)!;
  const biasTensor =
    op.inputs[2] !== undefined && op.inputs[2] >= 0 ? g.tensors[op.inputs[2]]!.data : undefined;
  return {
    name: `${model} op ${i} ${kind} ${shape(op.inputs[0])} -> ${shape(op.outputs[0])}`,
    op: kind,
    params: prepared.params[i],
    weights: weights instanceof Int8Array ? weights : undefined,
    bias:
      weights instanceof Int8Array
        ? ((biasTensor as Int32Array | undefined) ?? new Int32Array(outChannels))
        : undefined,
    macs: summary.ops[i]!.macs,
    outputs: summary.ops[i]!.outputBytes,
  };
}

export const suite: BenchSuite = {
  name: 'kernels',
  description: 'Murmur int8 kernels vs CMSIS-NN (pure C on the M0+, DSP on the M4): instructions per MAC',
  async run() {
    const root = process.env.MURMUR_CMSIS_NN_DIR;
    if (!root || !existsSync(join(root, 'Include', 'arm_nnfunctions.h'))) {
      const skipped =
        'no CMSIS-NN source tree: set MURMUR_CMSIS_NN_DIR to a CMSIS-NN checkout (https://github.com/ARM-software/CMSIS-NN) to compare against it';
      process.stderr.write(`kernels: ${skipped}; nothing measured\n`);
      return { skipped };
    }
    const { getBoard } = await import('@murmur/boards');
    const { createRng, MurmurError } = await import('@murmur/core');
    const { interleaveRows } = await import('@murmur/codegen');
    const { buildFirmware, runOnEmulator } = await import('@murmur/firmware');
    const { kernelDir, kernelSources, prepareGraph, summarizeGraph } = await import('@murmur/kernels');
    const { readTflite } = await import('@murmur/tflite');
    const { mlperfTinyDir } = await import('@murmur/tflite/testing');
    const dir = mlperfTinyDir();
    if (!dir)
      throw new MurmurError(
        'MLPerf Tiny models not found: set MURMUR_MODELS_DIR (the folder holding mlperf-tiny/)',
      );
    const model = (name: string) => {
      const prepared = prepareGraph(readTflite(join(dir, `${name}.tflite`)));
      return { prepared, summary: summarizeGraph(prepared.graph) };
    };
    const kws = model('kws_ref_model');
    const vww = model('vww_96_int8');
    const resnet = model('pretrainedResnet_quant');
    const ad = model('ad01_int8');
    const conv = (p: unknown) => p as Conv2dParams & Partial<DepthwiseConv2dParams>;
    const any = () => true;
    const cases: KernelCase[] = [
      opCase(kws.prepared, 'kws', 'conv2d', (p) => conv(p).filter[0] === 10, kws.summary),
      opCase(kws.prepared, 'kws', 'conv2d', (p) => conv(p).filter[0] === 1, kws.summary),
      opCase(
        resnet.prepared,
        'resnet',
        'conv2d',
        (p) => conv(p).filter[0] === 3 && conv(p).input[3] === 32,
        resnet.summary,
      ),
      opCase(kws.prepared, 'kws', 'depthwise_conv2d', any, kws.summary),
      opCase(
        vww.prepared,
        'vww',
        'depthwise_conv2d',
        (p) => conv(p).stride[0] === 2 && conv(p).input[3] === 128,
        vww.summary,
      ),
      opCase(ad.prepared, 'ad', 'fully_connected', any, ad.summary),
      opCase(kws.prepared, 'kws', 'fully_connected', any, kws.summary),
      opCase(kws.prepared, 'kws', 'avgpool2d', any, kws.summary),
      opCase(resnet.prepared, 'resnet', 'add', any, resnet.summary),
      opCase(kws.prepared, 'kws', 'softmax', any, kws.summary),
      {
        name: 'maxpool2d 2x2 stride 2 1x16x16x32 -> 1x8x8x32',
        op: 'maxpool2d',
        params: {
          input: [1, 16, 16, 32],
          output: [1, 8, 8, 32],
          filter: [2, 2],
          stride: [2, 2],
          pad: [0, 0],
          activationMin: -128,
          activationMax: 127,
        } satisfies Pool2dParams,
        macs: 0,
        outputs: 8 * 8 * 32,
      },
    ];
    const rng = createRng('kernels-bench');
    const largestInput = Math.max(
      ...cases
        .map(
          (c) =>
            (c.params as { input?: number[] }).input ?? [
              (c.params as { size?: number; inputs?: number; rows?: number; depth?: number }).size ?? 0,
            ],
        )
        .map((d) => d.reduce((a, b) => a * b, 1)),
      ...cases.map((c) => (c.params as { inputs?: number }).inputs ?? 0),
      ...cases.map((c) => {
        const s = c.params as { rows?: number; depth?: number };
        return (s.rows ?? 0) * (s.depth ?? 0);
      }),
    );
    const inputs = Int8Array.from({ length: 2 * largestInput }, () => rng.int(-128, 127));
    const work = mkdtempSync(join(tmpdir(), 'murmur-kernels-bench-'));
    const rows: unknown[] = [];
    try {
      writeFileSync(join(work, 'main.c'), program(cases, inputs, interleaveRows));
      for (const b of BOARDS) {
        process.stderr.write(`kernels on ${b.id}\n`);
        const board = getBoard(b.id);
        const image = await buildFirmware({
          board,
          sources: [...kernelSources, ...cmsisSources(root), join(work, 'main.c')],
          includeDirs: [kernelDir, join(root, 'Include'), work],
          outDir: join(work, b.id),
        });
        const run = await runOnEmulator({ board, elf: image.elf, timeoutMs: 10 * 60_000 });
        if (run.exitCode !== 0)
          throw new MurmurError(
            `the kernel comparison failed on ${b.id} (exit ${run.exitCode}): ${run.lines.join('\n')}`,
          );
        const cost = (label: string) => run.costs.find((c) => c.label === label)?.value ?? NaN;
        cases.forEach((c, i) => {
          const murmur = cost(`murmur${i}`);
          const cmsis = cost(`cmsis${i}`);
          const per = c.macs || c.outputs;
          rows.push({
            case: c.name,
            board: b.id,
            core: b.core,
            cmsisNn: b.cmsis,
            unit: c.macs ? 'instructions per MAC' : 'instructions per output element',
            murmur: Number((murmur / per).toFixed(3)),
            cmsisNnPer: Number((cmsis / per).toFixed(3)),
            ratio: Number((murmur / cmsis).toFixed(3)),
            instructions: { murmur, cmsisNn: cmsis },
            bytesEqual: run.lines.includes(`equal ${i} 1`),
          });
        });
      }
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
    return { cmsisNn: root, boards: BOARDS, rows };
  },
};
