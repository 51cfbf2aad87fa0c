/*
 * Internal parts shared by the Murmur kernels: requantization of one output, the per-format row
 * kernels and the op drivers that build input patches and call them. Not part of the public API.
 */
#ifndef MURMUR_NN_SUPPORT_H
#define MURMUR_NN_SUPPORT_H

#include "murmur_nn.h"

/**
 * Computes outputs first_row .. first_row + row_count - 1 of a weight matrix with `cols` columns:
 * output[i] = requantize(bias[row] + sum_c patch[c] * w[row][c]). patch holds x - input zero point
 * (0 for padding) as int16; with `murmur_rows_wants_reordered` it is reordered in blocks of four.
 */
typedef void (*murmur_rows_fn)(MURMUR_ROM void *filter, uint16_t first_row, uint16_t row_count, uint16_t cols,
                               const int16_t *patch, MURMUR_ROM murmur_quant_params *quant, int8_t *output);

/** A weight format's row kernel and the patch order it reads. */
typedef struct {
  murmur_rows_fn rows;
  /** Patch reordered in blocks of four as (x0, x2, x1, x3), the order SXTB16 unpacks int8 weights in. */
  uint8_t reordered;
} murmur_format;

extern const murmur_format murmur_format_s8;
#if MURMUR_NN_DSP
extern const murmur_format murmur_format_s8_interleaved;
#endif
extern const murmur_format murmur_format_s4;
extern const murmur_format murmur_format_sparse_s8;
extern const murmur_format murmur_format_clustered_s8;
extern const murmur_format murmur_format_binary_s8;

/* Loop counters: the native word, except on AVR where 16 bits are what every array index needs. */
#if defined(__AVR__)
typedef uint16_t murmur_index;
#else
typedef uint32_t murmur_index;
#endif

/* The short helpers below are inlined into the hot loops. */
#if defined(__GNUC__)
#define MURMUR_ALWAYS_INLINE static inline __attribute__((always_inline))
/* A hot loop kept in a function of its own, where it has the registers to itself. */
#define MURMUR_NOINLINE __attribute__((noinline))
#else
#define MURMUR_ALWAYS_INLINE static inline
#define MURMUR_NOINLINE
#endif

#if MURMUR_NN_DSP
#include <arm_acle.h>
#include <string.h>

/** A 32-bit word from any address (one LDR: Armv7-M and Armv8-M Mainline allow unaligned loads). */
MURMUR_ALWAYS_INLINE uint32_t murmur_read_u32(const void *p) {
  uint32_t v;
  memcpy(&v, p, sizeof v);
  return v;
}

/** SXTB16 of v rotated right by 8: bytes 1 and 3 sign-extended into two halfwords (one instruction). */
MURMUR_ALWAYS_INLINE int16x2_t murmur_sxtb16_ror8(uint32_t v) {
  int16x2_t r;
  __asm__("sxtb16 %0, %1, ror #8" : "=r"(r) : "r"(v));
  return r;
}
#endif

/** MultiplyByQuantizedMultiplier bounded to [-1024, 1024]: every case, the general and slower form. */
int32_t murmur_requantize_row_general(int32_t acc, int32_t multiplier, int32_t shift);

/**
 * MultiplyByQuantizedMultiplier of a row's accumulator (bias included), bounded so that adding the output
 * zero point cannot overflow (murmur_output_clamp then finishes requantizeRow of the reference). Right
 * shifts of 1..31 with a multiplier other than INT32_MIN (all the quantizer makes) take a short exact path:
 *   SaturatingRoundingDoublingHighMul(a, m) = (a * m + 2^30) >> 31, as int64 (it only saturates for
 *   a = m = INT32_MIN), and its result h is never INT32_MIN, so
 *   RoundingDivideByPOT(h, e) = ceil(floor((h - [h < 0]) / 2^(e - 1)) / 2) = q - (q >> 1), ties away from zero.
 * Other shifts go through murmur_requantize_row_general; both bound the value before adding the zero point.
 */
#if defined(__ARM_ARCH_6M__)
/*
 * (a * m + 2^30) >> 31 for a, m not both INT32_MIN, from four 16 x 16-bit products: Armv6-M has no 32 x 32 ->
 * 64-bit multiply, and the library's 64-bit one costs about twice these instructions. The product's low word is
 * (mid << 16) | (ll & 0xFFFF) and its high word hh + (lh >> 16) + (hl >> 16) + (mid >> 16), plus the carry of
 * the rounding constant.
 */
MURMUR_ALWAYS_INLINE int32_t murmur_doubling_high_mul_q31(int32_t a, int32_t m) {
  const uint32_t al = (uint32_t)a & 0xFFFFu, ml = (uint32_t)m & 0xFFFFu;
  const int32_t ah = a >> 16, mh = m >> 16;
  const uint32_t ll = al * ml;
  const int32_t lh = (int32_t)al * mh, hl = ah * (int32_t)ml;
  const uint32_t mid = (ll >> 16) + ((uint32_t)lh & 0xFFFFu) + ((uint32_t)hl & 0xFFFFu);
  const uint32_t lo = (mid << 16) | (ll & 0xFFFFu);
  const uint32_t rounded = lo + UINT32_C(0x40000000);
  const int32_t hi = ah * mh + (lh >> 16) + (hl >> 16) + (int32_t)(mid >> 16) + (rounded < lo);
  return (int32_t)(((uint32_t)hi << 1) | (rounded >> 31));
}
#else
/* (a * m + 2^30) >> 31 for a, m not both INT32_MIN, as one 64-bit product. */
MURMUR_ALWAYS_INLINE int32_t murmur_doubling_high_mul_q31(int32_t a, int32_t m) {
  return (int32_t)(((int64_t)a * m + (INT64_C(1) << 30)) >> 31);
}
#endif

