/** Per bearing defect order: how far its lines (harmonics) stand out of their own neighbourhood (ln ratio). */
import { defectProminenceF32 } from '../kernels';
import { binTable, fail, harmonicBins, type BlockOp, type DefectOrder } from './op';

export interface DefectProminenceStep {
  op: 'defectProminence';
  in: [string];
  name: string;
  shaftHz: number;
  orders: DefectOrder[];
  harmonics: number;
  /** Half-width of the peak search around each line. */
  toleranceHz: number;
  /** Half-width of the neighbourhood whose mean level (peak range excluded) is the reference. */
  neighbourhoodHz: number;
}

export const block: BlockOp<DefectProminenceStep> = {
  plan(step, ctx) {
    const { field, p } = ctx;
    ctx.arity(1);
    ctx.need('spectrum');
    if (!Number.isInteger(step.harmonics) || step.harmonics < 1)
      fail('harmonics must be an integer ≥ 1', `${field}.harmonics`);
    if (!(step.toleranceHz >= 0 && step.neighbourhoodHz > step.toleranceHz))
      fail('neighbourhoodHz must be larger than toleranceHz ≥ 0', `${field}.neighbourhoodHz`);
    const ranges = new Uint16Array(4 * step.orders.length * step.harmonics);
    step.orders.forEach((o, i) => {
      for (let h = 0; h < step.harmonics; h++) {
        const bins = harmonicBins(ctx.spectrum!, ctx.x.length, o.multiple * step.shaftHz * (h + 1));
        const [lo, hi] = bins(step.toleranceHz);
        const [nlo, nhi] = bins(step.neighbourhoodHz);
        if (hi <= lo || lo - nlo + (nhi - hi) < 1)
          fail(
            `harmonic ${h + 1} of '${o.name}' or its neighbourhood is outside the spectrum`,
            `${field}.orders[${i}]`,
          );
        ranges.set([nlo, lo, hi, nhi], 4 * (i * step.harmonics + h));
      }
    });
    p.tables.ranges = ctx.table(`prominence_${p.index}`, () => ranges);
    p.ints.harmonics = step.harmonics;
    p.workFloats = step.orders.length;
    ctx.features(
      step.name,
      step.orders.map((o) => [o.name, 'ln']),
    );
  },
  run(step, p, { x, emit }) {
    const e = new Float32Array(step.orders.length);
    defectProminenceF32(x, binTable(p, 'ranges'), p.ints.harmonics, e);
    emit(e);
  },
  c: (step, p, { x, table, work, copyFeatures }) => [
    `murmur_defect_prominence_f32(${x}, ${table('ranges')}, ${step.orders.length}u, ${p.ints.harmonics}u, ${work()});`,
    ...copyFeatures(
      work(),
      step.orders.map((_, i) => i),
    ),
  ],
};
