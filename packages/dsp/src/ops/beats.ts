/**
 * Pulse beats in a band-passed PPG (first input; the raw PPG second, for intensity): local maxima
 * above thresholdK × its std, at least refractoryS apart, as [count, index…, intensity…, amplitude…]
 * for up to the beats a window can hold at maxRateBpm. With `interpolate`, beat times are refined between
 * samples (parabolic vertex), which the inter-beat intervals (heart rate, RIFV) need at a low sample rate.
 */
import { cFloat } from '@murmur/core';
import { beatsF32 } from '../kernels';
import type { BlockOp } from './op';

export interface BeatsStep {
  op: 'beats';
  in: [string, string];
  out: string;
  thresholdK: number;
  refractoryS: number;
  maxRateBpm: number;
  /** Refine each beat time between samples (default false: the sample index). */
  interpolate?: boolean;
}

export const block: BlockOp<BeatsStep> = {
  plan(step, ctx) {
    const { x, p } = ctx;
    ctx.arity(2);
    ctx.need('signal', 0);
    ctx.need('signal', 1);
    ctx.sameLength();
    const rateHz = ctx.signal!.rateHz;
    const seconds = x.length / rateHz;
    p.ints.refractory = Math.max(1, Math.round(step.refractoryS * rateHz));
    p.ints.capacity = Math.max(2, Math.ceil((seconds * step.maxRateBpm) / 60));
    p.floats.thresholdK = Math.fround(step.thresholdK);
    p.ints.interpolate = step.interpolate ? 1 : 0;
    ctx.out(1 + 3 * p.ints.capacity, { kind: 'beats', capacity: p.ints.capacity, rateHz });
  },
  run: (_, p, { x, input, y }) =>
    beatsF32(
      x,
      input(1),
      p.floats.thresholdK,
      p.ints.refractory,
      p.ints.capacity,
      y,
      p.ints.interpolate === 1,
    ),
  c: (_, p, { x, input, n, y }) => [
    `murmur_beats_f32(${x}, ${input(1)}, ${n}u, ${cFloat(p.floats.thresholdK)}, ${p.ints.refractory}u, ${p.ints.capacity}u, ${p.ints.interpolate}u, ${y});`,
  ],
};
