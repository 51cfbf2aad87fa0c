/** CONV_2D, int8 per-channel (TFLite reference_integer_ops::ConvPerChannel), NHWC input, OHWI filter. */
import { clampInt8, multiplyByQuantizedMultiplier } from '../../fixed-point';
import {
  checkChannels,
  constantOperand,
  opError,
  type Conv2dOp,
  type DepthwiseConv2dOp,
  type Int8Graph,
} from '../ir';
import { activationRange, channelMultipliers, spatialPadding, zeroPointOf } from '../quant';
import { int32, int8, type GraphKernel } from './kernel';

export interface Conv2dParams {
  /** [batches, height, width, channels] of input and output; filter [out, h, w, in]. */
  input: [number, number, number, number];
  output: [number, number, number, number];
  filter: [number, number];
  inputOffset: number;
  outputOffset: number;
  stride: [number, number];
  dilation: [number, number];
  pad: [number, number];
  activationMin: number;
  activationMax: number;
  multiplier: Int32Array;
  shift: Int32Array;
}

/**
 * What regular and depthwise convolutions share once their filter is checked: SAME/VALID padding, the
 * output shape it implies, offsets, the fused activation's clamp and the per-channel multipliers.
 */
export function convolutionParams(
  op: Conv2dOp | DepthwiseConv2dOp,
  g: Int8Graph,
  index: number,
  filter: [number, number],
  outChannels: number,
): Conv2dParams {
  const x = g.tensors[op.inputs[0]]!;
  const w = g.tensors[op.inputs[1]]!;
  const y = g.tensors[op.outputs[0]]!;
  const [n, h, wd, c] = x.shape as [number, number, number, number];
  checkChannels(g, index, w, op.inputs[2], outChannels);
  const ph = spatialPadding(op.padding, h, filter[0], op.stride[0], op.dilation[0]);
  const pw = spatialPadding(op.padding, wd, filter[1], op.stride[1], op.dilation[1]);
  const output: Conv2dParams['output'] = [n, ph.out, pw.out, outChannels];
  if (y.shape.join() !== output.join())
    throw opError(g, index, `output shape must be [${output.join(', ')}]`);
  const [activationMin, activationMax] = activationRange(op.activation, y);
  return {
    input: [n, h, wd, c],
    output,
    filter,
    inputOffset: -zeroPointOf(x),
    outputOffset: zeroPointOf(y),
    stride: op.stride,
    dilation: op.dilation,
    pad: [ph.pad, pw.pad],
    activationMin,
    activationMax,
    ...channelMultipliers(x, w, y, outChannels),
  };
}

export const conv2d: GraphKernel<Conv2dOp, Conv2dParams> = {
  prepare(op, g, index) {
    const x = g.tensors[op.inputs[0]]!;
    const w = constantOperand(g, index, op.inputs[1], 'int8', 'filter');
    const c = x.shape[3]!;
    const [o, kh, kw, ci] = w.shape as [number, number, number, number];
    if (x.shape.length !== 4 || w.shape.length !== 4 || ci !== c)
      throw opError(g, index, 'needs an NHWC input and an OHWI filter with the same input channels');
    return convolutionParams(op, g, index, [kh, kw], o);
  },
  run(op, p, values) {
    const x = int8(values, op.inputs[0]);
    const w = int8(values, op.inputs[1]);
    const bias = int32(values, op.inputs[2]);
    const y = int8(values, op.outputs[0]);
    const [n, h, wd, c] = p.input;
    const [, oh, ow, o] = p.output;
    const [kh, kw] = p.filter;
    for (let b = 0; b < n; b++) {
      for (let oy = 0; oy < oh; oy++) {
        const y0 = oy * p.stride[0] - p.pad[0];
        for (let ox = 0; ox < ow; ox++) {
          const x0 = ox * p.stride[1] - p.pad[1];
          for (let oc = 0; oc < o; oc++) {
            let acc = 0;
            for (let fy = 0; fy < kh; fy++) {
              const iy = y0 + p.dilation[0] * fy;
              if (iy < 0 || iy >= h) continue;
              for (let fx = 0; fx < kw; fx++) {
                const ix = x0 + p.dilation[1] * fx;
                if (ix < 0 || ix >= wd) continue;
                const xi = ((b * h + iy) * wd + ix) * c;
                const wi = ((oc * kh + fy) * kw + fx) * c;
                for (let ic = 0; ic < c; ic++) acc += w[wi + ic]! * (x[xi + ic]! + p.inputOffset);
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
  },
};
