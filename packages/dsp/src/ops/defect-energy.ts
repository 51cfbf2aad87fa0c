/**
 * Per bearing defect order: the energy of its harmonics (largest bin within ±toleranceHz of each
 * line, summed) relative to the mean level over referenceHz, as ln.
 */
import { defectEnergyF32 } from '../kernels';
import { binTable, fail, harmonicBins, type BlockOp, type DefectOrder } from './op';

export interface DefectEnergyStep {
  op: 'defectEnergy';
  in: [string];
  name: string;
  shaftHz: number;
  orders: DefectOrder[];
  harmonics: number;
  toleranceHz: number;
  referenceHz: [number, number];
}

export const block: BlockOp<DefectEnergyStep> = {
  plan(step, ctx) {
    const { field, p } = ctx;
    ctx.arity(1);
    ctx.need('spectrum');
    if (!Number.isInteger(step.harmonics) || step.harmonics < 1)
      fail('harmonics must be an integer ≥ 1', `${field}.harmonics`);
    const ranges = new Uint16Array(2 * step.orders.length * step.harmonics);
    step.orders.forEach((o, i) => {
      for (let h = 0; h < step.harmonics; h++) {
        const bins = harmonicBins(ctx.spectrum!, ctx.x.length, o.multiple * step.shaftHz * (h + 1));
        const [lo, hi] = bins(step.toleranceHz);
        if (hi <= lo)
          fail(`harmonic ${h + 1} of '${o.name}' is outside the spectrum`, `${field}.orders[${i}]`);
        ranges[2 * (i * step.harmonics + h)] = lo;
        ranges[2 * (i * step.harmonics + h) + 1] = hi;
      }
    });
    p.tables.ranges = ctx.table(`defect_${p.index}`, () => ranges);
    p.ints.harmonics = step.harmonics;
    p.ints.refLo = ctx.binOf(step.referenceHz[0], `${field}.referenceHz[0]`);
    p.ints.refHi = ctx.binOf(step.referenceHz[1], `${field}.referenceHz[1]`);
    if (p.ints.refHi <= p.ints.refLo) fail('reference range is empty', `${field}.referenceHz`);
    p.workFloats = step.orders.length;
    ctx.features(
      step.name,
      step.orders.map((o) => [o.name, 'ln']),
    );
  },
  run(step, p, { x, emit }) {
    const e = new Float32Array(step.orders.length);
    defectEnergyF32(x, binTable(p, 'ranges'), p.ints.harmonics, [p.ints.refLo, p.ints.refHi], e);
    emit(e);
  },
  c: (step, p, { x, table, work, copyFeatures }) => [
    `murmur_defect_energy_f32(${x}, ${table('ranges')}, ${step.orders.length}u, ${p.ints.harmonics}u, ${p.ints.refLo}u, ${p.ints.refHi}u, ${work()});`,
    ...copyFeatures(
      work(),
      step.orders.map((_, i) => i),
    ),
  ],
};
