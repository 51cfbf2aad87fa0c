/**
 * Energy in each band [low, high) Hz, relative to the sum over the bands and/or as ln. As a block op it
 * sums a spectrum's bins; as a stream op it runs a filter bank on the signal (per band a second-order
 * Butterworth highpass at its low edge and lowpass at its high edge) and sums the output squared.
 */
import { bandEnergyF32, FILTER_BANK_SECTIONS, filterBankUpdateF32 } from '../kernels';
import { biquadCoefficients, type BiquadDesign } from '../tables';
import { binTable, fail, floatTable, fmtHz, type BlockOp, type StreamOp } from './op';

export interface BandEnergyStep {
  op: 'bandEnergy';
  in: [string];
  name: string;
  bandsHz: [number, number][];
  relative: boolean;
  log: boolean;
}

const bandNames = (step: BandEnergyStep, unit: string): [string, string][] =>
  step.bandsHz.map(([lo, hi]) => [`${fmtHz(lo)}_${fmtHz(hi)}hz`, unit]);
const flags = (step: BandEnergyStep): string => `${step.relative ? 1 : 0}, ${step.log ? 1 : 0}`;

export const stream: StreamOp<BandEnergyStep> = {
  plan(step, ctx) {
    const { graph, field, p } = ctx;
    const bands = step.bandsHz.length;
    if (!bands) fail('at least one band is needed', `${field}.bandsHz`);
    step.bandsHz.forEach(([lo, hi], i) => {
      if (!(lo > 0 && hi > lo && hi < graph.rateHz / 2))
        fail(`band must satisfy 0 < low < high < ${graph.rateHz / 2} Hz`, `${field}.bandsHz[${i}]`);
    });
    p.stateFloats = bands * (1 + 2 * FILTER_BANK_SECTIONS);
    p.tables.coeffs = ctx.table(`bank_${p.index}`, () =>
      biquadCoefficients(
        step.bandsHz.flatMap(([lo, hi]): BiquadDesign[] => [
          { kind: 'highpass', hz: lo, q: Math.SQRT1_2 },
          { kind: 'lowpass', hz: hi, q: Math.SQRT1_2 },
        ]),
        graph.rateHz,
        `${field}.bandsHz`,
      ),
    );
    // Band b's energy is "bin" b of the state, so the block kernel's relative/ln finish applies as is.
    p.tables.bins = ctx.table(`bank_bins_${bands}`, () =>
      Uint16Array.from({ length: 2 * bands }, (_, i) => (i >> 1) + (i & 1)),
    );
    ctx.features(step.name, bandNames(step, step.log ? 'ln' : step.relative ? '1' : `(${ctx.unit})²`));
  },
  cState: (step) => `${step.bandsHz.length}u * (1u + 2u * MURMUR_FILTER_BANK_SECTIONS)`,
  run(step, p, { state, values, inputs: [x], features }) {
    const bands = step.bandsHz.length;
    const coeffs = floatTable(p, 'coeffs');
    return {
      update: () => filterBankUpdateF32(state, p.stateOffset, coeffs, bands, values[x]),
      finish: () =>
        bandEnergyF32(
          state.subarray(p.stateOffset, p.stateOffset + bands),
          binTable(p, 'bins'),
          [0, bands],
          step.relative,
          step.log,
          features.subarray(p.featureOffset, p.featureOffset + bands),
        ),
    };
  },
  c(step, p, { state, table, input }) {
    const bands = step.bandsHz.length;
    return {
      perSample: [`murmur_filter_bank_update_f32(${state}, ${table('coeffs')}, ${bands}u, ${input(0)});`],
      finish: [
        `murmur_band_energy_f32(${state}, ${table('bins')}, ${bands}u, 0u, ${bands}u, ${flags(step)}, features + ${p.featureOffset});`,
      ],
    };
  },
};

export const block: BlockOp<BandEnergyStep> = {
  plan(step, ctx) {
    const { field, p } = ctx;
    ctx.arity(1);
    ctx.need('spectrum');
    const bins = new Uint16Array(2 * step.bandsHz.length);
    step.bandsHz.forEach(([lo, hi], i) => {
      bins[2 * i] = ctx.binOf(lo, `${field}.bandsHz[${i}][0]`);
      bins[2 * i + 1] = ctx.binOf(hi, `${field}.bandsHz[${i}][1]`);
      if (bins[2 * i + 1] <= bins[2 * i]) fail('band is empty at this resolution', `${field}.bandsHz[${i}]`);
    });
    p.tables.bins = ctx.table(`bands_${p.index}`, () => bins);
    p.ints.totalLo = Math.min(...bins);
    p.ints.totalHi = Math.max(...bins);
    p.workFloats = step.bandsHz.length;
    ctx.features(step.name, bandNames(step, step.log ? 'ln' : step.relative ? '1' : ctx.spectrum!.unit));
  },
  run(step, p, { x, emit }) {
    const e = new Float32Array(step.bandsHz.length);
    bandEnergyF32(x, binTable(p, 'bins'), [p.ints.totalLo, p.ints.totalHi], step.relative, step.log, e);
    emit(e);
  },
  c: (step, p, { x, table, work, copyFeatures }) => [
    `murmur_band_energy_f32(${x}, ${table('bins')}, ${step.bandsHz.length}u, ${p.ints.totalLo}u, ${p.ints.totalHi}u, ${flags(step)}, ${work()});`,
    ...copyFeatures(
      work(),
      step.bandsHz.map((_, i) => i),
    ),
  ],
};
