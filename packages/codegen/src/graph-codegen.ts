/**
 * C for an int8 graph (an imported `.tflite`): its constants as arrays holding exactly the model's bytes
 * and the integer parameters prepared once in TypeScript (multipliers, shifts, padding, activation
 * ranges), one kernel call per op, and every activation in one arena planned at generation time — no
 * interpreter, no flatbuffer, no heap. A model with float32 edges (QUANTIZE from a float32 input,
 * DEQUANTIZE to a float32 output) takes and gives `float *`; its float tensors sit in the arena too.
 */
import { cBanner, cExternC, cFloat, cFloatSemantics, cIncludeGuard, MurmurError } from '@murmur/core';
import {
  elementCount,
  tensorBytes,
  type AddParams,
  type DequantizeParams,
  type GraphTensor,
  type Conv2dParams,
  type DepthwiseConv2dParams,
  type FullyConnectedParams,
  type GraphOp,
  type MeanParams,
  type PadParams,
  type Pool2dParams,
  type QuantizeParams,
  type PreparedGraph,
  type SoftmaxParams,
} from '@murmur/kernels';
import { cArray, cIdentifier, int32Literal } from './c-emit';
import { interleaveRows } from './model-codegen';
import { planArena, type ArenaPlan, type BufferLifetime } from './memory-planner';

const GENERATOR = '@murmur/codegen (graph-codegen.ts)';

export interface GeneratedGraphModel {
  headerName: string;
  sourceName: string;
  header: string;
  source: string;
  plan: ArenaPlan;
  /** Bytes of the model's constants in the generated arrays (weights, biases, multipliers, shifts). */
  constantBytes: number;
}

/**
 * Whether an op's kernel may write its output over its first input when that input dies there:
 * element-wise ops (element i reads only element i); a 1 x 1 convolution with stride 1, no padding and no more
 * output than input channels (a pixel's input is in the patch before its outputs, which cover only that pixel's
 * and earlier pixels' bytes, are written); a depthwise convolution with stride 1 and depth multiplier 1 whose
 * output has the input's shape (murmur_depthwise_conv2d_s8_in_place keeps the input rows still needed in its
 * scratch: filter_h rows).
 */
export function runsInPlace(op: GraphOp, params: unknown): boolean {
  if (op.op === 'reshape' || op.op === 'add' || op.op === 'softmax') return true;
  // int8 to int8 only: a float32 input is 4 bytes an element, a float32 output would overrun its int8 input.
  if (op.op === 'quantize') return (params as QuantizeParams).from === 'int8';
  if (op.op === 'conv2d') {
    const p = params as Conv2dParams;
    return (
      p.filter[0] === 1 &&
      p.filter[1] === 1 &&
      p.stride[0] === 1 &&
      p.stride[1] === 1 &&
      p.pad[0] === 0 &&
      p.pad[1] === 0 &&
      p.output[1] === p.input[1] &&
      p.output[2] === p.input[2] &&
      p.output[3] <= p.input[3]
    );
  }
  if (op.op === 'depthwise_conv2d') {
    const p = params as DepthwiseConv2dParams;
    return (
      p.stride[0] === 1 &&
      p.stride[1] === 1 &&
      p.dilation[0] === 1 &&
      p.depthMultiplier === 1 &&
      p.output.every((d, k) => d === p.input[k]) &&
      p.pad[0] < p.filter[0]
    );
  }
  return false;
}

