/**
 * Float32 arithmetic helpers shared by every kernel of the TypeScript reference. Each helper rounds
 * once, like one C `float` operation (IEEE binary32, round to nearest even), so that a kernel written
 * with them performs exactly the operations of its C twin in the same order.
 */
export const f = Math.fround;

const bitsView = new DataView(new ArrayBuffer(4));

/** The IEEE binary32 bit pattern of `x` (after rounding to float32). */
export function floatBits(x: number): number {
  bitsView.setFloat32(0, x);
  return bitsView.getUint32(0);
}

/** The float32 whose bit pattern is `bits`. */
export function floatFromBits(bits: number): number {
  bitsView.setUint32(0, bits >>> 0);
  return bitsView.getFloat32(0);
}

/** Natural logarithm of the smallest normal float32: what `ln32` returns for zero, subnormal or negative input. */
export const LN_FLOOR = f(-87.33654475);

const SQRT2 = f(Math.SQRT2);
const LN2 = f(Math.LN2);
const C1 = f(2);
const C3 = f(2 / 3);
const C5 = f(2 / 5);
const C7 = f(2 / 7);
const C9 = f(2 / 9);

/**
 * Natural logarithm in float32, the same way as `murmur_ln_f32` in C: x = m·2^e with m in
 * [√½, √2), ln m = 2·atanh((m−1)/(m+1)) by an odd polynomial (max error ≈ 1 ulp of the result).
 * Zero, subnormal and negative input give `LN_FLOOR`.
 */
export function ln32(x: number): number {
  const v = f(x);
  if (!(v >= 1.1754943508222875e-38)) return LN_FLOOR;
  if (v === Infinity) return v;
  const bits = floatBits(v);
  let e = ((bits >>> 23) & 0xff) - 127;
  let m = floatFromBits((bits & 0x7fffff) | 0x3f800000);
  if (m > SQRT2) {
    m = f(m * 0.5);
    e += 1;
  }
  const t = f(f(m - 1) / f(m + 1));
  const t2 = f(t * t);
  let p = C9;
  p = f(f(p * t2) + C7);
  p = f(f(p * t2) + C5);
  p = f(f(p * t2) + C3);
  p = f(f(p * t2) + C1);
  return f(f(e * LN2) + f(t * p));
}

/** Square root rounded to float32 (correctly rounded, like C `sqrtf`). */
export function sqrt32(x: number): number {
  return f(Math.sqrt(x));
}

/** The shortest decimal text that reads back as the same float32 (for CSV output). */
export function float32Text(x: number): string {
  const v = f(x);
  if (!Number.isFinite(v)) return String(v);
  for (let digits = 1; digits < 9; digits++) {
    const text = String(Number(v.toPrecision(digits)));
    if (f(Number(text)) === v) return text;
  }
  return String(Number(v.toPrecision(9)));
}
