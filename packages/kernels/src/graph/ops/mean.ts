/**
 * MEAN, int8 (TFLite Micro's QuantizedMeanOrSum): the sum over the reduced axes less the input zero point
 * times their element count, times input scale / output scale folded with 1 / count into one quantized
 * multiplier, plus the output zero point. Reduces the height and/or width of an NHWC tensor.
 */
import { multiplyByQuantizedMultiplier, quantizeMultiplier } from '../../fixed-point';
import { constantOperand, elementCount, opError, type MeanOp } from '../ir';
import { scaleOf, zeroPointOf } from '../quant';
import { int8, type GraphKernel } from './kernel';

export interface MeanParams {
  input: [number, number, number, number];
  reduceHeight: boolean;
  reduceWidth: boolean;
  /** Elements summed into each output. */
  count: number;
  inputZeroPoint: number;
  outputZeroPoint: number;
  multiplier: number;
  shift: number;
}

/** 63 - CountLeadingZeros(n): the index of n's highest set bit. */
const highestBit = (n: number): number => Math.floor(Math.log2(n));

export const mean: GraphKernel<MeanOp, MeanParams> = {
  prepare(op, g, index) {
    const [x, y] = [g.tensors[op.inputs[0]]!, g.tensors[op.outputs[0]]!];
    const axes = constantOperand(g, index, op.inputs[1], 'int32', 'axes').data as Int32Array;
    if (x.shape.length !== 4) throw opError(g, index, 'the input must have four dimensions (NHWC)');
    const resolved = new Set(Array.from(axes, (a) => (a < 0 ? a + 4 : a)));
    if (resolved.size === 0 || [...resolved].some((a) => a !== 1 && a !== 2))
      throw opError(
        g,
        index,
        `MEAN over axes [${Array.from(axes).join(', ')}]: only height and/or width are supported`,
      );
    const [n, h, w, c] = x.shape as [number, number, number, number];
    const reduceHeight = resolved.has(1);
    const reduceWidth = resolved.has(2);
    const kept = [n, reduceHeight ? 1 : h, reduceWidth ? 1 : w, c];
    if (elementCount(kept) !== elementCount(y.shape))
      throw opError(g, index, `the output must have ${elementCount(kept)} elements`);
    const count = (reduceHeight ? h : 1) * (reduceWidth ? w : 1);
    if (count === 0) throw opError(g, index, 'the reduced axes are empty');
    const q = quantizeMultiplier(scaleOf(x) / scaleOf(y));
    const fold = Math.min(highestBit(count), 32, 31 + q.shift);
    const multiplier = Number((BigInt(q.multiplier) << BigInt(fold)) / BigInt(count));
    return {
      input: [n, h, w, c],
      reduceHeight,
      reduceWidth,
      count,
      inputZeroPoint: zeroPointOf(x),
      outputZeroPoint: zeroPointOf(y),
      multiplier,
      shift: q.shift - fold,
    };
  },
  run(op, p, values) {
    const x = int8(values, op.inputs[0]);
    const y = int8(values, op.outputs[0]);
    const [n, h, w, c] = p.input;
    const oh = p.reduceHeight ? 1 : h;
    const ow = p.reduceWidth ? 1 : w;
    const sums = new Int32Array(n * oh * ow * c);
    for (let b = 0; b < n; b++)
      for (let i = 0; i < h; i++)
        for (let j = 0; j < w; j++)
          for (let k = 0; k < c; k++) {
            const out = ((b * oh + (p.reduceHeight ? 0 : i)) * ow + (p.reduceWidth ? 0 : j)) * c + k;
            sums[out] = sums[out]! + x[((b * h + i) * w + j) * c + k]!;
          }
    sums.forEach((sum, i) => {
      const v =
        multiplyByQuantizedMultiplier((sum - p.inputZeroPoint * p.count) | 0, p.multiplier, p.shift) +
        p.outputZeroPoint;
      y[i] = Math.min(127, Math.max(-128, v));
    });
  },
};
