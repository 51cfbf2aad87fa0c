/** A cascade of second-order IIR sections (RBJ designs), run in direct form II transposed. */
import { biquadF32, biquadStepF32 } from '../kernels';
import { biquadCoefficients, type BiquadDesign } from '../tables';
import { fail, floatTable, type BlockOp, type StreamOp } from './op';

export interface BiquadStep {
  op: 'biquad';
  in: [string];
  out: string;
  sections: BiquadDesign[];
}

function checkSections(step: BiquadStep, field: string): void {
  if (!step.sections.length) fail('at least one section is needed', `${field}.sections`);
}

export const stream: StreamOp<BiquadStep> = {
  value: true,
  plan(step, ctx) {
    checkSections(step, ctx.field);
    ctx.p.stateFloats = 2 * step.sections.length;
    ctx.p.tables.coeffs = ctx.table(`stream_biquad_${ctx.p.index}`, () =>
      biquadCoefficients(step.sections, ctx.graph.rateHz, `${ctx.field}.sections`),
    );
    ctx.value(step.out, ctx.unit);
  },
  cState: (step) => `2u * ${step.sections.length}u`,
  run(step, p, { state, values, inputs: [x], output }) {
    const coeffs = floatTable(p, 'coeffs');
    return {
      update: () =>
        void (values[output] = biquadStepF32(
          state,
          p.stateOffset,
          coeffs,
          0,
          step.sections.length,
          values[x],
        )),
    };
  },
  c: (step, __, { state, table, input }) => ({
    value: `murmur_biquad_step_f32(${state}, ${table('coeffs')}, ${step.sections.length}u, ${input(0)})`,
  }),
};

export const block: BlockOp<BiquadStep> = {
  inPlace: true,
  plan(step, ctx) {
    ctx.arity(1);
    ctx.need('signal');
    checkSections(step, ctx.field);
    ctx.p.tables.coeffs = ctx.table(`biquad_${ctx.p.index}`, () =>
      biquadCoefficients(step.sections, ctx.signal!.rateHz, `${ctx.field}.sections`),
    );
    ctx.out(ctx.x.length, ctx.x.type);
  },
  run: (_, p, { x, y }) => biquadF32(x, y, floatTable(p, 'coeffs')),
  c: (step, __, { x, y, n, table }) => [
    `murmur_biquad_f32(${x}, ${y}, ${n}u, ${table('coeffs')}, ${step.sections.length}u);`,
  ],
};
