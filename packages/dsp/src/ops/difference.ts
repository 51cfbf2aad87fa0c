/** The first difference x[i] − x[i−1] of a per-sample value (0 at a window's first sample). */
import { DIFFERENCE_STATE, differenceUpdateF32 } from '../kernels';
import type { StreamOp } from './op';

export interface DifferenceStep {
  op: 'difference';
  in: [string];
  out: string;
}

export const stream: StreamOp<DifferenceStep> = {
  value: true,
  plan(step, ctx) {
    ctx.p.stateFloats = DIFFERENCE_STATE;
    ctx.value(step.out, ctx.unit ? `${ctx.unit}/sample` : '1/sample');
  },
  cState: () => 'MURMUR_DIFFERENCE_STATE',
  run(_, p, { state, values, inputs: [x], output }) {
    return { update: () => void (values[output] = differenceUpdateF32(state, p.stateOffset, values[x])) };
  },
  c: (_, __, { state, input }) => ({ value: `murmur_difference_update_f32(${state}, ${input(0)})` }),
};
