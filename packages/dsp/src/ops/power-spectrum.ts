/** The one-sided power spectrum |X[k]|² of a signal of power-of-two length (radix-2 FFT), bins 0 … n/2. */
import { powerSpectrumF32 } from '../kernels';
import { twiddleTables } from '../tables';
import { fail, floatTable, type BlockOp } from './op';

export interface PowerSpectrumStep {
  op: 'powerSpectrum';
  in: [string];
  out: string;
}

const isPow2 = (n: number): boolean => Number.isInteger(n) && n >= 2 && (n & (n - 1)) === 0;

export const block: BlockOp<PowerSpectrumStep> = {
  inPlace: true,
  plan(_, ctx) {
    const { x, p } = ctx;
    ctx.arity(1);
    ctx.need('signal');
    if (!isPow2(x.length) || x.length < 4 || x.length > 4096)
      fail(`powerSpectrum needs a power-of-two length in [4, 4096], got ${x.length}`, `${ctx.field}.in[0]`);
    const twiddles = twiddleTables(x.length);
    p.tables.cos = ctx.table(`cos_${x.length}`, () => twiddles.cos);
    p.tables.sin = ctx.table(`sin_${x.length}`, () => twiddles.sin);
    p.workFloats = x.length;
    const signal = ctx.signal!;
    ctx.out(x.length / 2 + 1, {
      kind: 'spectrum',
      binHz: signal.rateHz / x.length,
      firstBin: 0,
      unit: `(${signal.unit})²`,
    });
  },
  run: (_, p, { x, y }) =>
    powerSpectrumF32(x, y, floatTable(p, 'cos'), floatTable(p, 'sin'), new Float32Array(p.workFloats)),
  c: (_, __, { x, y, n, table, work }) => [
    `murmur_power_spectrum_f32(${x}, ${y}, ${n}u, ${table('cos')}, ${table('sin')}, ${work()});`,
  ],
};
