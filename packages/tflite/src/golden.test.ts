import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { prepareGraph, runGraph } from '@murmur/kernels';
import { readGolden, readGoldenLayers } from './golden';
import { readTflite } from './import';
import { MLPERF_TINY_MODELS, mlperfTiny } from './testing';

const models = mlperfTiny();

/** The first index at which two int8 tensors differ, or -1. */
const firstDifference = (a: Int8Array, b: Int8Array): number =>
  a.length !== b.length ? Math.min(a.length, b.length) : a.findIndex((v, i) => v !== b[i]);

describe.skipIf(models.skip)('MLPerf Tiny models through the TS int8 reference', () => {
  for (const name of MLPERF_TINY_MODELS) {
    const graph = () => prepareGraph(readTflite(join(models.dir, `${name}.tflite`)));

    it(models.title(`${name}: every golden case byte for byte`), () => {
      const prepared = graph();
      const golden = readGolden(join(models.dir, 'golden', `${name}.json`));
      expect(golden.cases.length).toBe(16);
      const differing = golden.cases.filter((c) => {
        const out = runGraph(prepared, [c.input])[prepared.graph.outputs[0]!] as Int8Array;
        return firstDifference(out, c.output) >= 0;
      });
      expect(differing.map((c) => c.index)).toEqual([]);
    });

    it(models.title(`${name}: every intermediate tensor of case 0 (the first differing layer named)`), () => {
      const prepared = graph();
      const layers = readGoldenLayers(join(models.dir, 'golden', `${name}.layers.json`));
      const input = layers.find((l) => l.producer === null)!;
      const values = runGraph(prepared, [input.data]);
      const produced = layers.filter((l) => l.producer !== null);
      expect(produced.length).toBe(prepared.graph.ops.length);
      for (const layer of produced) {
        const at = firstDifference(values[layer.tensor] as Int8Array, layer.data);
        expect(
          at,
          `op ${layer.producer} (${layer.producerOp}) tensor ${layer.tensor} '${layer.name}' differs at element ${at}`,
        ).toBe(-1);
      }
    });
  }
});
