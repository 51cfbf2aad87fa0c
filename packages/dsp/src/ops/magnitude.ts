/** The Euclidean norm of three signals, sample by sample: √(x² + y² + z²), e.g. an accelerometer's magnitude. */
import { f, sqrt32 } from '../f32';
import { magnitude3F32 } from '../kernels';
import { fail, type BlockOp, type StreamOp } from './op';

export interface MagnitudeStep {
  op: 'magnitude';
  in: [string, string, string];
  out: string;
}

export const stream: StreamOp<MagnitudeStep> = {
  value: true,
  plan(step, ctx) {
    if (step.in.length !== 3) fail('magnitude takes 3 inputs', `${ctx.field}.in`);
    ctx.value(step.out, ctx.unit);
  },
  cState: () => '0u',
  run(_, __, { values, inputs: [a, b, c], output }) {
    return {
      update() {
        const [x, y, z] = [values[a], values[b], values[c]];
        values[output] = sqrt32(f(f(f(x * x) + f(y * y)) + f(z * z)));
      },
    };
  },
  c: (_, __, { input }) => ({
    value: `sqrtf((${input(0)} * ${input(0)} + ${input(1)} * ${input(1)}) + ${input(2)} * ${input(2)})`,
  }),
};

export const block: BlockOp<MagnitudeStep> = {
  inPlace: true,
  plan(_, ctx) {
    ctx.arity(3);
    for (let i = 0; i < 3; i++) ctx.need('signal', i);
    ctx.sameLength();
    ctx.out(ctx.x.length, ctx.x.type);
  },
  run: (_, __, { x, input, y }) => magnitude3F32(x, input(1), input(2), y),
  c: (_, __, { x, input, y, n }) => [`murmur_magnitude3_f32(${x}, ${input(1)}, ${input(2)}, ${y}, ${n}u);`],
};
