import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { getBoard } from '@murmur/boards';
import { createRng } from '@murmur/core';
import { elementCount, inferGraph, prepareGraph, type Int8Graph } from '@murmur/kernels';
import { inPlaceGraph, reshapingGraph, tinyGraph } from '@murmur/kernels/testing';
import { readGolden, readTflite } from '@murmur/tflite';
import { MLPERF_TINY_MODELS, mlperfTiny } from '@murmur/tflite/testing';
import { verifyGraph, type GraphCase } from './graph-program';

const models = mlperfTiny();

/** Cases for a test graph: random inputs and what the TS reference computes for them. */
function randomCases(graph: Int8Graph): { prepared: ReturnType<typeof prepareGraph>; cases: GraphCase[] } {
  const prepared = prepareGraph(graph);
  const rng = createRng('graph-program');
  const size = elementCount(graph.tensors[graph.inputs[0]!]!.shape);
  const cases = Array.from({ length: 24 }, () => {
    const input = Int8Array.from({ length: size }, () => rng.int(-128, 127));
    return { input, expected: inferGraph(prepared, [input])[0]! };
  });
  return { prepared, cases };
}

describe('generated C of an int8 graph', () => {
  for (const board of ['native', 'qemu-mps2-an386', 'qemu-mps2-an505', 'qemu-microbit']) {
    for (const [name, graph] of [
      ['every op', tinyGraph],
      ['convolutions in place', inPlaceGraph],
      ['pad, quantize, mean, broadcast add', reshapingGraph],
    ] as const) {
      it(`agrees with the TS reference byte for byte on ${board}${board === 'native' ? ' (ASan/UBSan)' : ''}: ${name}`, async () => {
        const { prepared, cases } = randomCases(graph());
        const result = await verifyGraph(prepared, cases, getBoard(board), { sanitize: board === 'native' });
        expect(result.firstDifference).toBeNull();
        expect(result.casesEqual).toBe(cases.length);
        if (board !== 'native') expect(result.perInference).toBeGreaterThan(0);
      });
    }
  }

  describe.skipIf(models.skip)('MLPerf Tiny models against TFLite Micro', () => {
    for (const name of MLPERF_TINY_MODELS) {
      // The Cortex-M0+ runs on the micro:bit machine sized to the RP2040's 264 KB of RAM; the micro:bit's own
      // Cortex-M0, 16 KB of RAM and 256 KB of flash hold keyword spotting (its convolutions run in place).
      const onMicrobit = name === 'kws_ref_model' ? ['qemu-microbit'] : [];
      for (const board of [
        'native',
        'qemu-mps2-an386',
        'qemu-mps2-an505',
        'rpi-pico-sx1262',
        ...onMicrobit,
      ]) {
        it(models.title(`${name}: every golden case byte for byte on ${board}`), async () => {
          const prepared = prepareGraph(readTflite(join(models.dir, `${name}.tflite`)));
          const golden = readGolden(join(models.dir, 'golden', `${name}.json`));
          const cases = golden.cases.map((c) => ({ input: c.input, expected: c.output }));
          const result = await verifyGraph(prepared, cases, getBoard(board), {
            sanitize: board === 'native',
          });
          expect(result.firstDifference).toBeNull();
          expect(result.casesEqual).toBe(16);
        });
      }
    }
  });
});
