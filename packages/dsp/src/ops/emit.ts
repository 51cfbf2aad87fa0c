/** A whole vector as features `name_<names[i]>` (default: `name_0`, `name_1`, …). */
import { fail, type BlockOp } from './op';

export interface EmitStep {
  op: 'emit';
  in: [string];
  name: string;
  names?: string[];
  unit?: string;
}

export const block: BlockOp<EmitStep> = {
  plan(step, ctx) {
    const { x } = ctx;
    ctx.arity(1);
    const names = step.names ?? Array.from({ length: x.length }, (_, i) => String(i));
    if (names.length !== x.length)
      fail(`names has ${names.length} entries, the vector ${x.length}`, `${ctx.field}.names`);
    const unit = step.unit ?? ('unit' in x.type ? x.type.unit : '');
    ctx.features(
      step.name,
      names.map((n) => [n, unit]),
    );
  },
  run: (_, __, { x, emit }) => emit(x),
  c: (_, p, { x, copyFeatures }) =>
    copyFeatures(
      x,
      p.features.map((_, i) => i),
    ),
};
