/** One [value, quality] estimate from several, weighted by their qualities. */
import { fuseF32 } from '../kernels';
import { fail, type BlockOp } from './op';

export interface FuseStep {
  op: 'fuse';
  in: string[];
  out: string;
}

export const block: BlockOp<FuseStep> = {
  plan(step, ctx) {
    if (step.in.length < 2) fail('fuse takes at least 2 inputs', `${ctx.field}.in`);
    ctx.inputs.forEach((_, i) => ctx.need('estimate', i));
    ctx.p.workFloats = 2 * ctx.inputs.length;
    ctx.out(2, ctx.x.type);
  },
  run(step, p, { input, y }) {
    const estimates = new Float32Array(p.workFloats);
    step.in.forEach((_, i) => estimates.set(input(i), 2 * i));
    fuseF32(estimates, step.in.length, y);
  },
  c(step, _, { y, at, work }) {
    const lines = step.in.flatMap((name, i) => [
      `${work()}[${2 * i}] = ${at(name)}[0];`,
      `${work()}[${2 * i + 1}] = ${at(name)}[1];`,
    ]);
    return [...lines, `murmur_fuse_f32(${work()}, ${step.in.length}u, ${y});`];
  },
};
