/**
 * The frequency of a spectrum's largest bin in rangeHz (× scale, e.g. 60 for per minute) and its quality
 * (the bin's share of the range's power). With `localMax`, the largest local maximum in the range: a
 * spectrum that only falls from below the range (slow drift, Mayer waves) has no peak at the range's
 * edge, and a range with no local maximum has quality 0.
 */
import { cFloat } from '@murmur/core';
import { peakFrequencyF32 } from '../kernels';
import type { BlockOp } from './op';

export interface PeakFrequencyStep {
  op: 'peakFrequency';
  in: [string];
  out: string;
  rangeHz: [number, number];
  scale: number;
  /** Only a local maximum is a peak (default false: the largest bin). */
  localMax?: boolean;
}

export const block: BlockOp<PeakFrequencyStep> = {
  plan(step, ctx) {
    const { field, p } = ctx;
    ctx.arity(1);
    ctx.need('spectrum');
    const spectrum = ctx.spectrum!;
    p.ints.lo = ctx.binOf(step.rangeHz[0], `${field}.rangeHz[0]`);
    p.ints.hi = Math.min(ctx.x.length - 1, ctx.binOf(step.rangeHz[1], `${field}.rangeHz[1]`));
    p.floats.binHz = Math.fround(spectrum.binHz);
    p.floats.firstBin = Math.fround(spectrum.firstBin);
    p.floats.scale = Math.fround(step.scale);
    p.ints.localMax = step.localMax ? 1 : 0;
    ctx.out(2, { kind: 'estimate', unit: step.scale === 60 ? '1/min' : 'Hz' });
  },
  run: (_, p, { x, y }) =>
    peakFrequencyF32(
      x,
      p.ints.lo,
      p.ints.hi,
      p.floats.binHz,
      p.floats.firstBin,
      p.floats.scale,
      y,
      p.ints.localMax === 1,
    ),
  c: (_, p, { x, n, y }) => [
    `murmur_peak_frequency_f32(${x}, ${n}u, ${p.ints.lo}u, ${p.ints.hi}u, ${cFloat(p.floats.binHz)}, ${cFloat(p.floats.firstBin)}, ${cFloat(p.floats.scale)}, ${p.ints.localMax}u, ${y});`,
  ],
};