/** Which arena buffer holds each activation, and the buffers' lifetimes: op i runs at step i + 1. */
function lifetimes(prepared: PreparedGraph): { buffers: BufferLifetime[]; bufferOf: Map<number, number> } {
  const g = prepared.graph;
  const n = g.ops.length;
  const lastUse = new Map<number, number>();
  g.ops.forEach((op, i) => op.inputs.forEach((t) => t >= 0 && !g.tensors[t]!.data && lastUse.set(t, i + 1)));
  for (const t of g.outputs) lastUse.set(t, n + 1);
  const buffers: BufferLifetime[] = [];
  const bufferOf = new Map<number, number>();
  const add = (t: number, first: number): void => {
    bufferOf.set(t, buffers.length);
    buffers.push({
      name: `t${t}`,
      size: tensorBytes(g.tensors[t]!),
      first,
      last: lastUse.get(t) ?? first,
    });
  };
  for (const t of g.inputs) add(t, 0);
  g.ops.forEach((op, i) => {
    const out = op.outputs[0];
    // A convolution writes over its activation input only; an ADD over an input of the output's size (not one broadcast).
    const outputSize = elementCount(g.tensors[out]!.shape);
    const candidates =
      op.op === 'conv2d' || op.op === 'depthwise_conv2d'
        ? [op.inputs[0]]
        : op.inputs.filter((t) => t >= 0 && elementCount(g.tensors[t]!.shape) === outputSize);
    const host = runsInPlace(op, prepared.params[i])
      ? candidates.find((t) => t >= 0 && bufferOf.has(t) && lastUse.get(t) === i + 1 && !g.inputs.includes(t))
      : undefined;
    if (host !== undefined) {
      const b = bufferOf.get(host)!;
      bufferOf.set(out, b);
      buffers[b]!.last = Math.max(buffers[b]!.last, lastUse.get(out) ?? i + 1);
    } else add(out, i + 1);
    const scratch = scratchOf(op, prepared.params[i], host !== undefined);
    if (scratch) buffers.push({ name: `scratch${i}`, size: scratch, first: i + 1, last: i + 1 });
  });
  return { buffers, bufferOf };
}

/**
 * Scratch bytes of an op's kernel (its `_get_buffer_size`): one int16 patch of the filter window; in place, a
 * depthwise convolution's filter_h rows of input.
 */
function scratchOf(op: GraphOp, params: unknown, inPlace: boolean): number {
  if (op.op === 'fully_connected') return 2 * (params as FullyConnectedParams).inputs;
  if (op.op === 'conv2d') {
    const p = params as Conv2dParams;
    return 2 * p.filter[0] * p.filter[1] * p.input[3];
  }
  if (op.op === 'depthwise_conv2d' && inPlace) {
    const p = params as Conv2dParams;
    return p.filter[0] * p.input[2] * p.input[3];
  }
  return 0;
}

const ifDsp = (dsp: string, plain: string): string => `#if MURMUR_NN_DSP\n${dsp}\n#else\n${plain}\n#endif`;

const dims = (d: readonly number[]): string => `{${d.join(', ')}}`;

function fits(value: number, max: number, what: string, op: number): number {
  if (!Number.isInteger(value) || value < 0 || value > max)
    throw new MurmurError(`op ${op}: ${what} ${value} does not fit the kernel's parameters (0..${max})`, {
      field: `ops[${op}]`,
    });
  return value;
}

/** What the per-op emitters write into: constant definitions, the invoke function's statements. */
class Emitter {
  readonly definitions: string[] = [];
  readonly calls: string[] = [];
  constantBytes = 0;
  readonly rom = 'static MURMUR_ROM';

  constructor(
    readonly prepared: PreparedGraph,
    readonly prefix: string,
    readonly plan: ArenaPlan,
    private readonly bufferOf: Map<number, number>,
  ) {}

  /** A tensor's place in the arena, as a C expression (an int8_t pointer). */
  at(t: number): string {
    return `(${this.prefix}_arena + ${this.plan.buffers[this.bufferOf.get(t)!]!.offset})`;
  }

  /** A float32 tensor's place in the arena (its offset is a multiple of 4, the arena 4-byte aligned). */
  atFloat(t: number): string {
    return `((float *)(void *)${this.at(t)})`;
  }

  /** Points the kernel context at op i's scratch buffer, as the arena plan placed and sized it (scratchOf). */
  scratch(i: number): void {
    const buffer = this.plan.buffers.find((b) => b.name === `scratch${i}`)!;
    this.calls.push(`  ctx.buf = ${this.prefix}_arena + ${buffer.offset};`, `  ctx.size = ${buffer.size};`);
  }

  array(ctype: 'int8_t' | 'int32_t', id: string, values: Int8Array | Int32Array): string {
    this.definitions.push(cArray(this.rom, ctype, id, values));
    this.constantBytes += values.byteLength;
    return id;
  }

