/** MAX_POOL_2D, int8 (reference_integer_ops::MaxPool): the window's largest value. */
import type { Pool2dOp } from '../ir';
import { int8, type GraphKernel } from './kernel';
import { forEachWindow, preparePool2d, type Pool2dParams } from './pool2d';

export const maxpool2d: GraphKernel<Pool2dOp, Pool2dParams> = {
  prepare: preparePool2d,
  run(op, p, values) {
    const x = int8(values, op.inputs[0]);
    const y = int8(values, op.outputs[0]);
    forEachWindow(p, (out, pixels, count, channel) => {
      let max = -128;
      for (let i = 0; i < count; i++) max = Math.max(max, x[pixels[i]! + channel]!);
      y[out] = Math.min(p.activationMax, Math.max(p.activationMin, max));
    });
  },
};
