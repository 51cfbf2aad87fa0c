/**
 * Fixed-point arithmetic of the TFLite int8 spec (gemmlowp), written as the specification the C kernels
 * reproduce. All values are int32; 64-bit products are computed exactly with BigInt.
 */
export const INT32_MIN = -2147483648;
export const INT32_MAX = 2147483647;

function checkInt32(x: number, what: string): void {
  if (!Number.isInteger(x) || x < INT32_MIN || x > INT32_MAX)
    throw new RangeError(`${what} is not an int32: ${x}`);
}

/**
 * gemmlowp SaturatingRoundingDoublingHighMul: a·b / 2^31 rounded to nearest; positive ties go up, and
 * the negative nudge plus truncation sends negative ties up too (-0.5 → 0, -1.5 → -1). C: `if (a == b && a == INT32_MIN) return INT32_MAX; int64_t ab = (int64_t)a * b;
 * int32_t nudge = ab >= 0 ? (1 << 30) : (1 - (1 << 30)); return (int32_t)((ab + nudge) / (1ll << 31));`
 * (C division truncates toward zero.)
 */
export function saturatingRoundingDoublingHighMul(a: number, b: number): number {
  checkInt32(a, 'a');
  checkInt32(b, 'b');
  if (a === INT32_MIN && b === INT32_MIN) return INT32_MAX;
  const product = a * b;
  // Below 2^52 the double product, the nudge and the power-of-two division are exact; | 0 truncates toward zero.
  if (Math.abs(product) < 2 ** 52) return ((product + (product >= 0 ? 2 ** 30 : 1 - 2 ** 30)) / 2 ** 31) | 0;
  const ab = BigInt(a) * BigInt(b);
  const nudge = ab >= 0n ? 1n << 30n : 1n - (1n << 30n);
  return Number((ab + nudge) / (1n << 31n));
}

/**
 * gemmlowp RoundingDivideByPOT: x / 2^exponent rounded to nearest, ties away from zero, exponent in [0, 31].
 * C: `int32_t mask = (1ll << e) - 1; int32_t rem = x & mask; int32_t thr = (mask >> 1) + (x < 0);
 * return (x >> e) + (rem > thr);` (`>>` of a negative int32 is an arithmetic shift.)
 */
export function roundingDivideByPOT(x: number, exponent: number): number {
  checkInt32(x, 'x');
  if (!Number.isInteger(exponent) || exponent < 0 || exponent > 31)
    throw new RangeError(`exponent out of [0, 31]: ${exponent}`);
  const pot = 2 ** exponent;
  const floor = Math.floor(x / pot); // arithmetic shift, exact in doubles for int32 x
  const remainder = x - floor * pot; // x & mask
  const mask = pot - 1;
  const threshold = Math.floor(mask / 2) + (x < 0 ? 1 : 0);
  return floor + (remainder > threshold ? 1 : 0);
}

/**
 * TFLite MultiplyByQuantizedMultiplier (the default, double-rounding form):
 * RoundingDivideByPOT(SaturatingRoundingDoublingHighMul(x · 2^max(shift, 0), multiplier), max(-shift, 0)).
 * The left shift saturates to int32 (C: compute `(int64_t)x << left` and clamp to [INT32_MIN, INT32_MAX]).
 */
export function multiplyByQuantizedMultiplier(x: number, multiplier: number, shift: number): number {
  const left = shift > 0 ? shift : 0;
  const right = shift > 0 ? 0 : -shift;
  const shifted = Math.min(INT32_MAX, Math.max(INT32_MIN, x * 2 ** left));
  return roundingDivideByPOT(saturatingRoundingDoublingHighMul(shifted, multiplier), right);
}

/**
 * TFLite QuantizeMultiplier: a real multiplier m ≥ 0 as a Q31 value q in [2^30, 2^31) and an exponent with
 * m ≈ q · 2^shift / 2^31. frexp gives m = f · 2^shift with f in [0.5, 1); q = round(f · 2^31) (ties away from
 * zero); q = 2^31 becomes 2^30 with shift + 1; a shift below -31 flushes to (0, 0).
 */
export function quantizeMultiplier(m: number): { multiplier: number; shift: number } {
  if (!(m >= 0) || !Number.isFinite(m)) throw new RangeError(`multiplier must be finite and >= 0: ${m}`);
  if (m === 0) return { multiplier: 0, shift: 0 };
  let shift = Math.ceil(Math.log2(m));
  let f = m / 2 ** shift;
  while (f >= 1) {
    f /= 2;
    shift++;
  }
  while (f < 0.5) {
    f *= 2;
    shift--;
  }
  let q = Math.round(f * 2 ** 31);
  if (q === 2 ** 31) {
    q /= 2;
    shift++;
  }
  if (shift < -31) return { multiplier: 0, shift: 0 };
  if (shift > 30) throw new RangeError(`multiplier too large to represent: ${m}`);
  return { multiplier: q, shift };
}

/** Round half away from zero (C `roundf`/`lroundf`), the rounding TFLite uses when quantizing. */
export function roundHalfAway(x: number): number {
  return x < 0 ? -Math.round(-x) : Math.round(x);
}