  /** An op's murmur_quant_params: offsets, clamp, bias (zeros when the model has none), multipliers, shifts. */
  quant(p: string, op: { inputs: number[] }, q: Conv2dParams | FullyConnectedParams): string {
    const g = this.prepared.graph;
    const bias =
      op.inputs[2]! >= 0
        ? (g.tensors[op.inputs[2]!]!.data as Int32Array)
        : new Int32Array(q.multiplier.length);
    this.array('int32_t', `${p}_bias`, bias);
    this.array('int32_t', `${p}_multiplier`, q.multiplier);
    this.definitions.push(cArray(this.rom, 'int8_t', `${p}_shift`, Int8Array.from(q.shift)));
    this.constantBytes += q.shift.length;
    this.definitions.push(
      `${this.rom} murmur_quant_params ${p}_quant = {${q.inputOffset}, ${q.outputOffset}, ${q.activationMin}, ${q.activationMax}, ${p}_bias, ${p}_multiplier, ${p}_shift, 0, 0};`,
    );
    return `&${p}_quant`;
  }

  /** A kernel call whose status is checked. */
  check(call: string): void {
    this.calls.push(`  status = ${call};`, '  if (status != MURMUR_OK) return status;');
  }
}

interface OpEmit<O extends GraphOp> {
  (e: Emitter, op: O, params: unknown, i: number, p: string): void;
}

const emitConv: OpEmit<GraphOp & { op: 'conv2d' | 'depthwise_conv2d' }> = (e, op, params, i, p) => {
  const q = params as Conv2dParams & Partial<DepthwiseConv2dParams>;
  const u8 = (v: number, what: string): number => fits(v, 255, what, i);
  const u16 = (d: readonly number[]): number[] => d.map((v) => fits(v, 65535, 'a dimension', i));
  const quant = e.quant(p, op, q);
  e.definitions.push(
    `${e.rom} murmur_conv2d_params ${p}_params = {${dims(u16(q.input))}, ${dims(u16(q.output))}, ${q.filter[0]}, ${q.filter[1]}, ` +
      `${u8(q.stride[0], 'stride')}, ${u8(q.stride[1], 'stride')}, ${u8(q.dilation[0], 'dilation')}, ${u8(q.dilation[1], 'dilation')}, ` +
      `${u8(q.pad[0], 'padding')}, ${u8(q.pad[1], 'padding')}, ${u8(q.depthMultiplier ?? 1, 'depth multiplier')}};`,
  );
  const weights = e.prepared.graph.tensors[op.inputs[1]]!.data as Int8Array;
  const [x, y] = [e.at(op.inputs[0]), e.at(op.outputs[0])];
  if (op.op === 'depthwise_conv2d') {
    e.array('int8_t', `${p}_filter`, weights);
    if (x === y) {
      e.scratch(i);
      e.check(`murmur_depthwise_conv2d_s8_in_place(&ctx, &${p}_params, ${quant}, ${y}, ${p}_filter)`);
    } else e.check(`murmur_depthwise_conv2d_s8(&${p}_params, ${quant}, ${x}, ${p}_filter, ${y})`);
    return;
  }
  // Rows = output channels, columns = the filter window: the matrix the row kernels read.
  const rows = q.output[3];
  const cols = weights.length / rows;
  e.definitions.push(
    ifDsp(
      `/* The same ${weights.length} bytes, interleaved by four rows for the dual-MAC kernels (murmur_nn.h). */\n` +
        cArray(
          'static __attribute__((aligned(4))) MURMUR_ROM',
          'int8_t',
          `${p}_filter`,
          interleaveRows(weights, rows, cols),
        ),
      cArray(e.rom, 'int8_t', `${p}_filter`, weights),
    ),
  );
  e.constantBytes += weights.length;
  e.scratch(i);
  e.calls.push(
    ifDsp(
      `  status = murmur_conv2d_s8_interleaved(&ctx, &${p}_params, ${quant}, ${x}, ${p}_filter, ${y});`,
      `  status = murmur_conv2d_s8(&ctx, &${p}_params, ${quant}, ${x}, ${p}_filter, ${y});`,
    ),
    '  if (status != MURMUR_OK) return status;',
  );
};

