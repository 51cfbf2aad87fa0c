/**
 * ADD, int8 (reference_integer_ops::Add, and BroadcastAdd's indexing when the shapes differ): both inputs
 * rescaled to twice the larger input scale with 20 bits of headroom, summed, rescaled to the output. Shapes
 * broadcast as NumPy's do (aligned at the last dimension, a 1 stretched), up to four dimensions.
 */
import { multiplyByQuantizedMultiplier, quantizeMultiplier } from '../../fixed-point';
import { elementCount, opError, type AddOp } from '../ir';
import { activationRange, scaleOf, zeroPointOf } from '../quant';
import { int8, type GraphKernel } from './kernel';

export interface AddParams {
  size: number;
  leftShift: number;
  input1Offset: number;
  input2Offset: number;
  outputOffset: number;
  input1Multiplier: number;
  input1Shift: number;
  input2Multiplier: number;
  input2Shift: number;
  outputMultiplier: number;
  outputShift: number;
  activationMin: number;
  activationMax: number;
  /** When the input shapes differ: the output as four dimensions and each input's element steps along them (0 where broadcast). */
  broadcast?: { output: Dims4; stride1: Dims4; stride2: Dims4 };
}

type Dims4 = [number, number, number, number];

const four = (shape: readonly number[]): Dims4 =>
  [...Array.from({ length: 4 - shape.length }, () => 1), ...shape] as Dims4;

/** Element steps of an input along the output's four dimensions: 0 where the input's dimension is 1 and stretched. */
function broadcastStrides(input: Dims4, output: Dims4): Dims4 {
  const strides: Dims4 = [0, 0, 0, 0];
  let step = 1;
  for (let d = 3; d >= 0; d--) {
    strides[d] = input[d] === 1 && output[d] !== 1 ? 0 : step;
    step *= input[d]!;
  }
  return strides;
}

/** QuantizeMultiplierSmallerThanOneExp. */
function smallerThanOne(m: number): [number, number] {
  const q = quantizeMultiplier(m);
  return [q.multiplier, q.shift];
}

export const add: GraphKernel<AddOp, AddParams> = {
  prepare(op, g, index) {
    const [a, b] = [g.tensors[op.inputs[0]]!, g.tensors[op.inputs[1]]!];
    const y = g.tensors[op.outputs[0]]!;
    const same = a.shape.join() === b.shape.join() && a.shape.join() === y.shape.join();
    if (!same && (a.shape.length > 4 || b.shape.length > 4 || y.shape.length > 4))
      throw opError(g, index, 'broadcasting is supported up to four dimensions');
    const [a4, b4, y4] = [four(a.shape), four(b.shape), four(y.shape)];
    if (
      !same &&
      !y4.every(
        (n, d) =>
          (a4[d] === n || a4[d] === 1) && (b4[d] === n || b4[d] === 1) && n === Math.max(a4[d]!, b4[d]!),
      )
    )
      throw opError(g, index, 'the output must be the inputs broadcast to one shape');
    const leftShift = 20;
    const twiceMaxInputScale = 2 * Math.max(scaleOf(a), scaleOf(b));
    const [input1Multiplier, input1Shift] = smallerThanOne(scaleOf(a) / twiceMaxInputScale);
    const [input2Multiplier, input2Shift] = smallerThanOne(scaleOf(b) / twiceMaxInputScale);
    const [outputMultiplier, outputShift] = smallerThanOne(
      twiceMaxInputScale / (2 ** leftShift * scaleOf(y)),
    );
    const [activationMin, activationMax] = activationRange(op.activation, y);
    return {
      size: elementCount(y.shape),
      leftShift,
      input1Offset: -zeroPointOf(a),
      input2Offset: -zeroPointOf(b),
      outputOffset: zeroPointOf(y),
      input1Multiplier,
      input1Shift,
      input2Multiplier,
      input2Shift,
      outputMultiplier,
      outputShift,
      activationMin,
      activationMax,
      ...(same
        ? {}
        : {
            broadcast: { output: y4, stride1: broadcastStrides(a4, y4), stride2: broadcastStrides(b4, y4) },
          }),
    };
  },
  run(op, p, values) {
    const a = int8(values, op.inputs[0]);
    const b = int8(values, op.inputs[1]);
    const y = int8(values, op.outputs[0]);
    const scale = 2 ** p.leftShift;
    const [index1, index2] = p.broadcast ? broadcastIndices(p.broadcast) : [undefined, undefined];
    for (let i = 0; i < p.size; i++) {
      const sa = multiplyByQuantizedMultiplier(
        (a[index1 ? index1[i]! : i]! + p.input1Offset) * scale,
        p.input1Multiplier,
        p.input1Shift,
      );
      const sb = multiplyByQuantizedMultiplier(
        (b[index2 ? index2[i]! : i]! + p.input2Offset) * scale,
        p.input2Multiplier,
        p.input2Shift,
      );
      const v = multiplyByQuantizedMultiplier(sa + sb, p.outputMultiplier, p.outputShift) + p.outputOffset;
      y[i] = Math.min(p.activationMax, Math.max(p.activationMin, v));
    }
  },
};

/** For each output element in order, the element of input 1 and of input 2 it adds. */
function broadcastIndices(b: NonNullable<AddParams['broadcast']>): [Int32Array, Int32Array] {
  const [n, h, w, c] = b.output;
  const first = new Int32Array(n * h * w * c);
  const second = new Int32Array(first.length);
  let i = 0;
  for (let d0 = 0; d0 < n; d0++)
    for (let d1 = 0; d1 < h; d1++)
      for (let d2 = 0; d2 < w; d2++)
        for (let d3 = 0; d3 < c; d3++, i++) {
          first[i] = d0 * b.stride1[0] + d1 * b.stride1[1] + d2 * b.stride1[2] + d3 * b.stride1[3];
          second[i] = d0 * b.stride2[0] + d1 * b.stride2[1] + d2 * b.stride2[2] + d3 * b.stride2[3];
        }
  return [first, second];
}
