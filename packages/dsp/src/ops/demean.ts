/** A signal minus its mean over the window. */
import { demeanF32 } from '../kernels';
import type { BlockOp } from './op';

export interface DemeanStep {
  op: 'demean';
  in: [string];
  out: string;
}

export const block: BlockOp<DemeanStep> = {
  inPlace: true,
  plan(_, ctx) {
    ctx.arity(1);
    ctx.need('signal');
    ctx.out(ctx.x.length, ctx.x.type);
  },
  run: (_, __, { x, y }) => demeanF32(x, y),
  c: (_, __, { x, y, n }) => [`murmur_demean_f32(${x}, ${y}, ${n}u);`],
};
