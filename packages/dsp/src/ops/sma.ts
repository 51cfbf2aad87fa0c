/** Signal magnitude area of three signals: the mean of |x| + |y| + |z| over the window. */
import { smaF32 } from '../kernels';
import type { BlockOp } from './op';

export interface SmaStep {
  op: 'sma';
  in: [string, string, string];
  name: string;
}

export const block: BlockOp<SmaStep> = {
  plan(step, ctx) {
    ctx.arity(3);
    for (let i = 0; i < 3; i++) ctx.need('signal', i);
    ctx.sameLength();
    ctx.features(step.name, [['', ctx.signal!.unit]]);
  },
  run: (_, __, { x, input, emit }) => emit([smaF32(x, input(1), input(2))]),
  c: (_, p, { x, input, n }) => [
    `features[${p.featureOffset}] = murmur_sma_f32(${x}, ${input(1)}, ${input(2)}, ${n}u);`,
  ],
};
