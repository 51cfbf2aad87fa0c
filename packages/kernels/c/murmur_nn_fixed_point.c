/* Fixed-point arithmetic of the TFLite int8 spec (gemmlowp), as packages/compress/src/fixed-point.ts. */
/* Float semantics: no fused multiply-add, whatever the compiler flags (the TS reference never fuses). */
#if defined(__clang__)
#pragma STDC FP_CONTRACT OFF
#pragma clang fp contract(off)
#elif defined(__GNUC__)
#pragma GCC optimize("fp-contract=off")
#else
#pragma STDC FP_CONTRACT OFF
#endif
#include "murmur_nn_support.h"

static inline int32_t murmur_doubling_high_mul_s32(int32_t a, int32_t b) {
  if (a == b && a == INT32_MIN) return INT32_MAX;
  int64_t ab = (int64_t)a * (int64_t)b;
  int64_t nudge = ab >= 0 ? (INT64_C(1) << 30) : (INT64_C(1) - (INT64_C(1) << 30));
  return (int32_t)((ab + nudge) / (INT64_C(1) << 31));
}

static inline int32_t murmur_divide_by_pot_s32(int32_t x, int32_t exponent) {
  int32_t mask = (int32_t)((UINT32_C(1) << exponent) - 1u);
  int32_t remainder = x & mask;
  int32_t threshold = (mask >> 1) + (x < 0 ? 1 : 0);
  return (x >> exponent) + (remainder > threshold ? 1 : 0);
}

static inline int32_t murmur_multiply_by_quantized_multiplier_s32(int32_t x, int32_t multiplier, int32_t shift) {
  /* Exponents beyond 31 saturate (left) or round everything away (right) exactly as 31 does. */
  int32_t left = shift > 31 ? 31 : shift > 0 ? shift : 0;
  int32_t right = shift < -31 ? 31 : shift < 0 ? -shift : 0;
  if (left > 0) {
    /* x * 2^left, saturated: it fits exactly when -(limit + 1) <= x <= limit. */
    int32_t limit = INT32_MAX >> left;
    x = x > limit ? INT32_MAX : x < -limit - 1 ? INT32_MIN : (int32_t)((uint32_t)x << left);
  }
  return murmur_divide_by_pot_s32(murmur_doubling_high_mul_s32(x, multiplier), right);
}

int32_t murmur_doubling_high_mul(int32_t a, int32_t b) { return murmur_doubling_high_mul_s32(a, b); }

int32_t murmur_divide_by_pot(int32_t x, int32_t exponent) { return murmur_divide_by_pot_s32(x, exponent); }

int32_t murmur_multiply_by_quantized_multiplier(int32_t x, int32_t multiplier, int32_t shift) {
  return murmur_multiply_by_quantized_multiplier_s32(x, multiplier, shift);
}

int32_t murmur_requantize_row_general(int32_t acc, int32_t multiplier, int32_t shift) {
  /* Bound y so that adding the zero point cannot overflow; the activation clamp gives the same result. */
  int32_t y = murmur_multiply_by_quantized_multiplier_s32(acc, multiplier, shift);
  return y > 1024 ? 1024 : y < -1024 ? -1024 : y;
}

int8_t murmur_requantize_row(int32_t dot, MURMUR_ROM murmur_quant_params *quant, uint16_t row) {
  const int32_t acc = (int32_t)((uint32_t)murmur_bias_of(quant, row) + (uint32_t)dot);
  const uint16_t i = murmur_requant_index(quant, row);
  return murmur_output_clamp(murmur_requantize_scaled(acc, quant->multiplier[i], quant->shift[i]),
                             murmur_output_range_of(quant));
}

/* gemmlowp FixedPoint<int32_t, I> helpers for softmax, as fixed-point.ts (raw values; I integer bits). */

