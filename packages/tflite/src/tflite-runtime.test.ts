import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MurmurError } from '@murmur/core';
import { inferGraph, prepareGraph } from '@murmur/kernels';
import { floatEdgesGraph, floatInputs } from '@murmur/kernels/testing';
import { exportTflite } from './export';
import { readGolden } from './golden';
import { importTflite } from './import';
import { MLPERF_TINY_MODELS, mlperfTiny } from './testing';
import { loadTfliteRuntime } from './tflite-runtime';

const models = mlperfTiny();

describe('TensorFlow Lite itself on the files Murmur writes', () => {
  it.skipIf(models.skip)(
    models.title(
      'runs each MLPerf Tiny model re-exported by Murmur exactly as the original, on every golden case',
    ),
    async () => {
      for (const name of MLPERF_TINY_MODELS) {
        const original = readFileSync(join(models.dir, `${name}.tflite`));
        const exported = exportTflite(importTflite(original, `${name}.tflite`, name));
        const golden = readGolden(join(models.dir, 'golden', `${name}.json`));
        const a = await loadTfliteRuntime(original, `${name}.tflite`);
        const b = await loadTfliteRuntime(exported, `${name} (exported)`);
        expect(b.inputs).toEqual(a.inputs);
        expect(b.outputs).toEqual(a.outputs);
        for (const [i, c] of golden.cases.entries()) {
          const [fromOriginal] = a.run([c.input]);
          const [fromExported] = b.run([c.input]);
          expect([...fromExported!], `${name} case ${i}`).toEqual([...fromOriginal!]);
        }
        a.close();
        b.close();
      }
    },
  );

  it('runs a model with float32 edges (QUANTIZE from float32, DEQUANTIZE to float32) as Murmur does, within one step of the output scale', async () => {
    for (const graph of [floatEdgesGraph(), floatEdgesGraph('float-edges-conv', 'conv2d')]) {
      const prepared = prepareGraph(graph);
      const tflite = await loadTfliteRuntime(exportTflite(graph), `${graph.name}.tflite`);
      expect(tflite.inputs.map((t) => t.dataType)).toEqual(['float32']);
      expect(tflite.outputs.map((t) => t.dataType)).toEqual(['float32']);
      const outScale = graph.tensors[graph.ops[1]!.outputs[0]]!.quant!.scale[0]!;
      const size = graph.tensors[graph.inputs[0]!]!.shape.reduce((a, b) => a * b, 1);
      let [values, equal, worst] = [0, 0, 0];
      for (let c = 0; c < 32; c++) {
        // Finite inputs: TFLite leaves the conversion of NaN and infinities to an integer undefined.
        const x = floatInputs(`tflite-runtime ${c}`, size, 0.03, true);
        const murmur = inferGraph(prepared, [x])[0] as Float32Array;
        const [theirs] = tflite.run([x]);
        expect(theirs).toBeInstanceOf(Float32Array);
        murmur.forEach((v, k) => {
          // Both are scale · (q − zero point) of an int8 q: the difference in q.
          const steps = Math.abs(Math.round(v / outScale) - Math.round(theirs![k]! / outScale));
          values++;
          if (v === theirs![k]) equal++;
          worst = Math.max(worst, steps);
        });
      }
      // TFLite's optimized kernels requantize an accumulator with a different rounding from the reference
      // kernels' (1 LSB at most); the float edges themselves add nothing (the same float32 division and product).
      expect(worst, graph.name).toBeLessThanOrEqual(1);
      expect(equal / values, graph.name).toBeGreaterThan(0.9);
      process.stdout.write(
        `${graph.name}: ${equal}/${values} outputs equal to TFLite's, the rest within ${worst} output step(s)\n`,
      );
      tflite.close();
    }
  });

  it('runs QUANTIZE from float32 then DEQUANTIZE as Murmur does: bit for bit but at exact half steps', async () => {
    const g = floatEdgesGraph();
    // Only the edges: input → QUANTIZE → DEQUANTIZE of the quantized tensor (its quantization) → output.
    const q = g.ops[0]!.outputs[0];
    const edges = {
      ...g,
      name: 'edges',
      tensors: [g.tensors[0]!, g.tensors[q]!, { ...g.tensors[g.outputs[0]!]!, shape: [1, 12] }],
      ops: [
        { op: 'quantize' as const, inputs: [0] as [number], outputs: [1] as [number] },
        { op: 'dequantize' as const, inputs: [1] as [number], outputs: [2] as [number] },
      ],
      inputs: [0],
      outputs: [2],
    };
    const scale = g.tensors[q]!.quant!.scale[0]!;
    const prepared = prepareGraph(edges);
    const tflite = await loadTfliteRuntime(exportTflite(edges), 'edges.tflite');
    let [ties, tiesDiffering] = [0, 0];
    for (let c = 0; c < 64; c++) {
      const x = floatInputs(`tflite-runtime edges ${c}`, 12, 0.03, true);
      const [theirs] = tflite.run([x]);
      const murmur = inferGraph(prepared, [x])[0]!;
      murmur.forEach((v, k) => {
        // Where x / scale is a half step in float32, the reference kernel (Murmur, TFLite Micro) rounds away
        // from zero; TFLite's optimized kernel may round to the other neighbour: one step, no more.
        const quotient = Math.fround(x[k]! / scale);
        const tie = Math.abs(quotient) < 512 && Math.abs(quotient % 1) === 0.5;
        if (tie) ties++;
        if (Object.is(v, theirs![k])) return;
        expect(tie, `case ${c} value ${k}: ${x[k]} gives ${v}, TFLite ${theirs![k]}`).toBe(true);
        expect(Math.abs(Math.round((v - theirs![k]!) / scale))).toBe(1);
        tiesDiffering++;
      });
    }
    expect(ties).toBeGreaterThan(20);
    process.stdout.write(`edges: ${tiesDiffering} of ${ties} half steps rounded the other way by TFLite\n`);
    tflite.close();
  });

  it('refuses a file that is not a model with TensorFlow Lite’s own words, as a MurmurError naming the file', async () => {
    const junk = new Uint8Array(64).fill(7);
    const err = await loadTfliteRuntime(junk, 'junk.tflite').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(MurmurError);
    expect((err as MurmurError).message).toMatch(/TensorFlow Lite refuses the model/);
    expect((err as MurmurError).location.file).toBe('junk.tflite');
  });
});
