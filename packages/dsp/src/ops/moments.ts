/** Running moments of a per-sample value (Welford): mean, std, min, max, peak, and optionally skewness and kurtosis. */
import {
  MOMENTS4_STATE,
  MOMENTS_STATE,
  moments4FinishF32,
  moments4UpdateF32,
  momentsFinishF32,
  momentsUpdateF32,
} from '../kernels';
import { fail, type StreamOp } from './op';

/** What `moments` can emit: peak is the largest deviation from the mean; skewness and kurtosis need more state. */
export type MomentName = (typeof MOMENT_NAMES)[number];
export const MOMENT_NAMES = ['mean', 'std', 'min', 'max', 'peak', 'skewness', 'kurtosis'] as const;
const isHigherMoment = (e: MomentName): boolean => e === 'skewness' || e === 'kurtosis';
/** Where the fourth-order finish ([skewness, kurtosis]) writes, after the [mean … peak] of the moments finish. */
export const HIGHER_MOMENTS_AT = MOMENT_NAMES.indexOf('skewness');

export interface MomentsStep {
  op: 'moments';
  in: [string];
  name: string;
  emit: MomentName[];
}

export const stream: StreamOp<MomentsStep> = {
  plan(step, ctx) {
    step.emit.forEach((e, i) => {
      if (!MOMENT_NAMES.includes(e)) fail(`unknown moment '${e}'`, `${ctx.field}.emit[${i}]`);
    });
    // Moments up to the second order unless a third- or fourth-order one is asked for.
    ctx.p.ints.order = step.emit.some(isHigherMoment) ? 4 : 2;
    ctx.p.stateFloats = ctx.p.ints.order === 4 ? MOMENTS4_STATE : MOMENTS_STATE;
    ctx.features(
      step.name,
      step.emit.map((e) => [e, isHigherMoment(e) ? '1' : ctx.unit]),
    );
  },
  cState: (_, p) => (p.ints.order === 4 ? 'MURMUR_MOMENTS4_STATE' : 'MURMUR_MOMENTS_STATE'),
  run(step, p, { state, values, inputs: [x], features }) {
    const fourth = p.ints.order === 4;
    return {
      update: fourth
        ? () => moments4UpdateF32(state, p.stateOffset, values[x])
        : () => momentsUpdateF32(state, p.stateOffset, values[x]),
      finish() {
        const m = new Float32Array(MOMENT_NAMES.length);
        momentsFinishF32(state, p.stateOffset, m);
        if (fourth) moments4FinishF32(state, p.stateOffset, m.subarray(HIGHER_MOMENTS_AT));
        step.emit.forEach((e, i) => (features[p.featureOffset + i] = m[MOMENT_NAMES.indexOf(e)]));
      },
    };
  },
  c(step, p, { state, input, copyFeatures }) {
    const order = p.ints.order === 4 ? '4' : '';
    return {
      perSample: [`murmur_moments${order}_update_f32(${state}, ${input(0)});`],
      // `tmp` is the window function's float[MOMENT_NAMES.length] for finishes that need one.
      finish: [
        `murmur_moments_finish_f32(${state}, tmp);`,
        ...(order ? [`murmur_moments4_finish_f32(${state}, tmp + ${HIGHER_MOMENTS_AT});`] : []),
        ...copyFeatures(
          'tmp',
          step.emit.map((e) => MOMENT_NAMES.indexOf(e)),
        ),
      ],
    };
  },
};
