/** DEPTHWISE_CONV_2D, int8 per-channel (reference_integer_ops::DepthwiseConvPerChannel), filter [1, h, w, c·m]. */
import { clampInt8, multiplyByQuantizedMultiplier } from '../../fixed-point';
import { constantOperand, opError, type DepthwiseConv2dOp } from '../ir';
import { convolutionParams, type Conv2dParams } from './conv2d';
import { int32, int8, type GraphKernel } from './kernel';

export interface DepthwiseConv2dParams extends Conv2dParams {
  depthMultiplier: number;
}

export const depthwiseConv2d: GraphKernel<DepthwiseConv2dOp, DepthwiseConv2dParams> = {
  prepare(op, g, index) {
    const x = g.tensors[op.inputs[0]]!;
    const w = constantOperand(g, index, op.inputs[1], 'int8', 'filter');
    const c = x.shape[3]!;
    const [one, kh, kw, o] = w.shape as [number, number, number, number];
    const m = op.depthMultiplier;
    if (x.shape.length !== 4 || w.shape.length !== 4 || one !== 1 || o !== c * m)
      throw opError(g, index, `needs an NHWC input and a [1, h, w, channels × ${m}] filter`);
    return { ...convolutionParams(op, g, index, [kh, kw], o), depthMultiplier: m };
  },
  run(op, p, values) {
    const x = int8(values, op.inputs[0]);
    const w = int8(values, op.inputs[1]);
    const bias = int32(values, op.inputs[2]);
    const y = int8(values, op.outputs[0]);
    const [n, h, wd, c] = p.input;
    const [, oh, ow, o] = p.output;
    const [kh, kw] = p.filter;
    const m = p.depthMultiplier;
    for (let b = 0; b < n; b++) {
      for (let oy = 0; oy < oh; oy++) {
        const y0 = oy * p.stride[0] - p.pad[0];
        for (let ox = 0; ox < ow; ox++) {
          const x0 = ox * p.stride[1] - p.pad[1];
          for (let ic = 0; ic < c; ic++) {
            for (let k = 0; k < m; k++) {
              const oc = ic * m + k;
              let acc = 0;
              for (let fy = 0; fy < kh; fy++) {
                const iy = y0 + p.dilation[0] * fy;
                if (iy < 0 || iy >= h) continue;
                for (let fx = 0; fx < kw; fx++) {
                  const ix = x0 + p.dilation[1] * fx;
                  if (ix < 0 || ix >= wd) continue;
                  acc +=
                    w[(fy * kw + fx) * o + oc]! * (x[((b * h + iy) * wd + ix) * c + ic]! + p.inputOffset);
                }
              }
              if (bias) acc += bias[oc]!;
              const v =
                multiplyByQuantizedMultiplier(acc | 0, p.multiplier[oc]!, p.shift[oc]!) + p.outputOffset;
              y[((b * oh + oy) * ow + ox) * o + oc] = clampInt8(
                Math.min(p.activationMax, Math.max(p.activationMin, v)),
              );
            }
          }
        }
      }
    }
  },
};
