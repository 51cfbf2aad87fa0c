/** AVERAGE_POOL_2D, int8 (reference_integer_ops::AveragePool): the window's mean, rounded half away from zero. */
import type { Pool2dOp } from '../ir';
import type { GraphKernel } from './kernel';
import { int8 } from './kernel';
import { forEachWindow, preparePool2d, type Pool2dParams } from './pool2d';

export const avgpool2d: GraphKernel<Pool2dOp, Pool2dParams> = {
  prepare: preparePool2d,
  run(op, p, values) {
    const x = int8(values, op.inputs[0]);
    const y = int8(values, op.outputs[0]);
    forEachWindow(p, (out, pixels, count, channel) => {
      let acc = 0;
      for (let i = 0; i < count; i++) acc += x[pixels[i]! + channel]!;
      // C integer division truncates toward zero.
      const mean = Math.trunc(
        acc > 0 ? (acc + Math.trunc(count / 2)) / count : (acc - Math.trunc(count / 2)) / count,
      );
      y[out] = Math.min(p.activationMax, Math.max(p.activationMin, mean));
    });
  },
};
