import type { Command } from 'commander';
import type { CommandModule } from './index';
import { printJson, printTable } from '../output';
import { registerTfliteBuild } from './tflite-build';
import { registerTfliteExport } from './tflite-export';
import { registerTfliteVerify } from './tflite-verify';

const shape = (s: number[]): string => `[${s.join(',')}]`;

export function registerTflite(program: Command): void {
  const tflite = program
    .command('tflite')
    .description('bring your own model: a .tflite (int8, float32 at its edges) in, C out');
  tflite
    .command('inspect')
    .description('operators, shapes, quantization, MACs and constant bytes of a .tflite model')
    .argument('<model>', 'the .tflite file')
    .option('--json', 'print JSON')
    .action(async (file: string, opts: { json?: boolean }) => {
      const { readTflite } = await import('@murmur/tflite');
      const { prepareGraph, summarizeGraph } = await import('@murmur/kernels');
      const graph = readTflite(file);
      prepareGraph(graph);
      const summary = summarizeGraph(graph);
      const quant = (t: number) => {
        const q = graph.tensors[t]!.quant;
        return q
          ? {
              scale: q.scale.length > 1 ? `${q.scale.length} per-channel` : q.scale[0],
              zeroPoint: q.zeroPoint[0],
            }
          : {};
      };
      if (opts.json) {
        printJson({
          model: graph.name,
          inputs: graph.inputs.map((t) => ({
            name: graph.tensors[t]!.name,
            shape: graph.tensors[t]!.shape,
            type: graph.tensors[t]!.type,
            ...quant(t),
          })),
          outputs: graph.outputs.map((t) => ({
            name: graph.tensors[t]!.name,
            shape: graph.tensors[t]!.shape,
            type: graph.tensors[t]!.type,
            ...quant(t),
          })),
          ops: summary.ops.map((o, i) => ({
            ...o,
            ...graph.ops[i],
            name: graph.tensors[graph.ops[i]!.outputs[0]]!.name,
          })),
          macs: summary.macs,
          constantBytes: summary.constantBytes,
          largestActivationBytes: summary.largestActivationBytes,
        });
        return;
      }
      printTable(
        ['#', 'op', 'inputs', 'output', 'MACs', 'constant B'],
        summary.ops.map((o) => [
          o.index,
          o.op,
          o.inputs.map(shape).join(' '),
          shape(o.output),
          o.macs,
          o.constantBytes,
        ]),
      );
      const io = (t: number) =>
        `${graph.tensors[t]!.name} ${shape(graph.tensors[t]!.shape)} ` +
        (graph.tensors[t]!.type === 'float32'
          ? 'float32'
          : `int8 (scale ${graph.tensors[t]!.quant?.scale[0]}, zero point ${graph.tensors[t]!.quant?.zeroPoint[0]})`);
      process.stdout.write(
        `\n${graph.name}: ${summary.ops.length} ops, ${summary.macs.toLocaleString('en')} MACs, ${summary.constantBytes.toLocaleString('en')} B of weights and biases, largest activation ${summary.largestActivationBytes.toLocaleString('en')} B\n` +
          `input  ${graph.inputs.map(io).join(', ')}\noutput ${graph.outputs.map(io).join(', ')}\n`,
      );
    });
  registerTfliteBuild(tflite);
  registerTfliteVerify(tflite);
  registerTfliteExport(tflite);
}

export const command: CommandModule = { order: 45, register: registerTflite };
