/** A signal minus its least-squares line over the window. */
import { detrendF32 } from '../kernels';
import type { BlockOp } from './op';

export interface DetrendStep {
  op: 'detrend';
  in: [string];
  out: string;
}

export const block: BlockOp<DetrendStep> = {
  inPlace: true,
  plan(_, ctx) {
    ctx.arity(1);
    ctx.need('signal');
    ctx.out(ctx.x.length, ctx.x.type);
  },
  run: (_, __, { x, y }) => detrendF32(x, y),
  c: (_, __, { x, y, n }) => [`murmur_detrend_f32(${x}, ${y}, ${n}u);`],
};
