/** Pearson's correlation of two signals over the window. */
import { COMOMENT_STATE, comomentFinishF32, comomentUpdateF32, correlationF32 } from '../kernels';
import type { BlockOp, StreamOp } from './op';

export interface CorrelationStep {
  op: 'correlation';
  in: [string, string];
  name: string;
}

export const stream: StreamOp<CorrelationStep> = {
  plan(step, ctx) {
    ctx.p.stateFloats = COMOMENT_STATE;
    ctx.features(step.name, [['', '1']]);
  },
  cState: () => 'MURMUR_COMOMENT_STATE',
  run(_, p, { state, values, inputs: [a, b], features }) {
    return {
      update: () => comomentUpdateF32(state, p.stateOffset, values[a], values[b]),
      finish: () => void (features[p.featureOffset] = comomentFinishF32(state, p.stateOffset)),
    };
  },
  c: (_, p, { state, input }) => ({
    perSample: [`murmur_comoment_update_f32(${state}, ${input(0)}, ${input(1)});`],
    finish: [`features[${p.featureOffset}] = murmur_comoment_finish_f32(${state});`],
  }),
};

export const block: BlockOp<CorrelationStep> = {
  plan(step, ctx) {
    ctx.arity(2);
    ctx.need('signal', 0);
    ctx.need('signal', 1);
    ctx.sameLength();
    ctx.features(step.name, [['', '1']]);
  },
  run: (_, __, { x, input, emit }) => emit([correlationF32(x, input(1))]),
  c: (_, p, { x, input, n }) => [
    `features[${p.featureOffset}] = murmur_correlation_f32(${x}, ${input(1)}, ${n}u);`,
  ],
};
