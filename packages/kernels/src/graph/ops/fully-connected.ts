/**
 * FULLY_CONNECTED, int8 (reference_integer_ops::FullyConnected): weights [out, in], per-tensor (the
 * multiplier from the float product of the scales, as TFLite computes it) or per-channel.
 */
import { clampInt8, multiplyByQuantizedMultiplier, quantizeMultiplier } from '../../fixed-point';
import { elementCount, checkChannels, constantOperand, opError, type FullyConnectedOp } from '../ir';
import { activationRange, channelMultipliers, scaleOf, zeroPointOf } from '../quant';
import { int32, int8, type GraphKernel } from './kernel';

export interface FullyConnectedParams {
  batches: number;
  inputs: number;
  outputs: number;
  inputOffset: number;
  weightsOffset: number;
  outputOffset: number;
  activationMin: number;
  activationMax: number;
  /** One entry per output (per-tensor weights repeat theirs). */
  multiplier: Int32Array;
  shift: Int32Array;
}

export const fullyConnected: GraphKernel<FullyConnectedOp, FullyConnectedParams> = {
  prepare(op, g, index) {
    const x = g.tensors[op.inputs[0]]!;
    const w = constantOperand(g, index, op.inputs[1], 'int8', 'weights');
    const y = g.tensors[op.outputs[0]]!;
    if (w.shape.length !== 2) throw opError(g, index, 'needs weights of shape [outputs, inputs]');
    const [outputs, inputs] = w.shape as [number, number];
    checkChannels(g, index, w, op.inputs[2], outputs);
    const batches = elementCount(x.shape) / inputs;
    if (!Number.isInteger(batches) || elementCount(y.shape) !== batches * outputs)
      throw opError(g, index, `input must hold whole rows of ${inputs} and the output ${outputs} per row`);
    let multipliers: { multiplier: Int32Array; shift: Int32Array };
    if ((w.quant?.scale.length ?? 1) > 1) multipliers = channelMultipliers(x, w, y, outputs);
    else {
      const q = quantizeMultiplier(Math.fround(scaleOf(x) * scaleOf(w)) / scaleOf(y));
      multipliers = {
        multiplier: new Int32Array(outputs).fill(q.multiplier),
        shift: new Int32Array(outputs).fill(q.shift),
      };
    }
    const [activationMin, activationMax] = activationRange(op.activation, y);
    return {
      batches,
      inputs,
      outputs,
      inputOffset: -zeroPointOf(x),
      weightsOffset: -zeroPointOf(w),
      outputOffset: zeroPointOf(y),
      activationMin,
      activationMax,
      ...multipliers,
    };
  },
  run(op, p, values) {
    const x = int8(values, op.inputs[0]);
    const w = int8(values, op.inputs[1]);
    const bias = int32(values, op.inputs[2]);
    const y = int8(values, op.outputs[0]);
    for (let b = 0; b < p.batches; b++) {
      for (let o = 0; o < p.outputs; o++) {
        let acc = 0;
        for (let i = 0; i < p.inputs; i++)
          acc += (w[o * p.inputs + i]! + p.weightsOffset) * (x[b * p.inputs + i]! + p.inputOffset);
        if (bias) acc += bias[o]!;
        const v = multiplyByQuantizedMultiplier(acc | 0, p.multiplier[o]!, p.shift[o]!) + p.outputOffset;
        y[b * p.outputs + o] = clampInt8(Math.min(p.activationMax, Math.max(p.activationMin, v)));
      }
    }
  },
};