const emitFullyConnected: OpEmit<GraphOp & { op: 'fully_connected' }> = (e, op, params, i, p) => {
  const q = params as FullyConnectedParams;
  if (q.weightsOffset !== 0)
    throw new MurmurError(`op ${i}: weights with a zero point are not supported`, { field: `ops[${i}]` });
  const weights = e.array(
    'int8_t',
    `${p}_weights`,
    e.prepared.graph.tensors[op.inputs[1]]!.data as Int8Array,
  );
  const quant = e.quant(p, op, q);
  e.definitions.push(
    `${e.rom} murmur_fc_params ${p}_params = {${fits(q.inputs, 32767, 'inputs', i)}, ${fits(q.outputs, 65535, 'outputs', i)}};`,
  );
  e.scratch(i);
  const [x, y] = [e.at(op.inputs[0]), e.at(op.outputs[0])];
  if (q.batches === 1) {
    e.check(`murmur_fully_connected_s8(&ctx, &${p}_params, ${quant}, ${x}, ${weights}, ${y})`);
    return;
  }
  e.calls.push(
    `  for (b = 0; b < ${q.batches}u; b++) {`,
    `    status = murmur_fully_connected_s8(&ctx, &${p}_params, ${quant}, ${x} + b * ${q.inputs}u, ${weights}, ${y} + b * ${q.outputs}u);`,
    '    if (status != MURMUR_OK) return status;',
    '  }',
  );
};

const emitPool: OpEmit<GraphOp & { op: 'avgpool2d' | 'maxpool2d' }> = (e, op, params, i, p) => {
  const q = params as Pool2dParams;
  const u8 = (v: number, what: string): number => fits(v, 255, what, i);
  e.definitions.push(
    `${e.rom} murmur_pool2d_params ${p}_params = {${dims(q.input)}, ${dims(q.output)}, ${q.filter[0]}, ${q.filter[1]}, ` +
      `${u8(q.stride[0], 'stride')}, ${u8(q.stride[1], 'stride')}, ${u8(q.pad[0], 'padding')}, ${u8(q.pad[1], 'padding')}, ` +
      `${q.activationMin}, ${q.activationMax}};`,
  );
  e.check(`murmur_${op.op}_s8(&${p}_params, ${e.at(op.inputs[0])}, ${e.at(op.outputs[0])})`);
};

const emitAdd: OpEmit<GraphOp & { op: 'add' }> = (e, op, params, _i, p) => {
  const q = params as AddParams;
  e.definitions.push(
    `${e.rom} murmur_add_params ${p}_params = {${q.size}u, ${q.input1Offset}, ${q.input2Offset}, ${q.outputOffset}, ${q.activationMin}, ${q.activationMax}, ` +
      `${q.leftShift}, ${q.input1Shift}, ${q.input2Shift}, ${q.outputShift}, ${int32Literal(q.input1Multiplier)}, ${int32Literal(q.input2Multiplier)}, ${int32Literal(q.outputMultiplier)}};`,
  );
  const [a, b, y] = [e.at(op.inputs[0]), e.at(op.inputs[1]), e.at(op.outputs[0])];
  if (!q.broadcast) {
    e.check(`murmur_add_s8(&${p}_params, ${a}, ${b}, ${y})`);
    return;
  }
  const { output, stride1, stride2 } = q.broadcast;
  e.definitions.push(
    `${e.rom} murmur_add_broadcast ${p}_broadcast = {${dims(output)}, {${stride1.join(', ')}}, {${stride2.join(', ')}}};`,
  );
  e.check(`murmur_add_broadcast_s8(&${p}_params, &${p}_broadcast, ${a}, ${b}, ${y})`);
};

const emitReshape: OpEmit<GraphOp & { op: 'reshape' }> = (e, op) => {
  const [x, y] = [e.at(op.inputs[0]), e.at(op.outputs[0])];
  if (x === y) e.calls.push('  /* the same bytes under a new shape: nothing to do */');
  else
    e.calls.push(`  memcpy(${y}, ${x}, ${elementCount(e.prepared.graph.tensors[op.outputs[0]]!.shape)}u);`);
};

const emitSoftmax: OpEmit<GraphOp & { op: 'softmax' }> = (e, op, params, _i, p) => {
  const q = params as SoftmaxParams;
  e.definitions.push(
    `${e.rom} murmur_softmax_params ${p}_params = {${q.rows}, ${q.depth}, ${int32Literal(q.inputMultiplier)}, ${q.inputLeftShift}, ${q.diffMin}};`,
  );
  e.check(`murmur_softmax_s8(&${p}_params, ${e.at(op.inputs[0])}, ${e.at(op.outputs[0])})`);
};

const emitPad: OpEmit<GraphOp & { op: 'pad' }> = (e, op, params, _i, p) => {
  const q = params as PadParams;
  e.definitions.push(
    `${e.rom} murmur_pad_params ${p}_params = {${dims(q.input)}, ${dims(q.output)}, ${dims(q.before)}, ${q.padValue}};`,
  );
  e.check(`murmur_pad_s8(&${p}_params, ${e.at(op.inputs[0])}, ${e.at(op.outputs[0])})`);
};

