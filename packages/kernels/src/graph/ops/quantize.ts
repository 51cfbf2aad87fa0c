/**
 * QUANTIZE to int8. Of an int8 tensor to another scale and zero point (TFLite reference_ops::Requantize):
 * MultiplyByQuantizedMultiplier(x - input zero point, QuantizeMultiplier(input scale / output scale)) plus
 * the output zero point, clamped to int8. Of a float32 tensor, a model's float input (TFLite
 * reference_ops::AffineQuantize): round(x / scale) in float32, std::round's half away from zero, plus the zero
 * point, clamped to int8. TFLite casts the rounded float to int32, undefined beyond its range and for NaN;
 * here, as a Cortex-M's float-to-int conversion does, an infinity saturates and NaN gives 0 (the zero point).
 */
import { multiplyByQuantizedMultiplier, quantizeMultiplier, roundHalfAway } from '../../fixed-point';
import { elementCount, opError, type QuantizeOp } from '../ir';
import { scaleOf, zeroPointOf } from '../quant';
import { int8, type GraphKernel } from './kernel';

export type QuantizeParams =
  | {
      from: 'int8';
      size: number;
      inputZeroPoint: number;
      outputZeroPoint: number;
      multiplier: number;
      shift: number;
    }
  | {
      from: 'float32';
      size: number;
      /** The output's float32 scale. */
      scale: number;
      zeroPoint: number;
    };

/** TFLite's AffineQuantize of one float32 value to int8, each operation in float32 as C computes it. */
export function quantizeFloat(x: number, scale: number, zeroPoint: number): number {
  const p = Math.fround(x / scale);
  // NaN gives 0; beyond ±512 every value clamps the same way, and the cast to int32 stays defined.
  const q = p !== p ? 0 : p >= 512 ? 512 : p <= -512 ? -512 : roundHalfAway(p);
  return Math.min(127, Math.max(-128, q + zeroPoint));
}

export const quantize: GraphKernel<QuantizeOp, QuantizeParams> = {
  prepare(op, g, index) {
    const [x, y] = [g.tensors[op.inputs[0]]!, g.tensors[op.outputs[0]]!];
    if (x.type !== 'int8' && x.type !== 'float32')
      throw opError(g, index, `the input must be int8 or float32, not ${x.type}`);
    if (elementCount(x.shape) !== elementCount(y.shape))
      throw opError(g, index, 'input and output must have the same number of elements');
    if ((y.quant?.scale.length ?? 0) !== 1)
      throw opError(g, index, 'the output needs one scale (per tensor)');
    if (x.type === 'float32')
      return { from: 'float32', size: elementCount(y.shape), scale: scaleOf(y), zeroPoint: zeroPointOf(y) };
    const q = quantizeMultiplier(scaleOf(x) / scaleOf(y));
    return {
      from: 'int8',
      size: elementCount(y.shape),
      inputZeroPoint: zeroPointOf(x),
      outputZeroPoint: zeroPointOf(y),
      multiplier: q.multiplier,
      shift: q.shift,
    };
  },
  run(op, p, values) {
    const y = int8(values, op.outputs[0]);
    if (p.from === 'float32') {
      const x = values[op.inputs[0]] as Float32Array;
      for (let i = 0; i < p.size; i++) y[i] = quantizeFloat(x[i]!, p.scale, p.zeroPoint);
      return;
    }
    const x = int8(values, op.inputs[0]);
    for (let i = 0; i < p.size; i++) {
      const v =
        multiplyByQuantizedMultiplier(x[i]! - p.inputZeroPoint, p.multiplier, p.shift) + p.outputZeroPoint;
      y[i] = Math.min(127, Math.max(-128, v));
    }
  },
};
