/* Element-wise ADD of two int8 tensors (TFLite reference_integer_ops::Add), as src/graph/ops/add.ts. */
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

murmur_status murmur_add_s8(MURMUR_ROM murmur_add_params *p, const int8_t *input1, const int8_t *input2,
                            int8_t *output) {
  const int32_t scale = INT32_C(1) << p->left_shift;
  uint32_t i;
  for (i = 0; i < p->size; i++) {
    const int32_t a = murmur_multiply_by_quantized_multiplier((input1[i] + p->input1_offset) * scale,
                                                              p->input1_multiplier, p->input1_shift);
    const int32_t b = murmur_multiply_by_quantized_multiplier((input2[i] + p->input2_offset) * scale,
                                                              p->input2_multiplier, p->input2_shift);
    int32_t y = murmur_multiply_by_quantized_multiplier(a + b, p->output_multiplier, p->output_shift) +
                p->output_offset;
    if (y < p->activation_min) y = p->activation_min;
    if (y > p->activation_max) y = p->activation_max;
    output[i] = (int8_t)y;
  }
  return MURMUR_OK;
}