const emitMean: OpEmit<GraphOp & { op: 'mean' }> = (e, op, params, _i, p) => {
  const q = params as MeanParams;
  e.definitions.push(
    `${e.rom} murmur_mean_params ${p}_params = {${dims(q.input)}, ${q.reduceHeight ? 1 : 0}, ${q.reduceWidth ? 1 : 0}, ` +
      `${q.inputZeroPoint}, ${q.outputZeroPoint}, ${q.shift}, ${int32Literal(q.multiplier)}};`,
  );
  e.check(`murmur_mean_s8(&${p}_params, ${e.at(op.inputs[0])}, ${e.at(op.outputs[0])})`);
};

const emitQuantize: OpEmit<GraphOp & { op: 'quantize' }> = (e, op, params, _i, p) => {
  const q = params as QuantizeParams;
  if (q.from === 'float32') {
    e.definitions.push(
      `${e.rom} murmur_affine_params ${p}_params = {${q.size}u, ${cFloat(q.scale)}, ${q.zeroPoint}};`,
    );
    e.check(`murmur_quantize_f32_s8(&${p}_params, ${e.atFloat(op.inputs[0])}, ${e.at(op.outputs[0])})`);
    return;
  }
  e.definitions.push(
    `${e.rom} murmur_requantize_params ${p}_params = {${q.size}u, ${q.inputZeroPoint}, ${q.outputZeroPoint}, ${q.shift}, ${int32Literal(q.multiplier)}};`,
  );
  e.check(`murmur_requantize_s8(&${p}_params, ${e.at(op.inputs[0])}, ${e.at(op.outputs[0])})`);
};

const emitDequantize: OpEmit<GraphOp & { op: 'dequantize' }> = (e, op, params, _i, p) => {
  const q = params as DequantizeParams;
  e.definitions.push(
    `${e.rom} murmur_affine_params ${p}_params = {${q.size}u, ${cFloat(q.scale)}, ${q.zeroPoint}};`,
  );
  e.check(`murmur_dequantize_s8_f32(&${p}_params, ${e.at(op.inputs[0])}, ${e.atFloat(op.outputs[0])})`);
};

/** Each op's C: its constant definitions and its kernel call. */
const EMIT: { [O in GraphOp as O['op']]: OpEmit<O> } = {
  conv2d: emitConv,
  depthwise_conv2d: emitConv,
  fully_connected: emitFullyConnected,
  avgpool2d: emitPool,
  maxpool2d: emitPool,
  add: emitAdd,
  reshape: emitReshape,
  softmax: emitSoftmax,
  pad: emitPad,
  mean: emitMean,
  quantize: emitQuantize,
  dequantize: emitDequantize,
};

/** The C element type of a graph input or output. */
export const cTypeOf = (t: GraphTensor): 'float' | 'int8_t' => (t.type === 'float32' ? 'float' : 'int8_t');

/** Generates `murmur_<name>.h/.c` for a prepared int8 graph. */
export function generateGraphCode(
  prepared: PreparedGraph,
  name: string,
  origin: string,
  options: { profile?: boolean } = {},
): GeneratedGraphModel {
  const g = prepared.graph;
  if (g.inputs.length !== 1 || g.outputs.length !== 1)
    throw new MurmurError(
      `the generated C takes one input and one output; the graph has ${g.inputs.length} and ${g.outputs.length}`,
      { field: 'inputs' },
    );
  const prefix = `murmur_${cIdentifier(name)}`;
  const { buffers, bufferOf } = lifetimes(prepared);
  const plan = planArena(buffers);
  const e = new Emitter(prepared, prefix, plan, bufferOf);
  g.ops.forEach((op, i) => {
    const describe = `${op.op} [${g.tensors[op.inputs[0]]!.shape.join(', ')}] -> [${g.tensors[op.outputs[0]]!.shape.join(', ')}]`;
    e.calls.push(`  /* op ${i}: ${describe} */`);
    e.definitions.push(
      `/* op ${i}: ${describe} ('${g.tensors[op.outputs[0]]!.name.replace(/\*\//g, '* /')}') */`,
    );
    if (options.profile) e.calls.push('  murmur_cost_begin();');
    (EMIT[op.op] as OpEmit<GraphOp>)(e, op, prepared.params[i], i, `${prefix}_op${i}`);
    if (options.profile) e.calls.push(`  murmur_cost_report("op${i}", murmur_cost_end());`);
  });
  return assemble(e, name, origin, options.profile === true);
}

