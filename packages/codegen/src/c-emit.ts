/** Small helpers for writing readable C source: literals, arrays and identifiers. */

/** A C identifier from an arbitrary name: lower case, `[a-z0-9_]`, not starting with a digit. */
export function cIdentifier(name: string): string {
  const id = name.toLowerCase().replace(/[^a-z0-9_]+/g, '_');
  return /^[0-9]/.test(id) ? `_${id}` : id;
}

/** An int32 literal that is valid C for every value (INT32_MIN cannot be written as a negated literal). */
export function int32Literal(v: number): string {
  return v === -2147483648 ? '(-2147483647 - 1)' : String(v);
}

/** The exact C99 hexadecimal literal of a float32 value, e.g. `0x1.8p+3f`. */
export function floatLiteral(x: number): string {
  const bits = new DataView(new Float32Array([x]).buffer).getUint32(0, true);
  const sign = bits >>> 31 ? '-' : '';
  const exponent = (bits >>> 23) & 0xff;
  const mantissa = bits & 0x7fffff;
  if (exponent === 0xff) throw new RangeError(`not a finite float: ${x}`);
  if (exponent === 0 && mantissa === 0) return `${sign}0.0f`;
  const lead = exponent === 0 ? 0 : 1;
  const e = exponent === 0 ? -126 : exponent - 127;
  const hex = (mantissa << 1).toString(16).padStart(6, '0');
  return `${sign}0x${lead}.${hex}p${e >= 0 ? '+' : ''}${e}f`;
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
  const format = ctype === 'int32_t' ? int32Literal : String;
  return `${qualifiers} ${ctype} ${name}[${values.length}] = {\n${cValues(values, format)}\n};`;
}

/** A C block comment, each line prefixed with ` * `. */
export function cComment(lines: string[]): string {
  return ['/*', ...lines.map((l) => (l ? ` * ${l}` : ' *')), ' */'].join('\n');
}
