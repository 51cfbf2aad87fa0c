/**
 * What TFLite's kernels compute once, before the first inference (TFLite Micro's Prepare), in the same
 * double and float arithmetic: output multipliers, fused-activation ranges, SAME/VALID padding.
 */
import { quantizeMultiplier, roundHalfAway } from '../fixed-point';
import type { Activation, GraphTensor, Padding } from './ir';

/** A tensor's per-tensor scale and zero point (its first entries). */
export function scaleOf(t: GraphTensor): number {
  return t.quant?.scale[0] ?? 0;
}
export function zeroPointOf(t: GraphTensor): number {
  return t.quant?.zeroPoint[0] ?? 0;
}

/** TFLite's Quantize for activation bounds: round(f / scale) in float, plus the zero point. */
function quantizeBound(f: number, t: GraphTensor): number {
  return zeroPointOf(t) + roundHalfAway(Math.fround(f / Math.fround(scaleOf(t))));
}

/** CalculateActivationRangeQuantized for an int8 output: the clamp a fused activation becomes. */
export function activationRange(activation: Activation, output: GraphTensor): [number, number] {
  switch (activation) {
    case 'relu':
      return [Math.max(-128, quantizeBound(0, output)), 127];
    case 'relu6':
      return [Math.max(-128, quantizeBound(0, output)), Math.min(127, quantizeBound(6, output))];
    case 'relu_n1_to_1':
      return [Math.max(-128, quantizeBound(-1, output)), Math.min(127, quantizeBound(1, output))];
    default:
      return [-128, 127];
  }
}

/** Per output channel: QuantizeMultiplier(input scale · weight scale / output scale), in double (per-channel path). */
export function channelMultipliers(
  input: GraphTensor,
  weights: GraphTensor,
  output: GraphTensor,
  channels: number,
): { multiplier: Int32Array; shift: Int32Array } {
  const multiplier = new Int32Array(channels);
  const shift = new Int32Array(channels);
  const scales = weights.quant?.scale ?? [0];
  for (let c = 0; c < channels; c++) {
    const q = quantizeMultiplier(
      (scaleOf(input) * (scales.length > 1 ? scales[c]! : scales[0]!)) / scaleOf(output),
    );
    multiplier[c] = q.multiplier;
    shift[c] = q.shift;
  }
  return { multiplier, shift };
}

/** Output size and leading padding of one spatial dimension (TFLite's ComputePaddingHeightWidth). */
export function spatialPadding(
  padding: Padding,
  inSize: number,
  filterSize: number,
  stride: number,
  dilation: number,
): { out: number; pad: number } {
  const effective = (filterSize - 1) * dilation + 1;
  const out =
    padding === 'same'
      ? Math.floor((inSize + stride - 1) / stride)
      : Math.floor((inSize + stride - effective) / stride);
  const total = Math.max(0, (out - 1) * stride + effective - inSize);
  return { out, pad: Math.floor(total / 2) };
}
