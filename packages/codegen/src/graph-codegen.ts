/**
 * C for an int8 graph (an imported `.tflite`): its constants as arrays holding exactly the model's bytes
 * and the integer parameters prepared once in TypeScript (multipliers, shifts, padding, activation
 * ranges), one kernel call per op, and every activation in one arena planned at generation time — no
 * interpreter, no flatbuffer, no heap.
 */
import { cBanner, cIncludeGuard, MurmurError } from '@murmur/core';
import {
  elementCount,
  type AddParams,
  type Conv2dParams,
  type DepthwiseConv2dParams,
  type FullyConnectedParams,
  type GraphOp,
  type Pool2dParams,
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

/** Ops whose kernel may write its output over an input that dies there (element i reads only element i). */
const IN_PLACE: Partial<Record<GraphOp['op'], true>> = { reshape: true, add: true, softmax: true };

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
      size: elementCount(g.tensors[t]!.shape),
      first,
      last: lastUse.get(t) ?? first,
    });
  };
  for (const t of g.inputs) add(t, 0);
  g.ops.forEach((op, i) => {
    const out = op.outputs[0];
    const host = IN_PLACE[op.op]
      ? op.inputs.find((t) => t >= 0 && bufferOf.has(t) && lastUse.get(t) === i + 1 && !g.inputs.includes(t))
      : undefined;
    if (host !== undefined) {
      const b = bufferOf.get(host)!;
      bufferOf.set(out, b);
      buffers[b]!.last = Math.max(buffers[b]!.last, lastUse.get(out) ?? i + 1);
    } else add(out, i + 1);
    const scratch = scratchOf(op, prepared.params[i]);
    if (scratch) buffers.push({ name: `scratch${i}`, size: scratch, first: i + 1, last: i + 1 });
  });
  return { buffers, bufferOf };
}

