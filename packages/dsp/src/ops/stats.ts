/** Window statistics of a signal (mean, std, rms, min, max, p2p, peak, skewness, kurtosis, crest, zcr, mcr). */
import { STAT_NAMES, statsF32, type StatName } from '../kernels';
import { fail, type BlockOp } from './op';

export interface StatsStep {
  op: 'stats';
  in: [string];
  name: string;
  emit: StatName[];
}

const unitOf = (stat: StatName, signalUnit: string): string =>
  ['skewness', 'kurtosis', 'crest'].includes(stat)
    ? '1'
    : stat === 'zcr' || stat === 'mcr'
      ? '1/sample'
      : signalUnit;

export const block: BlockOp<StatsStep> = {
  plan(step, ctx) {
    ctx.arity(1);
    ctx.need('signal');
    step.emit.forEach((e, i) => {
      if (!STAT_NAMES.includes(e)) fail(`unknown statistic '${e}'`, `${ctx.field}.emit[${i}]`);
    });
    ctx.p.workFloats = STAT_NAMES.length;
    ctx.features(
      step.name,
      step.emit.map((e) => [e, unitOf(e, ctx.signal!.unit)]),
    );
  },
  run(step, _, { x, emit }) {
    const all = new Float32Array(STAT_NAMES.length);
    statsF32(x, all);
    emit(
      all,
      step.emit.map((e) => STAT_NAMES.indexOf(e)),
    );
  },
  c: (step, _, { x, n, work, copyFeatures }) => [
    `murmur_stats_f32(${x}, ${n}u, ${work()});`,
    ...copyFeatures(
      work(),
      step.emit.map((e) => STAT_NAMES.indexOf(e)),
    ),
  ],
};
