/* Fixed-point arithmetic of the TFLite int8 spec (gemmlowp), as packages/compress/src/fixed-point.ts. */
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
  const int32_t acc = (int32_t)((uint32_t)quant->bias[row] + (uint32_t)dot);
  return murmur_output_clamp(murmur_requantize_scaled(acc, quant->multiplier[row], quant->shift[row]),
                             murmur_output_range_of(quant));
}
