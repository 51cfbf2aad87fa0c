/** Small helpers for writing readable C source: literals, arrays and identifiers. */
import { cFloat } from '@murmur/core';

/** A C identifier from an arbitrary name: lower case, `[a-z0-9_]`, not starting with a digit. */
export function cIdentifier(name: string): string {
  const id = name.toLowerCase().replace(/[^a-z0-9_]+/g, '_');
  return /^[0-9]/.test(id) ? `_${id}` : id;
}

/** An int32 literal that is valid C for every value (INT32_MIN cannot be written as a negated literal). */
export function int32Literal(v: number): string {
  return v === -2147483648 ? '(-2147483647 - 1)' : String(v);
}

/** Comma-separated values, `perLine` to a line, indented by two spaces. */
export function cValues(
  values: ArrayLike<number>,
  format: (v: number) => string = String,
  perLine = 16,
): string {
  const lines: string[] = [];
  for (let i = 0; i < values.length; i += perLine) {
    const chunk: string[] = [];
    for (let j = i; j < Math.min(values.length, i + perLine); j++) chunk.push(format(values[j]!));
    lines.push(`  ${chunk.join(', ')},`);
  }
  return lines.join('\n');
}

/** `<qualifiers> <ctype> name[n] = { ... };` */
export function cArray(qualifiers: string, ctype: string, name: string, values: ArrayLike<number>): string {
  const format = ctype === 'int32_t' ? int32Literal : ctype === 'float' ? cFloat : String;
  return `${qualifiers} ${ctype} ${name}[${values.length}] = {\n${cValues(values, format)}\n};`;
}
