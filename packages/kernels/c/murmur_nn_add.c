/* Element-wise ADD of two int8 tensors (TFLite reference_integer_ops::Add, and with broadcasting), as
 * src/graph/ops/add.ts. */
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

/*
 * MultiplyByQuantizedMultiplier: right shifts of 0..31 with a multiplier other than INT32_MIN (what ADD's
 * rescaling always is: the input with the larger scale has multiplier 2^30 and shift 0) by the short exact
 * form of murmur_requantize_scaled, unbounded; the rest by the general one.
 */
MURMUR_ALWAYS_INLINE int32_t murmur_add_rescale(int32_t x, int32_t multiplier, int32_t shift) {
  const uint32_t right = (uint32_t)-shift;
  if (right < 32u && multiplier != INT32_MIN) {
    const int32_t high = murmur_doubling_high_mul_q31(x, multiplier);
    int32_t q;
    if (right == 0u) return high;
    q = (high + (high >> 31)) >> (right - 1u);
    return q - (q >> 1);
  }
  return murmur_multiply_by_quantized_multiplier(x, multiplier, shift);
}

/* One output element from its two inputs, the parameters read once per call. */
MURMUR_ALWAYS_INLINE int8_t murmur_add_one(const murmur_add_params *p, int32_t scale, int32_t offset1, int32_t offset2,
                                           int32_t x1, int32_t x2) {
  /* (x + offset) << left_shift as x * scale + offset * scale: the same int32 value. */
  const int32_t a = murmur_add_rescale(x1 * scale + offset1, p->input1_multiplier, p->input1_shift);
  const int32_t b = murmur_add_rescale(x2 * scale + offset2, p->input2_multiplier, p->input2_shift);
  int32_t y = murmur_add_rescale(a + b, p->output_multiplier, p->output_shift) + p->output_offset;
  if (y < p->activation_min) y = p->activation_min;
  if (y > p->activation_max) y = p->activation_max;
  return (int8_t)y;
}

murmur_status murmur_add_s8(MURMUR_ROM murmur_add_params *params, const int8_t *input1, const int8_t *input2,
                            int8_t *output) {
  const murmur_add_params p = *params;
  const int32_t scale = INT32_C(1) << p.left_shift;
  const int32_t offset1 = p.input1_offset * scale, offset2 = p.input2_offset * scale;
  int8_t *const end = output + p.size;
  while (output < end) *output++ = murmur_add_one(&p, scale, offset1, offset2, *input1++, *input2++);
  return MURMUR_OK;
}

/* As murmur_add_s8, each input element found through its steps along the output's four dimensions. */
murmur_status murmur_add_broadcast_s8(MURMUR_ROM murmur_add_params *params, MURMUR_ROM murmur_add_broadcast *broadcast,
                                      const int8_t *input1, const int8_t *input2, int8_t *output) {
  const murmur_add_params p = *params;
  const murmur_add_broadcast b = *broadcast;
  const int32_t scale = INT32_C(1) << p.left_shift;
  const int32_t offset1 = p.input1_offset * scale, offset2 = p.input2_offset * scale;
  uint32_t d0, d1, d2, d3;
  if ((uint32_t)b.output.n * b.output.h * b.output.w * b.output.c != p.size) return MURMUR_ERROR_ARGUMENT;
  for (d0 = 0; d0 < b.output.n; d0++)
    for (d1 = 0; d1 < b.output.h; d1++)
      for (d2 = 0; d2 < b.output.w; d2++) {
        const int8_t *x1 = input1 + d0 * b.stride1[0] + d1 * b.stride1[1] + d2 * b.stride1[2];
        const int8_t *x2 = input2 + d0 * b.stride2[0] + d1 * b.stride2[1] + d2 * b.stride2[2];
        for (d3 = 0; d3 < b.output.c; d3++, x1 += b.stride1[3], x2 += b.stride2[3])
          *output++ = murmur_add_one(&p, scale, offset1, offset2, *x1, *x2);
      }
  return MURMUR_OK;
}