/** Scratch bytes of an op's kernel (its `_get_buffer_size`): one int16 patch of the filter window. */
function scratchOf(op: GraphOp, params: unknown): number {
  if (op.op === 'fully_connected') return 2 * (params as FullyConnectedParams).inputs;
  if (op.op === 'conv2d') {
    const p = params as Conv2dParams;
    return 2 * p.filter[0] * p.filter[1] * p.input[3];
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
      {
        field: 'inputs',
      },
    );
  const prefix = `murmur_${cIdentifier(name)}`;
  const upper = prefix.toUpperCase();
  const { buffers, bufferOf } = lifetimes(prepared);
  const plan = planArena(buffers);
  const at = (t: number): string => `(${prefix}_arena + ${plan.buffers[bufferOf.get(t)!]!.offset})`;
  const scratchAt = (i: number): number => plan.buffers.find((b) => b.name === `scratch${i}`)!.offset;
  const rom = 'static MURMUR_ROM';
  const definitions: string[] = [];
  const calls: string[] = [];
  let constantBytes = 0;
  const array = (ctype: 'int8_t' | 'int32_t', id: string, values: Int8Array | Int32Array): string => {
    definitions.push(cArray(rom, ctype, id, values));
    constantBytes += values.byteLength;
    return id;
  };
  const quant = (p: string, op: { inputs: number[] }, q: Conv2dParams | FullyConnectedParams): string => {
    // The row kernels read a bias for every output channel: zeros when the model has none.
    const biasValues =
      op.inputs[2]! >= 0
        ? (g.tensors[op.inputs[2]!]!.data as Int32Array)
        : new Int32Array(q.multiplier.length);
    const bias = array('int32_t', `${p}_bias`, biasValues);

    array('int32_t', `${p}_multiplier`, q.multiplier);
    definitions.push(cArray(rom, 'int8_t', `${p}_shift`, Int8Array.from(q.shift)));
    constantBytes += q.shift.length;
    definitions.push(
      `${rom} murmur_quant_params ${p}_quant = {${q.inputOffset}, ${q.outputOffset}, ${q.activationMin}, ${q.activationMax}, ${bias}, ${p}_multiplier, ${p}_shift};`,
    );
    return `&${p}_quant`;
  };
  const check = (status: string): void => {
    calls.push(`  status = ${status};`, '  if (status != MURMUR_OK) return status;');
  };
  g.ops.forEach((op, i) => {
    const p = `${prefix}_op${i}`;
    const params = prepared.params[i];
    const [x, y] = [at(op.inputs[0]), at(op.outputs[0])];
    const describe = `${op.op} [${g.tensors[op.inputs[0]]!.shape.join(', ')}] -> [${g.tensors[op.outputs[0]]!.shape.join(', ')}]`;
    calls.push(`  /* op ${i}: ${describe} */`);
    if (options.profile) calls.push('  murmur_cost_begin();');
    definitions.push(
      `/* op ${i}: ${describe} ('${g.tensors[op.outputs[0]]!.name.replace(/\*\//g, '* /')}') */`,
    );
    switch (op.op) {
      case 'conv2d':
      case 'depthwise_conv2d': {
        const q = params as Conv2dParams & Partial<DepthwiseConv2dParams>;
        const u8 = (v: number, what: string): number => fits(v, 255, what, i);
        const u16 = (d: readonly number[]): number[] => d.map((v) => fits(v, 65535, 'a dimension', i));
        const qp = quant(p, op, q);
        definitions.push(
          `${rom} murmur_conv2d_params ${p}_params = {${dims(u16(q.input))}, ${dims(u16(q.output))}, ${q.filter[0]}, ${q.filter[1]}, ` +
            `${u8(q.stride[0], 'stride')}, ${u8(q.stride[1], 'stride')}, ${u8(q.dilation[0], 'dilation')}, ${u8(q.dilation[1], 'dilation')}, ` +
            `${u8(q.pad[0], 'padding')}, ${u8(q.pad[1], 'padding')}, ${u8(q.depthMultiplier ?? 1, 'depth multiplier')}};`,
        );
        const weights = g.tensors[op.inputs[1]]!.data as Int8Array;
        if (op.op === 'depthwise_conv2d') {
          array('int8_t', `${p}_filter`, weights);
          check(`murmur_depthwise_conv2d_s8(&${p}_params, ${qp}, ${x}, ${p}_filter, ${y})`);
          break;
        }
        // Rows = output channels, columns = the filter window: the matrix the row kernels read.
        const rows = q.output[3];
        const cols = weights.length / rows;
        definitions.push(
          ifDsp(
            `/* The same ${weights.length} bytes, interleaved by four rows for the dual-MAC kernels (murmur_nn.h). */\n` +
              cArray(
                'static __attribute__((aligned(4))) MURMUR_ROM',
                'int8_t',
                `${p}_filter`,
                interleaveRows(weights, rows, cols),
              ),
            cArray(rom, 'int8_t', `${p}_filter`, weights),
          ),
        );
        constantBytes += weights.length;
        calls.push(`  ctx.buf = ${prefix}_arena + ${scratchAt(i)};`, `  ctx.size = ${2 * cols};`);
        calls.push(
          ifDsp(
            `  status = murmur_conv2d_s8_interleaved(&ctx, &${p}_params, ${qp}, ${x}, ${p}_filter, ${y});`,
            `  status = murmur_conv2d_s8(&ctx, &${p}_params, ${qp}, ${x}, ${p}_filter, ${y});`,
          ),
          '  if (status != MURMUR_OK) return status;',
        );
        break;
      }
      case 'fully_connected': {
        const q = params as FullyConnectedParams;
        if (q.weightsOffset !== 0)
          throw new MurmurError(`op ${i}: weights with a zero point are not supported`, {
            field: `ops[${i}]`,
          });
        const weights = array('int8_t', `${p}_weights`, g.tensors[op.inputs[1]]!.data as Int8Array);
        const qp = quant(p, op, q);
        definitions.push(
          `${rom} murmur_fc_params ${p}_params = {${fits(q.inputs, 32767, 'inputs', i)}, ${fits(q.outputs, 65535, 'outputs', i)}};`,
        );
        calls.push(`  ctx.buf = ${prefix}_arena + ${scratchAt(i)};`, `  ctx.size = ${2 * q.inputs};`);
        if (q.batches === 1)
          check(`murmur_fully_connected_s8(&ctx, &${p}_params, ${qp}, ${x}, ${weights}, ${y})`);
        else {
          calls.push(`  for (b = 0; b < ${q.batches}u; b++) {`);
          calls.push(
            `    status = murmur_fully_connected_s8(&ctx, &${p}_params, ${qp}, ${x} + b * ${q.inputs}u, ${weights}, ${y} + b * ${q.outputs}u);`,
            '    if (status != MURMUR_OK) return status;',
            '  }',
          );
        }
        break;
      }
      case 'avgpool2d':
      case 'maxpool2d': {
        const q = params as Pool2dParams;
        definitions.push(
          `${rom} murmur_pool2d_params ${p}_params = {${dims(q.input)}, ${dims(q.output)}, ${q.filter[0]}, ${q.filter[1]}, ` +
            `${fits(q.stride[0], 255, 'stride', i)}, ${fits(q.stride[1], 255, 'stride', i)}, ${fits(q.pad[0], 255, 'padding', i)}, ${fits(q.pad[1], 255, 'padding', i)}, ` +
            `${q.activationMin}, ${q.activationMax}};`,
        );
        check(`murmur_${op.op}_s8(&${p}_params, ${x}, ${y})`);
        break;
      }
      case 'add': {
        const q = params as AddParams;
        definitions.push(
          `${rom} murmur_add_params ${p}_params = {${q.size}u, ${q.input1Offset}, ${q.input2Offset}, ${q.outputOffset}, ${q.activationMin}, ${q.activationMax}, ` +
            `${q.leftShift}, ${q.input1Shift}, ${q.input2Shift}, ${q.outputShift}, ${int32Literal(q.input1Multiplier)}, ${int32Literal(q.input2Multiplier)}, ${int32Literal(q.outputMultiplier)}};`,
        );
        check(`murmur_add_s8(&${p}_params, ${x}, ${at(op.inputs[1])}, ${y})`);
        break;
      }
      case 'reshape':
        if (x === y) calls.push('  /* the same bytes under a new shape: nothing to do */');
        else calls.push(`  memcpy(${y}, ${x}, ${elementCount(g.tensors[op.outputs[0]]!.shape)}u);`);
        break;
      case 'softmax': {
        const q = params as SoftmaxParams;
        definitions.push(
          `${rom} murmur_softmax_params ${p}_params = {${q.rows}, ${q.depth}, ${int32Literal(q.inputMultiplier)}, ${q.inputLeftShift}, ${q.diffMin}};`,
        );
        check(`murmur_softmax_s8(&${p}_params, ${x}, ${y})`);
        break;
      }
    }
    if (options.profile) calls.push(`  murmur_cost_report("op${i}", murmur_cost_end());`);
  });
  const input = g.tensors[g.inputs[0]!]!;
  const output = g.tensors[g.outputs[0]!]!;
  const inputSize = elementCount(input.shape);
  const outputSize = elementCount(output.shape);
  const quantText = (t: typeof input): string =>
    `scale ${t.quant?.scale[0]}, zero point ${t.quant?.zeroPoint[0]}`;
  const banner = cBanner(
    [
      `Model '${name}': ${g.ops.length} ops, input [${input.shape.join(', ')}] int8 (${quantText(input)}), output [${output.shape.join(', ')}] int8 (${quantText(output)}).`,
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
      '#ifdef __cplusplus',
      'extern "C" {',
      '#endif',
      '',
      `#define ${upper}_INPUT_SIZE ${inputSize}u`,
      `#define ${upper}_OUTPUT_SIZE ${outputSize}u`,
      `#define ${upper}_ARENA_BYTES ${plan.size}u`,
      '',
      `/** One inference: ${inputSize} int8 input values to ${outputSize} int8 outputs. 0 or a murmur_status. */`,
      `int ${prefix}_invoke(const int8_t *input, int8_t *output);`,
      '',
      '#ifdef __cplusplus',
      '}',
      '#endif',
      '',
    ].join('\n'),
  )}`;
  const planLines = plan.buffers.map(
    (b) =>
      ` *   ${b.name.padEnd(10)} offset ${String(b.offset).padStart(6)}  ${String(b.size).padStart(6)} B  steps ${b.first}..${b.last}`,
  );
  const usesFc = g.ops.some((o) => o.op === 'fully_connected' || o.op === 'conv2d');
  const usesBatches = g.ops.some(
    (o, i) => o.op === 'fully_connected' && (prepared.params[i] as FullyConnectedParams).batches > 1,
  );
  const usesStatus = g.ops.some((o) => o.op !== 'reshape');
  const source = [
    banner,
    `#include "${headerName}"`,
    '',
    '#include <string.h>',
    '',
    '#include "murmur_nn.h"',
    ...(options.profile
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
    ...definitions.flatMap((d) => [d, '']),
    `int ${prefix}_invoke(const int8_t *input, int8_t *output) {`,
    ...(usesFc ? ['  murmur_context ctx;'] : []),
    ...(usesBatches ? ['  uint32_t b;'] : []),
    ...(usesStatus ? ['  murmur_status status;'] : []),
    `  memcpy(${at(g.inputs[0]!)}, input, ${inputSize}u);`,
    ...calls,
    `  memcpy(output, ${at(g.outputs[0]!)}, ${outputSize}u);`,
    '  return MURMUR_OK;',
    '}',
    '',
  ].join('\n');
  return { headerName, sourceName: `${prefix}.c`, header, source, plan, constantBytes };
}
