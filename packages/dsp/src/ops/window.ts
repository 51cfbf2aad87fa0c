/** A signal times a window function (Hann, Hamming, …) before a spectrum. */
import { multiplyF32 } from '../kernels';
import { windowTable, type WindowShape } from '../tables';
import { floatTable, type BlockOp } from './op';

export interface WindowStep {
  op: 'window';
  in: [string];
  out: string;
  shape: WindowShape;
}

export const block: BlockOp<WindowStep> = {
  inPlace: true,
  plan(step, ctx) {
    ctx.arity(1);
    ctx.need('signal');
    const n = ctx.x.length;
    ctx.p.tables.window = ctx.table(`${step.shape}_${n}`, () => windowTable(step.shape, n));
    ctx.out(n, ctx.x.type);
  },
  run: (_, p, { x, y }) => multiplyF32(x, floatTable(p, 'window'), y),
  c: (_, __, { x, y, n, table }) => [`murmur_multiply_f32(${x}, ${table('window')}, ${y}, ${n}u);`],
};
