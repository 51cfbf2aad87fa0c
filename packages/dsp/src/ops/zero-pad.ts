/** A signal followed by zeros up to `length` samples (e.g. to a power of two before a spectrum). */
import { zeroPadF32 } from '../kernels';
import { fail, type BlockOp } from './op';

export interface ZeroPadStep {
  op: 'zeroPad';
  in: [string];
  out: string;
  length: number;
}

export const block: BlockOp<ZeroPadStep> = {
  plan(step, ctx) {
    ctx.arity(1);
    ctx.need('signal');
    if (!Number.isInteger(step.length) || step.length < ctx.x.length)
      fail(`length must be an integer ≥ ${ctx.x.length}`, `${ctx.field}.length`);
    ctx.out(step.length, ctx.x.type);
  },
  run: (_, __, { x, y }) => zeroPadF32(x, y),
  c: (_, __, { x, n, y, m }) => [`murmur_zero_pad_f32(${x}, ${n}u, ${y}, ${m}u);`],
};
