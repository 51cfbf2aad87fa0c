/**
 * QUANTIZE of an int8 tensor to another int8 scale and zero point (TFLite reference_ops::Requantize):
 * MultiplyByQuantizedMultiplier(x - input zero point, QuantizeMultiplier(input scale / output scale)) plus
 * the output zero point, clamped to int8.
 */
import { multiplyByQuantizedMultiplier, quantizeMultiplier } from '../../fixed-point';
import { elementCount, opError, type QuantizeOp } from '../ir';
import { scaleOf, zeroPointOf } from '../quant';
import { int8, type GraphKernel } from './kernel';

export interface QuantizeParams {
  size: number;
  inputZeroPoint: number;
  outputZeroPoint: number;
  multiplier: number;
  shift: number;
}

export const quantize: GraphKernel<QuantizeOp, QuantizeParams> = {
  prepare(op, g, index) {
    const [x, y] = [g.tensors[op.inputs[0]]!, g.tensors[op.outputs[0]]!];
    if (x.type !== 'int8') throw opError(g, index, `only int8 to int8 is supported (the input is ${x.type})`);
    if (elementCount(x.shape) !== elementCount(y.shape))
      throw opError(g, index, 'input and output must have the same number of elements');
    const q = quantizeMultiplier(scaleOf(x) / scaleOf(y));
    return {
      size: elementCount(y.shape),
      inputZeroPoint: zeroPointOf(x),
      outputZeroPoint: zeroPointOf(y),
      multiplier: q.multiplier,
      shift: q.shift,
    };
  },
  run(op, p, values) {
    const x = int8(values, op.inputs[0]);
    const y = int8(values, op.outputs[0]);
    for (let i = 0; i < p.size; i++) {
      const v =
        multiplyByQuantizedMultiplier(x[i]! - p.inputZeroPoint, p.multiplier, p.shift) + p.outputZeroPoint;
      y[i] = Math.min(127, Math.max(-128, v));
    }
  },
};
