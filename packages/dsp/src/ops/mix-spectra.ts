/**
 * A weighted mean of spectra of one length, each scaled to unit power in rangeHz first, so that one
 * estimate can draw on several series (e.g. the respiratory modulations of a PPG): a series whose
 * spectrum is flat adds little to any bin, one with a clear peak adds it. The result has unit power in
 * the range, so a mix can be mixed again (keeping fewer spectra alive at once).
 */
import { cFloat } from '@murmur/core';
import { mixSpectraF32 } from '../kernels';
import { fail, type BlockOp } from './op';

/** Inputs the C kernel takes at most (MURMUR_MIX_SPECTRA_MAX). */
const MAX_INPUTS = 8;

export interface MixSpectraStep {
  op: 'mixSpectra';
  in: string[];
  out: string;
  /** One weight ≥ 0 per input, not all 0. */
  weights: number[];
  rangeHz: [number, number];
}

export const block: BlockOp<MixSpectraStep> = {
  inPlace: true,
  plan(step, ctx) {
    const { field, p } = ctx;
    if (step.in.length < 2 || step.in.length > MAX_INPUTS)
      fail(`mixSpectra takes 2 to ${MAX_INPUTS} inputs, got ${step.in.length}`, `${field}.in`);
    ctx.inputs.forEach((_, i) => ctx.need('spectrum', i));
    ctx.sameLength();
    const spectrum = ctx.spectrum!;
    ctx.inputs.forEach((v, i) => {
      if (
        v.type.kind !== 'spectrum' ||
        v.type.binHz !== spectrum.binHz ||
        v.type.firstBin !== spectrum.firstBin
      )
        fail('every input must have the bins of the first', `${field}.in[${i}]`);
    });
    if (
      step.weights.length !== step.in.length ||
      !step.weights.every((w) => Number.isFinite(w) && w >= 0) ||
      !step.weights.some((w) => w > 0)
    )
      fail(`one weight ≥ 0 per input, not all 0, got [${step.weights.join(', ')}]`, `${field}.weights`);
    p.ints.lo = ctx.binOf(step.rangeHz[0], `${field}.rangeHz[0]`);
    p.ints.hi = Math.min(ctx.x.length - 1, ctx.binOf(step.rangeHz[1], `${field}.rangeHz[1]`));
    if (!(p.ints.hi >= p.ints.lo)) fail('the range holds no bin', `${field}.rangeHz`);
    const weights = Float32Array.from(step.weights);
    p.floats.wsum = weights.reduce((a, w) => Math.fround(a + w), 0);
    step.weights.forEach((_, i) => (p.floats[`w${i}`] = weights[i]!));
    ctx.out(ctx.x.length, { ...spectrum, unit: '1' });
  },
  run(step, p, { input, y }) {
    const w = Float32Array.from(step.in, (_, i) => p.floats[`w${i}`]!);
    mixSpectraF32(
      step.in.map((_, i) => input(i)),
      w,
      p.ints.lo,
      p.ints.hi,
      p.floats.wsum,
      y,
    );
  },
  c(step, p, { input, n, y }) {
    const k = step.in.length;
    const ins = step.in.map((_, i) => input(i)).join(', ');
    const ws = step.in.map((_, i) => cFloat(p.floats[`w${i}`]!)).join(', ');
    return [
      '{',
      `  const float *const mix_in[${k}] = { ${ins} };`,
      `  static const float mix_w[${k}] = { ${ws} };`,
      `  murmur_mix_spectra_f32(mix_in, mix_w, ${k}u, ${n}u, ${p.ints.lo}u, ${p.ints.hi}u, ${cFloat(p.floats.wsum)}, ${y});`,
      '}',
    ];
  },
};
