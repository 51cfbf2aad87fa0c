/**
 * PAD, int8 (TFLite reference_ops::Pad): the input in the middle of the output, every other element the
 * output zero point. Input and output share quantization; up to four dimensions (NHWC).
 */
import { constantOperand, opError, type PadOp } from '../ir';
import { scaleOf, zeroPointOf } from '../quant';
import { int8, type GraphKernel } from './kernel';

export interface PadParams {
  /** Input and output as four dimensions (leading 1s for fewer), and the elements before each input one. */
  input: [number, number, number, number];
  output: [number, number, number, number];
  before: [number, number, number, number];
  padValue: number;
}

const four = (d: readonly number[]): [number, number, number, number] =>
  [...Array.from({ length: 4 - d.length }, () => 1), ...d] as [number, number, number, number];

export const pad: GraphKernel<PadOp, PadParams> = {
  prepare(op, g, index) {
    const [x, y] = [g.tensors[op.inputs[0]]!, g.tensors[op.outputs[0]]!];
    const paddings = constantOperand(g, index, op.inputs[1], 'int32', 'paddings').data as Int32Array;
    const rank = x.shape.length;
    if (rank < 1 || rank > 4 || paddings.length !== 2 * rank)
      throw opError(g, index, `paddings must hold (before, after) for each of the input's 1 to 4 dimensions`);
    if (scaleOf(x) !== scaleOf(y) || zeroPointOf(x) !== zeroPointOf(y))
      throw opError(g, index, 'input and output must have the same quantization');
    const before = x.shape.map((_, d) => paddings[2 * d]!);
    const expected = x.shape.map((n, d) => n + paddings[2 * d]! + paddings[2 * d + 1]!);
    if (paddings.some((v) => v < 0) || expected.join() !== y.shape.join())
      throw opError(g, index, `paddings give [${expected.join(', ')}], not the output's shape`);
    return {
      input: four(x.shape),
      output: four(y.shape),
      before: [...Array.from({ length: 4 - rank }, () => 0), ...before] as PadParams['before'],
      padValue: zeroPointOf(y),
    };
  },
  run(op, p, values) {
    const x = int8(values, op.inputs[0]);
    const y = int8(values, op.outputs[0]);
    y.fill(p.padValue);
    const [n, h, w, c] = p.input;
    const [, oh, ow, oc] = p.output;
    for (let b = 0; b < n; b++)
      for (let i = 0; i < h; i++)
        for (let j = 0; j < w; j++) {
          const from = ((b * h + i) * w + j) * c;
          const to = (((b + p.before[0]) * oh + i + p.before[1]) * ow + j + p.before[2]) * oc + p.before[3];
          y.set(x.subarray(from, from + c), to);
        }
  },
};
