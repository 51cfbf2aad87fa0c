/**
 * ADD, int8 (reference_integer_ops::Add): both inputs rescaled to twice the larger input scale with 20
 * bits of headroom, summed, rescaled to the output. Same shapes only (no broadcasting).
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
    if (a.shape.join() !== b.shape.join() || a.shape.join() !== y.shape.join())
      throw opError(g, index, 'inputs and output must have the same shape (broadcasting is not supported)');
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
    };
  },
  run(op, p, values) {
    const a = int8(values, op.inputs[0]);
    const b = int8(values, op.inputs[1]);
    const y = int8(values, op.outputs[0]);
    const scale = 2 ** p.leftShift;
    for (let i = 0; i < p.size; i++) {
      const sa = multiplyByQuantizedMultiplier(
        (a[i]! + p.input1Offset) * scale,
        p.input1Multiplier,
        p.input1Shift,
      );
      const sb = multiplyByQuantizedMultiplier(
        (b[i]! + p.input2Offset) * scale,
        p.input2Multiplier,
        p.input2Shift,
      );
      const v = multiplyByQuantizedMultiplier(sa + sb, p.outputMultiplier, p.outputShift) + p.outputOffset;
      y[i] = Math.min(p.activationMax, Math.max(p.activationMin, v));
    }
  },
};
