import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { getBoard } from '@murmur/boards';
import { createRng } from '@murmur/core';
import { elementCount, inferGraph, prepareGraph, type Int8Graph } from '@murmur/kernels';
import {
  floatEdgesGraph,
  floatInputs,
  inPlaceGraph,
  reshapingGraph,
  tinyGraph,
} from '@murmur/kernels/testing';
import { readGolden, readTflite } from '@murmur/tflite';
import { MLPERF_TINY_MODELS, mlperfTiny } from '@murmur/tflite/testing';
import { verifyGraph, type GraphCase } from './graph-program';

const models = mlperfTiny();

/** Cases for a test graph: random inputs and what the TS reference computes for them. */
function randomCases(graph: Int8Graph): { prepared: ReturnType<typeof prepareGraph>; cases: GraphCase[] } {
  const prepared = prepareGraph(graph);
  const rng = createRng('graph-program');
  const inputTensor = graph.tensors[graph.inputs[0]!]!;
  const size = elementCount(inputTensor.shape);
  // A float32 input: values around the quantized range, half steps, zeros, huge values, infinities and NaN.
  const scale =
    graph.ops[0]?.op === 'quantize' ? graph.tensors[graph.ops[0].outputs[0]]!.quant!.scale[0]! : 1;
  const cases = Array.from({ length: 24 }, (_, i) => {
    const input =
      inputTensor.type === 'float32'
        ? floatInputs(`graph-program ${i}`, size, scale)
        : Int8Array.from({ length: size }, () => rng.int(-128, 127));
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
      ['float32 edges: quantize, fully connected, dequantize', () => floatEdgesGraph()],
      ['float32 edges: quantize, conv, dequantize', () => floatEdgesGraph('float-edges-conv', 'conv2d')],
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