MURMUR_ALWAYS_INLINE int32_t murmur_requantize_scaled(int32_t acc, int32_t multiplier, int32_t shift) {
  const uint32_t right_minus_one = (uint32_t)~shift; /* -shift - 1 */
  if (right_minus_one < 31u && multiplier != INT32_MIN) {
    const int32_t high = murmur_doubling_high_mul_q31(acc, multiplier);
    const int32_t q = (high + (high >> 31)) >> right_minus_one;
    return q - (q >> 1);
  }
  return murmur_requantize_row_general(acc, multiplier, shift);
}

/** The output zero point and activation range of a layer, read once per kernel call. */
typedef struct {
  int32_t offset;
  int32_t min;
  int32_t max;
} murmur_output_range;

MURMUR_ALWAYS_INLINE murmur_output_range murmur_output_range_of(MURMUR_ROM murmur_quant_params *quant) {
  murmur_output_range range = {quant->output_offset, quant->activation_min, quant->activation_max};
  return range;
}

MURMUR_ALWAYS_INLINE int8_t murmur_output_clamp(int32_t y, murmur_output_range range) {
  y += range.offset;
  if (y < range.min) y = range.min;
  if (y > range.max) y = range.max;
  return (int8_t)y;
}

/** The bias of output channel `row`, int32 or int16 storage. */
MURMUR_ALWAYS_INLINE int32_t murmur_bias_of(MURMUR_ROM murmur_quant_params *quant, uint16_t row) {
  return quant->bias ? quant->bias[row] : (int32_t)quant->bias16[row];
}

/** Index of row `row`'s multiplier and shift: the row (per-channel) or 0 (per-tensor). */
MURMUR_ALWAYS_INLINE uint16_t murmur_requant_index(MURMUR_ROM murmur_quant_params *quant, uint16_t row) {
  return quant->per_tensor ? 0u : row;
}

/** bias[row] + dot, requantized, offset and clamped: the inline parts above as one shared function. */
int8_t murmur_requantize_row(int32_t dot, MURMUR_ROM murmur_quant_params *quant, uint16_t row);

/** Swaps elements 1 and 2 of every whole block of four (the SXTB16 order); a shorter tail stays as it is. */
void murmur_patch_reorder(int16_t *patch, uint16_t size);

/** Scratch bytes of a patch of `elements` int16 values, or 0 when it does not fit a 16-bit size. */
uint16_t murmur_patch_bytes(uint32_t elements);

/** patch[i] = src[i] + offset for n values; with `reordered`, in the SXTB16 order of whole blocks of four. */
void murmur_patch_fill(int16_t *patch, const int8_t *src, uint32_t n, int16_t offset, uint8_t reordered);

/** The context's scratch as a patch of `bytes` bytes, or 0 when it is missing or too small. */
int16_t *murmur_patch_of(const murmur_context *ctx, uint16_t bytes);

murmur_status murmur_fully_connected_any(const murmur_context *ctx, MURMUR_ROM murmur_fc_params *params,
                                         MURMUR_ROM murmur_quant_params *quant, const int8_t *input,
                                         MURMUR_ROM void *filter, const murmur_format *format, int8_t *output);
murmur_status murmur_conv1d_any(const murmur_context *ctx, MURMUR_ROM murmur_conv1d_params *params,
                                MURMUR_ROM murmur_quant_params *quant, const int8_t *input, MURMUR_ROM void *filter,
                                const murmur_format *format, int8_t *output);
murmur_status murmur_conv2d_any(const murmur_context *ctx, MURMUR_ROM murmur_conv2d_params *params,
                                MURMUR_ROM murmur_quant_params *quant, const int8_t *input, MURMUR_ROM void *filter,
                                const murmur_format *format, int8_t *output);
murmur_status murmur_depthwise_conv1d_any(const murmur_context *ctx, MURMUR_ROM murmur_conv1d_params *params,
                                          MURMUR_ROM murmur_quant_params *quant, const int8_t *input,
                                          MURMUR_ROM void *filter, const murmur_format *format, int8_t *output);

/* gemmlowp fixed point for softmax (raw int32 values with I integer bits), as fixed-point.ts. */

/** SaturatingRoundingMultiplyByPOT: x * 2^exponent, saturating for exponent > 0, rounding for exponent < 0. */
int32_t murmur_multiply_by_pot(int32_t x, int32_t exponent);

/** exp(a) for a <= 0 held with integer_bits integer bits, as Q0.31. */
int32_t murmur_exp_on_negative_values(int32_t a, int32_t integer_bits);

/** 1 / (1 + a) for a in [0, 1), Q0.31 in and out. */
int32_t murmur_one_over_one_plus_x(int32_t a);

#endif /* MURMUR_NN_SUPPORT_H */
