/** Spectral centroid, peak frequency and log flatness of a spectrum over rangeHz. */
import { cFloat } from '@murmur/core';
import { spectralShapeF32 } from '../kernels';
import { fail, type BlockOp } from './op';

const SHAPES = ['centroid', 'peak', 'flatness'] as const;

export interface SpectralShapeStep {
  op: 'spectralShape';
  in: [string];
  name: string;
  rangeHz: [number, number];
  emit: (typeof SHAPES)[number][];
}

export const block: BlockOp<SpectralShapeStep> = {
  plan(step, ctx) {
    const { field, p } = ctx;
    ctx.arity(1);
    ctx.need('spectrum');
    p.ints.lo = ctx.binOf(step.rangeHz[0], `${field}.rangeHz[0]`);
    p.ints.hi = ctx.binOf(step.rangeHz[1], `${field}.rangeHz[1]`);
    if (p.ints.hi <= p.ints.lo) fail('range is empty at this resolution', `${field}.rangeHz`);
    p.floats.binHz = Math.fround(ctx.spectrum!.binHz);
    p.floats.firstBin = Math.fround(ctx.spectrum!.firstBin);
    p.workFloats = SHAPES.length;
    step.emit.forEach((e, i) => {
      if (!SHAPES.includes(e)) fail(`unknown shape '${e}'`, `${field}.emit[${i}]`);
    });
    ctx.features(
      step.name,
      step.emit.map((e) => [e, e === 'flatness' ? 'ln' : 'Hz']),
    );
  },
  run(step, p, { x, emit }) {
    const shape = new Float32Array(SHAPES.length);
    spectralShapeF32(x, p.ints.lo, p.ints.hi, p.floats.binHz, p.floats.firstBin, shape);
    emit(
      shape,
      step.emit.map((e) => SHAPES.indexOf(e)),
    );
  },
  c: (step, p, { x, work, copyFeatures }) => [
    `murmur_spectral_shape_f32(${x}, ${p.ints.lo}u, ${p.ints.hi}u, ${cFloat(p.floats.binHz)}, ${cFloat(p.floats.firstBin)}, ${work()});`,
    ...copyFeatures(
      work(),
      step.emit.map((e) => SHAPES.indexOf(e)),
    ),
  ],
};
