import { describe, expect, it } from 'vitest';
import { MurmurError } from '@murmur/core';
import { inferGraph, prepareGraph } from '../interpreter';
import { checkGraph, INT8_GRAPH_VERSION, type GraphTensor, type Int8Graph } from '../ir';
import { floatEdgesGraph, floatInputs } from '../testing';
import { quantizeFloat } from './quantize';

const act = (name: string, shape: number[], scale: number, zeroPoint: number): GraphTensor => ({
  name,
  shape,
  type: 'int8',
  quant: { scale: [Math.fround(scale)], zeroPoint: [zeroPoint], axis: 0 },
});
const float = (name: string, shape: number[]): GraphTensor => ({ name, shape, type: 'float32' });

/** float32 input → QUANTIZE → DEQUANTIZE → float32 output. */
const roundTrip = (scale: number, zeroPoint: number, n: number): Int8Graph => ({
  format: 'murmur-int8-graph',
  version: INT8_GRAPH_VERSION,
  name: 'edges',
  tensors: [float('x', [n]), act('q', [n], scale, zeroPoint), float('y', [n])],
  ops: [
    { op: 'quantize', inputs: [0], outputs: [1] },
    { op: 'dequantize', inputs: [1], outputs: [2] },
  ],
  inputs: [0],
  outputs: [2],
});

describe('QUANTIZE from float32 and DEQUANTIZE to float32 (TFLite reference kernels)', () => {
  it('QUANTIZE rounds x / scale half away from zero, adds the zero point and clamps', () => {
    const x = [0.25, -0.25, 0.75, -0.75, 0.2, 0, -0, 63.5, 64, -64.5, 1e6, -1e6, Infinity, -Infinity, NaN];
    expect(x.map((v) => quantizeFloat(Math.fround(v), 0.5, 0))).toEqual([
      1, -1, 2, -2, 0, 0, 0, 127, 127, -128, 127, -128, 127, -128, 0,
    ]);
    expect([0, 0.25, -0.25, NaN].map((v) => quantizeFloat(v, 0.5, -4))).toEqual([-4, -3, -5, -4]);
  });

  it('QUANTIZE divides in float32: x / scale rounded to float32 before the rounding to an integer', () => {
    // 0.35 / 0.1 is 3.4999999999999996 in double but exactly 3.5 in float32: TFLite's float division gives 4.
    const [x, scale] = [Math.fround(0.35), Math.fround(0.1)];
    expect(x / scale).toBeLessThan(3.5);
    expect(quantizeFloat(x, scale, 0)).toBe(4);
  });

  it('DEQUANTIZE is scale * (q - zero point) as a float32 and a graph carries float32 at its edges', () => {
    const g = prepareGraph(roundTrip(0.5, 3, 6));
    const y = inferGraph(g, [Float32Array.from([-100, -0.3, 0.3, 1.26, 61, 100])])[0]!;
    expect(y).toBeInstanceOf(Float32Array);
    expect([...y]).toEqual([-65.5, -0.5, 0.5, 1.5, 61, 62]);
    const tenth = prepareGraph(roundTrip(0.1, 0, 1));
    expect([...inferGraph(tenth, [Float32Array.from([0.7])])[0]!]).toEqual([
      Math.fround(Math.fround(0.1) * 7),
    ]);
  });

  it('runs a float32 model end to end: every output scale · (q − zero point) of an int8 q', () => {
    for (const graph of [floatEdgesGraph(), floatEdgesGraph('float-edges-conv', 'conv2d')]) {
      const g = prepareGraph(graph);
      const quant = graph.tensors[graph.ops[1]!.outputs[0]]!.quant!;
      const [scale, zeroPoint] = [quant.scale[0]!, quant.zeroPoint[0]!];
      const size = graph.tensors[graph.inputs[0]!]!.shape.reduce((a, b) => a * b, 1);
      const y = inferGraph(g, [floatInputs('float-edges-test', size, 0.03)])[0]!;
      expect(y).toBeInstanceOf(Float32Array);
      for (const v of y) {
        const n = Math.round(v / scale);
        expect(v).toBe(Math.fround(scale * n));
        expect(n + zeroPoint).toBeGreaterThanOrEqual(-128);
        expect(n + zeroPoint).toBeLessThanOrEqual(127);
      }
      expect(new Set(y).size).toBeGreaterThan(1);
    }
  });

  it('refuses int8 values for a float32 input, float32 into any op but QUANTIZE, and an int8 DEQUANTIZE', () => {
    const g = prepareGraph(floatEdgesGraph());
    expect(() => inferGraph(g, [new Int8Array(12)])).toThrow(MurmurError);
    expect(() => inferGraph(g, [new Int8Array(12)])).toThrow(
      /input 0 must be float32 values \(tensor 'input'\)/,
    );
    const intoFc = floatEdgesGraph();
    intoFc.ops[1]!.inputs[0] = intoFc.inputs[0]!;
    intoFc.ops.shift();
    expect(() => checkGraph(intoFc)).toThrow(
      /fully_connected reads float32 'input': only QUANTIZE takes float32/,
    );
    const int8Out = floatEdgesGraph();
    int8Out.tensors[int8Out.outputs[0]!] = act('output', [1, 5], 0.05, 3);
    expect(() => checkGraph(int8Out)).toThrow(/dequantize output 'output' must be float32/);
    const floatConstant = floatEdgesGraph();
    floatConstant.tensors[floatConstant.inputs[0]!]!.data = new Float32Array(12);
    expect(() => checkGraph(floatConstant)).toThrow(/float32 tensor 'input' is a constant/);
    const floatOut = floatEdgesGraph();
    floatOut.tensors[floatOut.ops[1]!.outputs[0]] = float('logits', [1, 5]);
    expect(() => checkGraph(floatOut)).toThrow(/fully_connected output 'logits' must be int8/);
  });
});
