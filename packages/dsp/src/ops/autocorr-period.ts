/**
 * The strongest periodicity of a signal: the lag in [minS, maxS] with the largest autocorrelation
 * r[lag] = Σ x[i]·x[i+lag] (x is expected zero-mean, e.g. band-passed or differenced), as that lag in
 * seconds (`period`) and r[lag] / r[0] (`strength`). As a stream op it keeps the last maxS of samples
 * and one running sum per lag.
 */
import { cFloat } from '@murmur/core';
import { autocorrFinishF32, autocorrPeriodF32, autocorrSums, autocorrUpdateF32 } from '../kernels';
import { fail, type BlockOp, type PlanContext, type StreamOp } from './op';

export interface AutocorrPeriodStep {
  op: 'autocorrPeriod';
  in: [string];
  name: string;
  minS: number;
  maxS: number;
}

/** The lags in samples over `length` samples at `rateHz`, and the step's two features. */
function planLags(step: AutocorrPeriodStep, ctx: PlanContext, rateHz: number, length: number): void {
  const { p } = ctx;
  p.ints.minLag = Math.max(1, Math.round(step.minS * rateHz));
  p.ints.maxLag = Math.min(length - 1, Math.round(step.maxS * rateHz));
  if (p.ints.maxLag < p.ints.minLag) fail('empty lag range', `${ctx.field}.maxS`);
  p.floats.rateHz = Math.fround(rateHz);
  ctx.features(step.name, [
    ['period', 's'],
    ['strength', '1'],
  ]);
}

export const stream: StreamOp<AutocorrPeriodStep> = {
  plan(step, ctx) {
    planLags(step, ctx, ctx.graph.rateHz, ctx.graph.window);
    // The running sums, then a ring of the last maxLag samples.
    ctx.p.stateFloats = autocorrSums(ctx.p.ints.minLag, ctx.p.ints.maxLag) + ctx.p.ints.maxLag;
  },
  cState: (_, p) => `MURMUR_AUTOCORR_STATE(${p.ints.minLag}u, ${p.ints.maxLag}u)`,
  run(_, p, { state, values, inputs: [x], features }) {
    const { minLag, maxLag } = p.ints;
    return {
      update: (i) => autocorrUpdateF32(state, p.stateOffset, i, minLag, maxLag, values[x]),
      finish: () =>
        autocorrFinishF32(
          state,
          p.stateOffset,
          minLag,
          maxLag,
          p.floats.rateHz,
          features.subarray(p.featureOffset, p.featureOffset + 2),
        ),
    };
  },
  c(_, p, { state, input }) {
    const lags = `${p.ints.minLag}u, ${p.ints.maxLag}u`;
    return {
      perSample: [`murmur_autocorr_update_f32(${state}, pos, ${lags}, ${input(0)});`],
      finish: [
        `murmur_autocorr_finish_f32(${state}, ${lags}, ${cFloat(p.floats.rateHz)}, features + ${p.featureOffset});`,
      ],
    };
  },
};

export const block: BlockOp<AutocorrPeriodStep> = {
  plan(step, ctx) {
    ctx.arity(1);
    ctx.need('signal');
    planLags(step, ctx, ctx.signal!.rateHz, ctx.x.length);
    ctx.p.workFloats = autocorrSums(ctx.p.ints.minLag, ctx.p.ints.maxLag);
  },
  run(_, p, { x, emit }) {
    const r = new Float32Array(2);
    const sums = new Float32Array(p.workFloats);
    autocorrPeriodF32(x, p.ints.minLag, p.ints.maxLag, p.floats.rateHz, sums, r);
    emit(r);
  },
  c: (_, p, { x, n, work }) => [
    `murmur_autocorr_period_f32(${x}, ${n}u, ${p.ints.minLag}u, ${p.ints.maxLag}u, ${cFloat(p.floats.rateHz)}, ${work()}, features + ${p.featureOffset});`,
  ],
};
