import { describe, expect, it } from 'vitest';
import { inferGraph, prepareGraph } from '../interpreter';
import { INT8_GRAPH_VERSION, type GraphOp, type GraphTensor, type Int8Graph } from '../ir';

const act = (name: string, shape: number[], scale = 0.5, zeroPoint = 0): GraphTensor => ({
  name,
  shape,
  type: 'int8',
  quant: { scale: [scale], zeroPoint: [zeroPoint], axis: 0 },
});
const ints = (name: string, values: number[], shape = [values.length]): GraphTensor => ({
  name,
  shape,
  type: 'int32',
  data: Int32Array.from(values),
});
const graph = (tensors: GraphTensor[], op: GraphOp): Int8Graph => ({
  format: 'murmur-int8-graph',
  version: INT8_GRAPH_VERSION,
  name: 'one-op',
  tensors,
  ops: [op],
  inputs: [0],
  outputs: [op.outputs[0]],
});

describe('PAD, MEAN and QUANTIZE (int8 reference)', () => {
  it('PAD puts the input in the middle and the zero point around it', () => {
    const g = graph(
      [
        act('x', [1, 1, 2, 1], 0.5, -3),
        ints('paddings', [0, 0, 1, 0, 0, 1, 0, 0], [4, 2]),
        act('y', [1, 2, 3, 1], 0.5, -3),
      ],
      { op: 'pad', inputs: [0, 1], outputs: [2] },
    );
    expect([...inferGraph(prepareGraph(g), [Int8Array.from([5, 6])])[0]!]).toEqual([-3, -3, -3, 5, 6, -3]);
  });

  it('MEAN rounds half away from zero with 1 / count folded into the multiplier', () => {
    // Same scale in and out: the mean of 1, 2, 3, 4 is 2.5 and becomes 3; of -1, -2, -3, -4, -3.
    const g = graph([act('x', [1, 2, 2, 2]), ints('axes', [1, 2]), act('y', [1, 1, 1, 2])], {
      op: 'mean',
      inputs: [0, 1],
      outputs: [2],
      keepDims: true,
    });
    const x = Int8Array.from([1, -1, 2, -2, 3, -3, 4, -4]);
    expect([...inferGraph(prepareGraph(g), [x])[0]!]).toEqual([3, -3]);
  });

  it('MEAN names axes it does not reduce', () => {
    const g = graph([act('x', [1, 2, 2, 2]), ints('axes', [3]), act('y', [1, 2, 2, 1])], {
      op: 'mean',
      inputs: [0, 1],
      outputs: [2],
      keepDims: true,
    });
    expect(() => prepareGraph(g)).toThrow(/op 0 \(mean; x \[1, 2, 2, 2\].*only height and\/or width/);
  });

  it('QUANTIZE rescales to the output scale and zero point and clamps', () => {
    // Scale 0.5 to 0.25 doubles the steps; zero point 0 to 10.
    const g = graph([act('x', [4]), act('y', [4], 0.25, 10)], { op: 'quantize', inputs: [0], outputs: [1] });
    expect([...inferGraph(prepareGraph(g), [Int8Array.from([0, 3, -60, 100])])[0]!]).toEqual([
      10, 16, -110, 127,
    ]);
  });
});