/** The header and the source around the emitted definitions and calls. */
function assemble(e: Emitter, name: string, origin: string, profile: boolean): GeneratedGraphModel {
  const { prepared, prefix, plan, constantBytes } = e;
  const g = prepared.graph;
  const upper = prefix.toUpperCase();
  const input = g.tensors[g.inputs[0]!]!;
  const output = g.tensors[g.outputs[0]!]!;
  const inputSize = elementCount(input.shape);
  const outputSize = elementCount(output.shape);
  const [inType, outType] = [cTypeOf(input), cTypeOf(output)];
  const quantText = (t: typeof input): string =>
    t.type === 'float32'
      ? 'float32'
      : `int8 (scale ${t.quant?.scale[0]}, zero point ${t.quant?.zeroPoint[0]})`;
  const banner = cBanner(
    [
      `Model '${name}': ${g.ops.length} ops, input [${input.shape.join(', ')}] ${quantText(input)}, output [${output.shape.join(', ')}] ${quantText(output)}.`,
      `Constants ${constantBytes} bytes, arena ${plan.size} bytes.`,
    ],
    GENERATOR,
    origin,
  );
  const headerName = `${prefix}.h`;
  const header = `${banner}\n${cIncludeGuard(
    `${upper}_H`,
    [
      '',
      '#include <stdint.h>',
      '',
      ...cExternC([
        `#define ${upper}_INPUT_SIZE ${inputSize}u`,
        `#define ${upper}_OUTPUT_SIZE ${outputSize}u`,
        `#define ${upper}_ARENA_BYTES ${plan.size}u`,
        '',
        `/** One inference: ${inputSize} ${input.type} input values to ${outputSize} ${output.type} outputs. 0 or a murmur_status. */`,
        `int ${prefix}_invoke(const ${inType} *input, ${outType} *output);`,
      ]),
      '',
    ].join('\n'),
  )}`;
  const planLines = plan.buffers.map(
    (b) =>
      ` *   ${b.name.padEnd(10)} offset ${String(b.offset).padStart(6)}  ${String(b.size).padStart(6)} B  steps ${b.first}..${b.last}`,
  );
  const usesScratch = plan.buffers.some((b) => b.name.startsWith('scratch'));
  const usesBatches = g.ops.some(
    (o, i) => o.op === 'fully_connected' && (prepared.params[i] as FullyConnectedParams).batches > 1,
  );
  const usesStatus = g.ops.some((o) => o.op !== 'reshape');
  const source = [
    banner,
    cFloatSemantics(),
    `#include "${headerName}"`,
    '',
    '#include <string.h>',
    '',
    '#include "murmur_nn.h"',
    ...(profile
      ? ['#include "murmur_cost.h"', '', 'void murmur_cost_report(const char *label, uint32_t value);']
      : []),
    '',
    `/* Activations and scratch; offsets planned at generation time (step 0 copies the input in, op i runs at step i + 1):`,
    ...planLines,
    ' */',
    'static union {',
    '  int32_t align;',
    `  int8_t bytes[${Math.max(plan.size, 1)}];`,
    `} ${prefix}_arena_storage;`,
    `#define ${prefix}_arena (${prefix}_arena_storage.bytes)`,
    '',
    ...e.definitions.flatMap((d) => [d, '']),
    `int ${prefix}_invoke(const ${inType} *input, ${outType} *output) {`,
    ...(usesScratch ? ['  murmur_context ctx;'] : []),
    ...(usesBatches ? ['  uint32_t b;'] : []),
    ...(usesStatus ? ['  murmur_status status;'] : []),
    `  memcpy(${e.at(g.inputs[0]!)}, input, ${tensorBytes(input)}u);`,
    ...e.calls,
    `  memcpy(output, ${e.at(g.outputs[0]!)}, ${tensorBytes(output)}u);`,
    '  return MURMUR_OK;',
    '}',
    '',
  ].join('\n');
  return { headerName, sourceName: `${prefix}.c`, header, source, plan, constantBytes };
}
