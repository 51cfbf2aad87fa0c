/** The absolute value of a signal, sample by sample. */
import { rectifyF32 } from '../kernels';
import type { BlockOp, StreamOp } from './op';

export interface RectifyStep {
  op: 'rectify';
  in: [string];
  out: string;
}

export const stream: StreamOp<RectifyStep> = {
  value: true,
  plan: (step, ctx) => ctx.value(step.out, ctx.unit),
  cState: () => '0u',
  run(_, __, { values, inputs: [x], output }) {
    return { update: () => void (values[output] = Math.abs(values[x])) };
  },
  c: (_, __, { input }) => ({ value: `fabsf(${input(0)})` }),
};

export const block: BlockOp<RectifyStep> = {
  inPlace: true,
  plan(_, ctx) {
    ctx.arity(1);
    ctx.need('signal');
    ctx.out(ctx.x.length, ctx.x.type);
  },
  run: (_, __, { x, y }) => rectifyF32(x, y),
  c: (_, __, { x, y, n }) => [`murmur_rectify_f32(${x}, ${y}, ${n}u);`],
};