int32_t murmur_multiply_by_pot(int32_t x, int32_t exponent) {
  if (exponent <= 0) return exponent == 0 ? x : murmur_divide_by_pot_s32(x, -exponent);
  {
    const int32_t threshold = (int32_t)((UINT32_C(1) << (31 - exponent)) - 1u);
    return x > threshold ? INT32_MAX : x < -threshold ? INT32_MIN : (int32_t)((uint32_t)x << exponent);
  }
}

static int32_t murmur_wrap_add(int32_t a, int32_t b) { return (int32_t)((uint32_t)a + (uint32_t)b); }

/* exp(x) for x in [-1/4, 0), Q0.31 in and out (Taylor expansion around -1/8). */
static int32_t murmur_exp_on_quarter(int32_t a) {
  const int32_t constant_term = 1895147668; /* exp(-1/8) */
  const int32_t constant_1_over_3 = 715827883;
  const int32_t x = murmur_wrap_add(a, INT32_C(1) << 28);
  const int32_t x2 = murmur_doubling_high_mul_s32(x, x);
  const int32_t x3 = murmur_doubling_high_mul_s32(x2, x);
  const int32_t x4 = murmur_doubling_high_mul_s32(x2, x2);
  const int32_t x4_over_4 = murmur_multiply_by_pot(x4, -2);
  const int32_t poly = murmur_multiply_by_pot(
      murmur_wrap_add(murmur_doubling_high_mul_s32(murmur_wrap_add(x4_over_4, x3), constant_1_over_3), x2), -1);
  return murmur_wrap_add(constant_term, murmur_doubling_high_mul_s32(constant_term, murmur_wrap_add(x, poly)));
}

int32_t murmur_exp_on_negative_values(int32_t a, int32_t integer_bits) {
  static const int32_t multipliers[7] = {1672461947, 1302514674, 790015084, 290630308, 39332535, 720401, 242};
  const int32_t fractional_bits = 31 - integer_bits;
  const int32_t one_quarter = INT32_C(1) << (fractional_bits - 2);
  const int32_t a_mod_quarter_minus_one_quarter = (int32_t)((uint32_t)(a & (one_quarter - 1)) - (uint32_t)one_quarter);
  const int32_t remainder = (int32_t)((uint32_t)a_mod_quarter_minus_one_quarter - (uint32_t)a);
  int32_t result = murmur_exp_on_quarter(murmur_multiply_by_pot(a_mod_quarter_minus_one_quarter, integer_bits));
  int32_t exponent;
  for (exponent = -2; exponent <= 4; exponent++) {
    if (integer_bits > exponent && ((uint32_t)remainder & (UINT32_C(1) << (fractional_bits + exponent))) != 0u)
      result = murmur_doubling_high_mul_s32(result, multipliers[exponent + 2]);
  }
  if (integer_bits > 5 && a < -(INT32_C(1) << (36 - integer_bits))) result = 0;
  return a == 0 ? INT32_MAX : result;
}

int32_t murmur_one_over_one_plus_x(int32_t a) {
  /* RoundingHalfSum(a, INT32_MAX) over 64 bits, then Newton-Raphson in Q2.29. */
  const int64_t sum = (int64_t)a + INT32_MAX;
  const int32_t half_denominator = (int32_t)((sum + (sum >= 0 ? 1 : -1)) / 2);
  const int32_t one_q2 = INT32_C(1) << 29;
  int32_t x = murmur_wrap_add(1515870810, murmur_doubling_high_mul_s32(half_denominator, -1010580540));
  int i;
  for (i = 0; i < 3; i++) {
    const int32_t half_denominator_times_x = murmur_doubling_high_mul_s32(half_denominator, x);
    const int32_t one_minus = (int32_t)((uint32_t)one_q2 - (uint32_t)half_denominator_times_x);
    x = murmur_wrap_add(x, murmur_multiply_by_pot(murmur_doubling_high_mul_s32(x, one_minus), 2));
  }
  return murmur_multiply_by_pot(x, 1);
}
