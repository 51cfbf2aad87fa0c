/**
 * A respiratory series from beats, resampled at rateHz: intensity (riiv), amplitude (riav) or
 * frequency (rifv) modulation of the pulse by breathing.
 */
import { cFloat } from '@murmur/core';
import { RESP_SERIES, respSeriesF32, type RespSeries } from '../kernels';
import type { VectorKind } from '../plan';
import { fail, type BlockOp } from './op';

export interface RespSeriesStep {
  op: 'respSeries';
  in: [string];
  out: string;
  kind: RespSeries;
  rateHz: number;
}

export const block: BlockOp<RespSeriesStep> = {
  plan(step, ctx) {
    const { graph, field, p } = ctx;
    ctx.arity(1);
    ctx.need('beats');
    const beats = ctx.x.type as Extract<VectorKind, { kind: 'beats' }>;
    if (!RESP_SERIES.includes(step.kind))
      fail(`kind must be one of ${RESP_SERIES.join(', ')}`, `${field}.kind`);
    const stepSamples = beats.rateHz / step.rateHz;
    if (Math.fround(stepSamples) !== stepSamples)
      fail('rateHz must divide the signal rate into an exact float step', `${field}.rateHz`);
    p.ints.capacity = beats.capacity;
    p.ints.kind = RESP_SERIES.indexOf(step.kind);
    p.floats.step = Math.fround(stepSamples);
    const windowS = graph.window / graph.rateHz;
    ctx.out(Math.floor(windowS * step.rateHz), {
      kind: 'signal',
      rateHz: step.rateHz,
      unit: step.kind === 'rifv' ? 'samples' : '',
    });
  },
  run: (_, p, { x, y }) => respSeriesF32(x, p.ints.capacity, p.ints.kind, p.floats.step, y),
  c: (_, p, { x, y, m }) => [
    `murmur_resp_series_f32(${x}, ${p.ints.capacity}u, ${p.ints.kind}u, ${cFloat(p.floats.step)}, ${y}, ${m}u);`,
  ],
};
