/**
 * DEQUANTIZE of int8 to float32, a model's float output (TFLite reference_ops::Dequantize): scale · (q − zero
 * point). TFLite multiplies in double and casts to float; the product of a float32 scale and an integer within
 * ±255 is exact in double, so that is the float32 product, which C's float multiply gives.
 */
import { elementCount, opError, type DequantizeOp } from '../ir';
import { scaleOf, zeroPointOf } from '../quant';
import { int8, type GraphKernel } from './kernel';

export interface DequantizeParams {
  size: number;
  /** The input's float32 scale. */
  scale: number;
  zeroPoint: number;
}

export const dequantize: GraphKernel<DequantizeOp, DequantizeParams> = {
  prepare(op, g, index) {
    const [x, y] = [g.tensors[op.inputs[0]]!, g.tensors[op.outputs[0]]!];
    if (x.type !== 'int8') throw opError(g, index, `the input must be int8, not ${x.type}`);
    if (elementCount(x.shape) !== elementCount(y.shape))
      throw opError(g, index, 'input and output must have the same number of elements');
    if (x.quant!.scale.length !== 1) throw opError(g, index, 'the input needs one scale (per tensor)');
    return { size: elementCount(y.shape), scale: scaleOf(x), zeroPoint: zeroPointOf(x) };
  },
  run(op, p, values) {
    const x = int8(values, op.inputs[0]);
    const y = values[op.outputs[0]] as Float32Array;
    for (let i = 0; i < p.size; i++) y[i] = Math.fround(p.scale * (x[i]! - p.zeroPoint));
  },
};
