/**
 * SOFTMAX, int8 in and out (TFLite reference_ops::Softmax with gemmlowp fixed point): exp of the
 * differences to the row maximum in Q5.26, summed in Q12.19, times the reciprocal of the sum. The output
 * is quantized with scale 1/256 and zero point -128, as TFLite requires.
 */
import {
  expOnNegativeValues,
  getReciprocal,
  quantizeMultiplier,
  rescale,
  roundingDivideByPOT,
  saturatingRoundingDoublingHighMul,
} from '../../fixed-point';
import { elementCount, opError, type SoftmaxOp } from '../ir';
import { scaleOf, zeroPointOf } from '../quant';
import { int8, type GraphKernel } from './kernel';

const SCALED_DIFF_INTEGER_BITS = 5;
const ACCUMULATION_INTEGER_BITS = 12;

export interface SoftmaxParams {
  rows: number;
  depth: number;
  inputMultiplier: number;
  inputLeftShift: number;
  /** Differences below this are treated as exp = 0. */
  diffMin: number;
}

export const softmax: GraphKernel<SoftmaxOp, SoftmaxParams> = {
  prepare(op, g, index) {
    const [x, y] = [g.tensors[op.inputs[0]]!, g.tensors[op.outputs[0]]!];
    if (x.shape.join() !== y.shape.join())
      throw opError(g, index, 'input and output must have the same shape');
    if (zeroPointOf(y) !== -128 || scaleOf(y) !== 1 / 256)
      throw opError(g, index, 'an int8 softmax output must have scale 1/256 and zero point -128');
    // PreprocessSoftmaxScaling and CalculateInputRadius.
    const real = Math.min(op.beta * scaleOf(x) * 2 ** (31 - SCALED_DIFF_INTEGER_BITS), 2 ** 31 - 1);
    const q = quantizeMultiplier(real);
    const radius = Math.floor(
      ((2 ** SCALED_DIFF_INTEGER_BITS - 1) * 2 ** (31 - SCALED_DIFF_INTEGER_BITS)) / 2 ** q.shift,
    );
    const depth = x.shape[x.shape.length - 1]!;
    return {
      rows: elementCount(x.shape) / depth,
      depth,
      inputMultiplier: q.multiplier,
      inputLeftShift: q.shift,
      diffMin: -radius,
    };
  },
  run(op, p, values) {
    const x = int8(values, op.inputs[0]);
    const y = int8(values, op.outputs[0]);
    const expOf = (diff: number): number =>
      expOnNegativeValues(
        saturatingRoundingDoublingHighMul(diff * 2 ** p.inputLeftShift, p.inputMultiplier),
        SCALED_DIFF_INTEGER_BITS,
      );
    for (let r = 0; r < p.rows; r++) {
      const row = r * p.depth;
      let max = -128;
      for (let c = 0; c < p.depth; c++) max = Math.max(max, x[row + c]!);
      let sumOfExps = 0;
      for (let c = 0; c < p.depth; c++) {
        const diff = x[row + c]! - max;
        if (diff >= p.diffMin)
          sumOfExps = (sumOfExps + rescale(expOf(diff), 0, ACCUMULATION_INTEGER_BITS)) | 0;
      }
      const { reciprocal, bitsOverUnit } = getReciprocal(sumOfExps, ACCUMULATION_INTEGER_BITS);
      const exponent = bitsOverUnit + 31 - 8;
      for (let c = 0; c < p.depth; c++) {
        const diff = x[row + c]! - max;
        if (diff < p.diffMin) {
          y[row + c] = -128;
          continue;
        }
        const unsaturated = roundingDivideByPOT(
          saturatingRoundingDoublingHighMul(reciprocal, expOf(diff)),
          exponent,
        );
        y[row + c] = Math.min(127, Math.max(-128, unsaturated - 128));
      }
    }
  },
};
