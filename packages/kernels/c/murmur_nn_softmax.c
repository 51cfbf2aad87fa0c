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

/* Rows up to this depth (a classifier's head) keep their exps on the stack for the second pass instead of computing them twice. */
enum { MURMUR_SOFTMAX_KEPT_EXPS = 16 };

murmur_status murmur_softmax_s8(MURMUR_ROM murmur_softmax_params *p, const int8_t *input, int8_t *output) {
  const int32_t depth = p->depth, diff_min = p->diff_min;
  const int keep = depth <= MURMUR_SOFTMAX_KEPT_EXPS;
  int32_t exps[MURMUR_SOFTMAX_KEPT_EXPS];
  uint32_t r;
  int32_t c;
  for (r = 0; r < p->rows; r++) {
    const int8_t *x = input + r * (uint32_t)depth;
    int8_t *y = output + r * (uint32_t)depth;
    int32_t max = -128, sum = 0, headroom, reciprocal, exponent;
    for (c = 0; c < depth; c++)
      if (x[c] > max) max = x[c];
    for (c = 0; c < depth; c++) {
      const int32_t diff = x[c] - max;
      if (diff >= diff_min) {
        const int32_t e = murmur_exp_of_difference(p, diff);
        if (keep) exps[c] = e;
        sum = (int32_t)((uint32_t)sum + (uint32_t)murmur_multiply_by_pot(e, -MURMUR_ACCUMULATION_INTEGER_BITS));
      }
    }
    /* GetReciprocal: sum = (1 + f) * 2^(bits over unit), f in [0, 1). */
    headroom = murmur_leading_zeros((uint32_t)sum);
    reciprocal = murmur_one_over_one_plus_x((int32_t)(((uint32_t)sum << headroom) - UINT32_C(0x80000000)));
    exponent = MURMUR_ACCUMULATION_INTEGER_BITS - headroom + 31 - 8;
    if (exponent < 0 || exponent > 31) return MURMUR_ERROR_ARGUMENT;
    for (c = 0; c < depth; c++) {
      const int32_t diff = x[c] - max;
      int32_t v = -128;
      if (diff >= diff_min) {
        const int32_t e = keep ? exps[c] : murmur_exp_of_difference(p, diff);
        v = murmur_divide_by_pot(murmur_doubling_high_mul(reciprocal, e), exponent) - 128;
        if (v > 127) v = 127;
        if (v < -128) v = -128;
      }
      y[c] = (int8_t)v;
    }
  }
  return MURMUR_OK;
}