/** Saturating cast to int8. */
export function clampInt8(x: number): number {
  return x < -128 ? -128 : x > 127 ? 127 : x;
}

// ---------------------------------------------------------------------------------------------------------
// gemmlowp FixedPoint<int32_t, I> helpers for softmax: a value with I integer bits is raw / 2^(31 - I).

const srdhm = saturatingRoundingDoublingHighMul;

/** gemmlowp SaturatingRoundingMultiplyByPOT<exponent>: x · 2^exponent, saturating up, rounding down. */
export function saturatingRoundingMultiplyByPOT(x: number, exponent: number): number {
  if (exponent <= 0) return exponent === 0 ? x : roundingDivideByPOT(x, -exponent);
  const threshold = 2 ** (31 - exponent) - 1;
  return x > threshold ? INT32_MAX : x < -threshold ? INT32_MIN : x * 2 ** exponent;
}

/** gemmlowp Rescale<to>(FixedPoint<from>): the same value with `to` integer bits. */
export const rescale = (raw: number, from: number, to: number): number =>
  saturatingRoundingMultiplyByPOT(raw, from - to);

/** gemmlowp RoundingHalfSum: (a + b) / 2 rounded half away from zero (64-bit sum). */
export function roundingHalfSum(a: number, b: number): number {
  const sum = a + b;
  return Math.trunc((sum + (sum >= 0 ? 1 : -1)) / 2);
}

/** exp(x) for x in [-1/4, 0), Q0.31 in and out (Taylor expansion around -1/8). */
function expOnIntervalBetweenNegativeOneQuarterAnd0Excl(a: number): number {
  const constantTerm = 1895147668; // exp(-1/8)
  const constant1Over3 = 715827883;
  const x = (a + (1 << 28)) | 0;
  const x2 = srdhm(x, x);
  const x3 = srdhm(x2, x);
  const x4 = srdhm(x2, x2);
  const x4Over4 = saturatingRoundingMultiplyByPOT(x4, -2);
  const poly = saturatingRoundingMultiplyByPOT((srdhm((x4Over4 + x3) | 0, constant1Over3) + x2) | 0, -1);
  return (constantTerm + srdhm(constantTerm, (x + poly) | 0)) | 0;
}

/** gemmlowp exp_on_negative_values: exp(a) for a ≤ 0 with `integerBits` integer bits, as Q0.31. */
export function expOnNegativeValues(a: number, integerBits: number): number {
  const fractionalBits = 31 - integerBits;
  const oneQuarter = 2 ** (fractionalBits - 2);
  const aModQuarterMinusOneQuarter = ((a & (oneQuarter - 1)) - oneQuarter) | 0;
  let result = expOnIntervalBetweenNegativeOneQuarterAnd0Excl(
    rescale(aModQuarterMinusOneQuarter, integerBits, 0),
  );
  const remainder = (aModQuarterMinusOneQuarter - a) | 0;
  const barrel: [number, number][] = [
    [-2, 1672461947], // exp(-1/4)
    [-1, 1302514674], // exp(-1/2)
    [0, 790015084], // exp(-1)
    [1, 290630308], // exp(-2)
    [2, 39332535], // exp(-4)
    [3, 720401], // exp(-8)
    [4, 242], // exp(-16)
  ];
  for (const [exponent, multiplier] of barrel) {
    if (integerBits > exponent && remainder & (1 << (fractionalBits + exponent)))
      result = srdhm(result, multiplier);
  }
  if (integerBits > 5 && a < -(2 ** (36 - integerBits))) result = 0;
  return a === 0 ? INT32_MAX : result;
}

/** gemmlowp one_over_one_plus_x_for_x_in_0_1: 1 / (1 + a) for a in [0, 1), Q0.31 in and out (Newton–Raphson). */
export function oneOverOnePlusXForXIn01(a: number): number {
  const halfDenominator = roundingHalfSum(a, INT32_MAX);
  const constant48Over17 = 1515870810; // Q2.29
  const constantNeg32Over17 = -1010580540;
  const oneQ2 = 1 << 29;
  let x = (constant48Over17 + srdhm(halfDenominator, constantNeg32Over17)) | 0;
  for (let i = 0; i < 3; i++) {
    const halfDenominatorTimesX = srdhm(halfDenominator, x);
    const oneMinusHalfDenominatorTimesX = (oneQ2 - halfDenominatorTimesX) | 0;
    x = (x + rescale(srdhm(x, oneMinusHalfDenominatorTimesX), 4, 2)) | 0;
  }
  // ExactMulByPot<-1> (Q2.29 read as Q1.30), then Rescale<0>.
  return rescale(x, 1, 0);
}

/** TFLite GetReciprocal: 1 / x for x with `integerDigits` integer bits, as Q0.31 and the bits over unity. */
export function getReciprocal(
  x: number,
  integerDigits: number,
): { reciprocal: number; bitsOverUnit: number } {
  const headroomPlusOne = Math.clz32(x);
  const shiftedSumMinusOne = ((x >>> 0) * 2 ** headroomPlusOne - 2 ** 31) | 0;
  return {
    reciprocal: oneOverOnePlusXForXIn01(shiftedSumMinusOne),
    bitsOverUnit: integerDigits - headroomPlusOne,
  };
}
