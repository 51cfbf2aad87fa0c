/**
 * The fast path of the decoder: a plan compiled once into a straight-line JS function that extracts every
 * field with constant shifts and masks and builds the data object in one literal (one hidden class, no
 * per-field calls). It returns undefined when any code is invalid; the reference decoder in codec.ts then
 * produces the error messages. Tests check both paths give the same results.
 */
import type { Plan, Slot } from './plan';

export type FastDecoder = (bytes: ArrayLike<number>) => Record<string, unknown> | undefined;

const compiled = new WeakMap<Plan, FastDecoder>();

/** JS expression reading `width` bits MSB-first at bit `pos` of `b` (constant offsets). */
function bitsExpr(pos: number, width: number): string {
  const first = pos >> 3;
  const last = (pos + width - 1) >> 3;
  const span = last - first + 1;
  const shift = span * 8 - (pos & 7) - width;
  if (span <= 3) {
    const parts = Array.from(
      { length: span },
      (_, i) => `b[${first + i}]${span - 1 - i ? ` << ${8 * (span - 1 - i)}` : ''}`,
    );
    const word = span === 1 ? parts[0]! : `(${parts.join(' | ')})`;
    const shifted = shift ? `(${word} >> ${shift})` : word;
    return width === span * 8 ? shifted : `(${shifted} & ${2 ** width - 1})`;
  }
  return `readBits(b, ${pos}, ${width})`;
}

/** JS expression of the decoded value of raw variable `r` and its validity test (or undefined if always valid). */
function valueExpr(slot: Slot, r: string, table: string): { value: string; invalid?: string } {
  const f = slot.field;
  const full = 2 ** f.bits - 1;
  switch (f.kind) {
    case 'enum':
      return { value: `${table}[${r}]`, ...(slot.rawMax < full ? { invalid: `${r} > ${slot.rawMax}` } : {}) };
    case 'bool':
      return { value: `${r} === 1` };
    case 'uint':
      return { value: r, ...(slot.rawMax < full ? { invalid: `${r} > ${slot.rawMax}` } : {}) };
    case 'int':
      return { value: `(${r} >= ${2 ** (f.bits - 1)} ? ${r} - ${2 ** f.bits} : ${r})` };
    case 'fixed':
      return { value: `(${r} * ${slot.scaleInt} + ${slot.offsetInt}) / ${slot.pow}` };
    case 'unorm':
      return { value: `${r} / ${slot.rawMax}` };
  }
}

/** The compiled fast decoder of a plan (cached). Call only after the frame (size, version) has been checked. */
export function fastDecoderOf(
  plan: Plan,
  readBits: (b: ArrayLike<number>, pos: number, width: number) => number,
): FastDecoder {
  let fn = compiled.get(plan);
  if (fn) return fn;
  const lines: string[] = [];
  const props: string[] = [];
  const tables: (readonly string[])[] = [];
  let n = 0;
  for (const slot of plan.slots) {
    const table = `t${tables.length}`;
    if (slot.field.kind === 'enum') tables.push(slot.field.values);
    const values: string[] = [];
    for (let i = 0; i < Math.max(1, slot.length); i++) {
      const r = `r${n++}`;
      lines.push(`var ${r} = ${bitsExpr(slot.bitOffset + i * slot.bits, slot.bits)};`);
      const { value, invalid } = valueExpr(slot, r, table);
      if (invalid) lines.push(`if (${invalid}) return undefined;`);
      values.push(value);
    }
    props.push(`${JSON.stringify(slot.name)}: ${slot.length ? `[${values.join(', ')}]` : values[0]}`);
  }
  const names = tables.map((_, i) => `t${i}`);
  const body = `return function (b) {\n${lines.join('\n')}\nreturn {${props.join(', ')}};\n};`;
  fn = new Function('readBits', ...names, body)(readBits, ...tables) as FastDecoder;
  compiled.set(plan, fn);
  return fn;
}
