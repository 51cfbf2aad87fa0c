/** Every factor-th sample of a signal, from the window's first: the signal at rateHz / factor. */
import { decimateF32 } from '../kernels';
import { fail, type BlockOp, type StreamOp } from './op';

export interface DecimateStep {
  op: 'decimate';
  in: [string];
  out: string;
  factor: number;
}

function checkFactor(step: DecimateStep, field: string): void {
  if (!Number.isInteger(step.factor) || step.factor < 1)
    fail('factor must be an integer ≥ 1', `${field}.factor`);
}

/**
 * As a stream op it keeps the samples in a vector that the block ops read when the window is full: a
 * signal at rateHz / factor that costs window / factor floats of state, not a ring.
 */
export const stream: StreamOp<DecimateStep> = {
  outputInState: true,
  plan(step, ctx) {
    const { graph, field, p } = ctx;
    checkFactor(step, field);
    p.ints.factor = step.factor;
    p.stateFloats = Math.ceil(graph.window / step.factor);
    p.output = ctx.define(
      step.out,
      p.stateFloats,
      { kind: 'signal', rateHz: graph.rateHz / step.factor, unit: ctx.unit },
      `${field}.out`,
    );
  },
  cState: (step, _, graph) => `(${graph.window}u + ${step.factor}u - 1u) / ${step.factor}u`,
  run(step, p, { state, values, inputs: [x], vectors }) {
    // The vector is a view of the state, as in C.
    vectors.set(step.out, state.subarray(p.stateOffset, p.stateOffset + p.output!.length));
    return {
      update(i) {
        if (i % step.factor === 0) state[p.stateOffset + i / step.factor] = values[x];
      },
    };
  },
  c: (step, p, { input }) => ({
    perSample: [
      `if (pos % ${step.factor}u == 0u) state->stream[${p.stateOffset}u + pos / ${step.factor}u] = ${input(0)};`,
    ],
  }),
};

export const block: BlockOp<DecimateStep> = {
  inPlace: true,
  plan(step, ctx) {
    ctx.arity(1);
    ctx.need('signal');
    checkFactor(step, ctx.field);
    ctx.p.ints.factor = step.factor;
    const signal = ctx.signal!;
    ctx.out(Math.ceil(ctx.x.length / step.factor), { ...signal, rateHz: signal.rateHz / step.factor });
  },
  run: (_, p, { x, y }) => decimateF32(x, y, p.ints.factor),
  c: (_, p, { x, y, m }) => [`murmur_decimate_f32(${x}, ${y}, ${m}u, ${p.ints.factor}u);`],
};
