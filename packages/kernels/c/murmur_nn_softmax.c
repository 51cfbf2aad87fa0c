/* int8 softmax (TFLite reference_ops::Softmax with gemmlowp fixed point), as src/graph/ops/softmax.ts. */
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

enum { MURMUR_SCALED_DIFF_INTEGER_BITS = 5, MURMUR_ACCUMULATION_INTEGER_BITS = 12 };

static int32_t murmur_exp_of_difference(MURMUR_ROM murmur_softmax_params *p, int32_t diff) {
  const int32_t scaled = murmur_doubling_high_mul((int32_t)((uint32_t)diff << p->input_left_shift), p->input_multiplier);
  return murmur_exp_on_negative_values(scaled, MURMUR_SCALED_DIFF_INTEGER_BITS);
}

/* Leading zeros of a nonzero 32-bit value. */
static int32_t murmur_leading_zeros(uint32_t x) {
  int32_t n = 0;
  while (n < 32 && (x & UINT32_C(0x80000000)) == 0u) {
    x <<= 1;
    n++;
  }
  return n;
}

murmur_status murmur_softmax_s8(MURMUR_ROM murmur_softmax_params *p, const int8_t *input, int8_t *output) {
  uint32_t r;
  int32_t c;
  for (r = 0; r < p->rows; r++) {
    const int8_t *x = input + r * p->depth;
    int8_t *y = output + r * p->depth;
    int32_t max = -128, sum = 0, headroom, reciprocal, exponent;
    for (c = 0; c < p->depth; c++)
      if (x[c] > max) max = x[c];
    for (c = 0; c < p->depth; c++) {
      const int32_t diff = x[c] - max;
      if (diff >= p->diff_min)
        sum = (int32_t)((uint32_t)sum + (uint32_t)murmur_multiply_by_pot(murmur_exp_of_difference(p, diff),
                                                                        -MURMUR_ACCUMULATION_INTEGER_BITS));
    }
    /* GetReciprocal: sum = (1 + f) * 2^(bits over unit), f in [0, 1). */
    headroom = murmur_leading_zeros((uint32_t)sum);
    reciprocal = murmur_one_over_one_plus_x((int32_t)(((uint32_t)sum << headroom) - UINT32_C(0x80000000)));
    exponent = MURMUR_ACCUMULATION_INTEGER_BITS - headroom + 31 - 8;
    if (exponent < 0 || exponent > 31) return MURMUR_ERROR_ARGUMENT;
    for (c = 0; c < p->depth; c++) {
      const int32_t diff = x[c] - max;
      int32_t v = -128;
      if (diff >= p->diff_min) {
        v = murmur_divide_by_pot(murmur_doubling_high_mul(reciprocal, murmur_exp_of_difference(p, diff)), exponent) - 128;
        if (v > 127) v = 127;
        if (v < -128) v = -128;
      }
      y[c] = (int8_t)v;
    }
  }
  return MURMUR_OK;
}
