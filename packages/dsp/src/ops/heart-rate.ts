/** Heart rate (per minute) from the median inter-beat interval of beats, and the beat count. */
import { cFloat } from '@murmur/core';
import { heartRateF32 } from '../kernels';
import type { VectorKind } from '../plan';
import type { BlockOp } from './op';

export interface HeartRateStep {
  op: 'heartRate';
  in: [string];
  name: string;
}

export const block: BlockOp<HeartRateStep> = {
  plan(step, ctx) {
    const { p } = ctx;
    ctx.arity(1);
    ctx.need('beats');
    const beats = ctx.x.type as Extract<VectorKind, { kind: 'beats' }>;
    p.ints.capacity = beats.capacity;
    p.floats.rateHz = Math.fround(beats.rateHz);
    p.workFloats = beats.capacity + 2;
    ctx.features(step.name, [
      ['rate', '1/min'],
      ['beats', 'count'],
    ]);
  },
  run(_, p, { x, emit }) {
    const r = new Float32Array(2);
    heartRateF32(x, p.floats.rateHz, new Float32Array(p.ints.capacity), r);
    emit(r);
  },
  c: (_, p, { x, work, copyFeatures }) => [
    `murmur_heart_rate_f32(${x}, ${cFloat(p.floats.rateHz)}, ${work()}, ${work()} + ${p.ints.capacity});`,
    ...copyFeatures(`(${work()} + ${p.ints.capacity})`, [0, 1]),
  ],
};
