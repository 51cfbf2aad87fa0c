/**
 * A float32 value as an exact C99 literal: a hexadecimal floating constant (`0x1.8p3f`), so the C
 * compiler reads back exactly the bits the TypeScript reference uses. Every generator emits floats with it.
 */
export function cFloat(x: number): string {
  const v = Math.fround(x);
  if (!Number.isFinite(v)) throw new RangeError(`cannot emit non-finite float ${x} as a C constant`);
  if (v === 0) return Object.is(v, -0) ? '-0.0f' : '0.0f';
  const bits = new DataView(new Float32Array([v]).buffer).getUint32(0, true);
  const sign = bits >>> 31 ? '-' : '';
  const exp = (bits >>> 23) & 0xff;
  const mant = ((bits & 0x7fffff) << 1).toString(16).padStart(6, '0');
  return exp === 0 ? `${sign}0x0.${mant}p-126f` : `${sign}0x1.${mant}p${exp - 127}f`;
}
