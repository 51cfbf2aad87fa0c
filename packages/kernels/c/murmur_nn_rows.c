/*
 * Row kernels, one per weight format: outputs first_row .. first_row + row_count - 1 of
 * requantize(bias[r] + sum_c patch[c] * w[r][c]). The weight bytes are read exactly as ir.ts defines
 * them (or, for the interleaved int8 kernels, as murmur_nn.h describes); every kernel reads only the bytes
 * of the rows it computes.
 */
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

#if MURMUR_NN_DSP

/* Columns past the last whole block of four: `count` rows of n weights, `stride` bytes apart. */
static void murmur_rows_tail_s8(int32_t *acc, uint32_t count, const int16_t *x, const int8_t *w,
                                uint32_t stride, uint32_t n) {
  for (; count > 0; count--, acc++, w += stride) {
    uint32_t sum = (uint32_t)*acc;
    for (uint32_t i = 0; i < n; i++) sum += (uint32_t)(x[i] * w[i]);
    *acc = (int32_t)sum;
  }
}

/*
 * SaturatingRoundingDoublingHighMul for a, m with m != INT32_MIN: the high word of 2 a m + 2^31, from SMULL
 * and two add-with-carry steps (no constant registers).
 */
static inline int32_t murmur_doubling_high_mul_dsp(int32_t a, int32_t m) {
  uint32_t lo, hi;
  __asm__("smull %[lo], %[hi], %[a], %[m]\n\t"
          "adds %[lo], %[lo], %[lo]\n\t"
          "adc %[hi], %[hi], %[hi]\n\t"
          "adds %[lo], %[lo], #0x80000000\n\t"
          "adc %[hi], %[hi], #0"
          : [lo] "=&r"(lo), [hi] "=&r"(hi)
          : [a] "r"(a), [m] "r"(m)
          : "cc");
  return (int32_t)hi;
}

/* murmur_requantize_scaled with the DSP multiply above. */
MURMUR_ALWAYS_INLINE int32_t murmur_requantize_scaled_dsp(int32_t acc, int32_t multiplier, int32_t shift) {
  const uint32_t right_minus_one = (uint32_t)~shift;
  if (right_minus_one < 31u && multiplier != INT32_MIN) {
    const int32_t high = murmur_doubling_high_mul_dsp(acc, multiplier);
    const int32_t q = (high + (high >> 31)) >> right_minus_one;
    return q - (q >> 1);
  }
  return murmur_requantize_row_general(acc, multiplier, shift);
}

/*
 * Where the next requantized row goes: its multiplier, shift and output, the layer's output range, and how
 * far the multiplier and shift move per row (1 per channel, 0 per tensor).
 */
typedef struct {
  const int32_t *multiplier;
  const int8_t *shift;
  int8_t *output;
  murmur_output_range range;
  uint32_t step;
} murmur_requant_cursor;

/* The cursor at row `first_row` of a layer. */
static murmur_requant_cursor murmur_requant_cursor_at(const murmur_quant_params *quant, uint16_t first_row,
                                                      int8_t *output) {
  const uint32_t step = quant->per_tensor ? 0u : 1u;
  murmur_requant_cursor cursor = {quant->multiplier + step * first_row, quant->shift + step * first_row, output,
                                  murmur_output_range_of(quant), step};
  return cursor;
}

/* The bias of `count` consecutive rows from `row` into acc (int32 or int16 storage). */
static inline void murmur_bias_load(const murmur_quant_params *quant, uint32_t row, uint32_t count, int32_t *acc) {
  if (quant->bias) {
    for (uint32_t i = 0; i < count; i++) acc[i] = quant->bias[row + i];
  } else {
    for (uint32_t i = 0; i < count; i++) acc[i] = quant->bias16[row + i];
  }
}

/*
 * Requantizes `count` accumulators (bias included) of consecutive rows at the cursor and moves it on; one
 * SSAT does the clamp when the activation range is all of int8.
 */
static void murmur_requantize_rows_s8(const int32_t *acc, uint32_t count, murmur_requant_cursor *cursor) {
  const int32_t *multiplier = cursor->multiplier;
  const int8_t *shift = cursor->shift;
  int8_t *output = cursor->output;
  const murmur_output_range r = cursor->range;
  const uint32_t step = cursor->step;
  cursor->multiplier += step * count;
  cursor->shift += step * count;
  cursor->output += count;
  if (r.min == -128 && r.max == 127) {
    for (; count > 0; count--, multiplier += step, shift += step) {
      *output++ = (int8_t)__ssat(murmur_requantize_scaled_dsp(*acc++, *multiplier, *shift) + r.offset, 8);
    }
  } else {
    for (; count > 0; count--, multiplier += step, shift += step) {
      *output++ = murmur_output_clamp(murmur_requantize_scaled_dsp(*acc++, *multiplier, *shift), r);
    }
  }
}

/* One row-major row: acc + sum_c patch[c] * w[c], two SMLADs per four columns. */
static int32_t murmur_rows_one_s8(const int16_t *patch, const int8_t *w, uint32_t cols, int32_t acc) {
  const uint32_t blocks = cols >> 2;
  for (uint32_t b = 0; b < blocks; b++) {
    const uint32_t v = murmur_read_u32(w + 4 * b);
    acc = __smlad(__sxtb16(v), (int16x2_t)murmur_read_u32(patch + 4 * b), acc);
    acc = __smlad(murmur_sxtb16_ror8(v), (int16x2_t)murmur_read_u32(patch + 4 * b + 2), acc);
  }
  murmur_rows_tail_s8(&acc, 1, patch + 4 * blocks, w + 4 * blocks, 0, cols - 4 * blocks);
  return acc;
}

/*
 * Loop over `blocks` blocks (blocks >= 1) of one block body: four blocks per pass, then single blocks.
 * The counter is the %[n] operand.
 */
#define MURMUR_BLOCK_LOOP(body)                                                                                   \
  "subs %[n], %[n], #4\n\t"                                                                                       \
  "blt 2f\n"                                                                                                      \
  "1:\n\t" body body body body                                                                                    \
  "subs %[n], %[n], #4\n\t"                                                                                       \
  "bge 1b\n"                                                                                                      \
  "2:\n\t"                                                                                                        \
  "adds %[n], %[n], #4\n\t"                                                                                       \
  "beq 4f\n"                                                                                                      \
  "3:\n\t" body                                                                                                   \
  "subs %[n], %[n], #1\n\t"                                                                                       \
  "bne 3b\n"                                                                                                      \
  "4:\n\t"

/* Four columns of weight word w into accumulator a: two SXTB16, two SMLAD. */
#define MURMUR_MAC4_ASM(w, a)                                                                                     \
  "sxtb16 %[s], %[" w "]\n\t"                                                                                     \
  "smlad %[" a "], %[s], %[x02], %[" a "]\n\t"                                                                    \
  "sxtb16 %[s], %[" w "], ror #8\n\t"                                                                             \
  "smlad %[" a "], %[s], %[x13], %[" a "]\n\t"

/*
 * Four row-major rows (w0, w0 + cols, w2 = w0 + 2 cols, w2 + cols), one block of four columns: one LDRD of
 * the patch, four LDRs of weights (rows may be unaligned), eight SXTB16 and eight SMLAD: 21 instructions for
 * 16 multiply-accumulates.
 */
#define MURMUR_BLOCK_ROWS4                                                                                        \
  "ldrd %[x02], %[x13], [%[x]], #8\n\t"                                                                           \
  "ldr %[w], [%[w0], %[cols]]\n\t" MURMUR_MAC4_ASM("w", "a1")                                                     \
  "ldr %[w], [%[w0]], #4\n\t" MURMUR_MAC4_ASM("w", "a0")                                                          \
  "ldr %[w], [%[w2], %[cols]]\n\t" MURMUR_MAC4_ASM("w", "a3")                                                     \
  "ldr %[w], [%[w2]], #4\n\t" MURMUR_MAC4_ASM("w", "a2")

/* Adds four row-major rows times `blocks` blocks of four columns (blocks >= 1) to acc[0..3]. */
static inline void murmur_dot4_s8(const int16_t *x, const int8_t *w0, uint32_t cols, uint32_t blocks,
                                  int32_t acc[4]) {
  const int8_t *w2 = w0 + 2u * cols;
  int32_t a0 = acc[0], a1 = acc[1], a2 = acc[2], a3 = acc[3];
  int32_t n = (int32_t)blocks;
  uint32_t x02, x13, w, s;
  __asm__ volatile(MURMUR_BLOCK_LOOP(MURMUR_BLOCK_ROWS4)
                   : [x] "+r"(x), [w0] "+r"(w0), [w2] "+r"(w2), [n] "+r"(n), [a0] "+r"(a0), [a1] "+r"(a1),
                     [a2] "+r"(a2), [a3] "+r"(a3), [x02] "=&r"(x02), [x13] "=&r"(x13), [w] "=&r"(w), [s] "=&r"(s)
                   : [cols] "r"(cols)
                   : "cc", "memory");
  acc[0] = a0;
  acc[1] = a1;
  acc[2] = a2;
  acc[3] = a3;
}

/*
 * Four interleaved rows, one block of four columns: one LDRD of the patch, one LDM of the block's 16 aligned
 * weight bytes (a word per row), eight SXTB16 and eight SMLAD: 18 instructions for 16 multiply-accumulates.
 */
#define MURMUR_BLOCK_INTERLEAVED                                                                                  \
  "ldrd %[x02], %[x13], [%[x]], #8\n\t"                                                                           \
  "ldm %[wp]!, {%[w0], %[w1], %[w2], %[w3]}\n\t" MURMUR_MAC4_ASM("w0", "a0") MURMUR_MAC4_ASM("w1", "a1")           \
      MURMUR_MAC4_ASM("w2", "a2") MURMUR_MAC4_ASM("w3", "a3")

/*
 * Adds `blocks` interleaved blocks (blocks >= 1) of a group of four rows to acc[0..3]; returns the next byte.
 * The four weight words live in r8-r11 so that the LDM register list is in ascending order.
 */
static inline const int8_t *murmur_dot4_s8_interleaved(const int16_t *x, const int8_t *wp, uint32_t blocks,
                                                       int32_t acc[4]) {
  int32_t a0 = acc[0], a1 = acc[1], a2 = acc[2], a3 = acc[3];
  int32_t n = (int32_t)blocks;
  uint32_t x02, x13, s;
  register uint32_t w0 __asm__("r8");
  register uint32_t w1 __asm__("r9");
  register uint32_t w2 __asm__("r10");
  register uint32_t w3 __asm__("r11");
  __asm__ volatile(MURMUR_BLOCK_LOOP(MURMUR_BLOCK_INTERLEAVED)
                   : [x] "+r"(x), [wp] "+r"(wp), [n] "+r"(n), [a0] "+r"(a0), [a1] "+r"(a1), [a2] "+r"(a2),
                     [a3] "+r"(a3), [x02] "=&r"(x02), [x13] "=&r"(x13), [s] "=&r"(s), [w0] "=&r"(w0), [w1] "=&r"(w1),
                     [w2] "=&r"(w2), [w3] "=&r"(w3)
                   :
                   : "cc", "memory");
  acc[0] = a0;
  acc[1] = a1;
  acc[2] = a2;
  acc[3] = a3;
  return wp;
}

/*
 * The last cols % 4 (1..3) columns of a group of four rows, one aligned word per column (its byte of row 0,
 * 1, 2, 3): each patch value times the four SXTB16-unpacked bytes, SMLABB/SMLATB. Returns the next byte.
 */
static const int8_t *murmur_rows_tail4_s8(const int16_t *x, const int8_t *w, uint32_t n, int32_t acc[4]) {
  int32_t a0 = acc[0], a1 = acc[1], a2 = acc[2], a3 = acc[3];
  for (; n > 0; n--, w += 4) {
    const uint32_t v = murmur_read_u32(w);
    const int32_t xc = *x++;
    const int16x2_t rows02 = __sxtb16(v);
    const int16x2_t rows13 = murmur_sxtb16_ror8(v);
    a0 = __smlabb((int32_t)rows02, xc, a0);
    a2 = __smlatb((int32_t)rows02, xc, a2);
    a1 = __smlabb((int32_t)rows13, xc, a1);
    a3 = __smlatb((int32_t)rows13, xc, a3);
  }
  acc[0] = a0;
  acc[1] = a1;
  acc[2] = a2;
  acc[3] = a3;
  return w;
}

/*
 * int8 weights in groups of four rows (murmur_nn.h): each group holds its whole blocks of four columns
 * (row 0's four bytes, row 1's, row 2's, row 3's), then its last cols % 4 columns one word each (the
 * column's byte of row 0, 1, 2, 3); the rows after the last whole group are row-major. filter is 4-byte aligned and first_row is 0 (checked by the driver).
 */
static void murmur_rows_s8_interleaved(MURMUR_ROM void *filter, uint16_t first_row, uint16_t row_count,
                                       uint16_t cols, const int16_t *patch, MURMUR_ROM murmur_quant_params *quant,
                                       int8_t *output) {
  const int8_t *w = (const int8_t *)filter;
  const uint32_t blocks = (uint32_t)cols >> 2;
  const uint32_t tail = cols - 4 * blocks;
  const uint32_t groups_end = row_count & ~3u;
  murmur_requant_cursor cursor = murmur_requant_cursor_at(quant, 0, output);
  uint32_t row = 0;
  (void)first_row;
  for (; row < groups_end; row += 4) {
    int32_t acc[4];
    murmur_bias_load(quant, row, 4, acc);
    if (blocks > 0) w = murmur_dot4_s8_interleaved(patch, w, blocks, acc);
    if (tail > 0) w = murmur_rows_tail4_s8(patch + 4 * blocks, w, tail, acc);
    murmur_requantize_rows_s8(acc, 4, &cursor);
  }
  for (; row < row_count; row++, w += cols) {
    int32_t acc;
    murmur_bias_load(quant, row, 1, &acc);
    acc = murmur_rows_one_s8(patch, w, cols, acc);
    murmur_requantize_rows_s8(&acc, 1, &cursor);
  }
}
#endif

#if !MURMUR_NN_DSP && defined(__ARM_ARCH_6M__) && defined(__GNUC__)
/*
 * Rows w and w + cols times the patch, cols >= 2: per pair of columns one word of the patch (two int16,
 * little-endian) split by SXTH and ASRS, four weights (Thumb-1 has no immediate form of LDRSH or LDRSB),
 * four MULS and four ADDs into accumulators in high registers (six low registers are all the rest needs):
 * 22 instructions per four multiply-accumulates.
 * The patch is 4-byte aligned (the scratch is); an odd last column is added in C.
 */
__attribute__((noinline)) static void murmur_dot2_s8_m0(const int16_t *patch, const int8_t *w, uint32_t cols, int32_t acc[2]) {
  const int16_t *x = patch;
  const int16_t *end = patch + (cols & ~1u);
  const int8_t *w0 = w;
  /* The accumulators live in high registers (ADD reaches them), leaving the low ones to the loads. */
  register int32_t a0 __asm__("r8") = 0;
  register int32_t a1 __asm__("r9") = 0;
  int32_t xv, xs, t;
  /* Row 0's weights by LDRB + SXTB at immediate offsets, row 1's by LDRSB at the register offset cols. */
  __asm__ volatile(
      /* GCC hands inline assembly over in divided syntax; these lines are unified (it restores its own after). */
      ".syntax unified\n"
      "1:\n\t"
      "ldr %[xv], [%[x]]\n\t"
      "sxth %[xs], %[xv]\n\t"
      "ldrb %[t], [%[w0], #0]\n\t"
      "sxtb %[t], %[t]\n\t"
      "muls %[t], %[xs]\n\t"
      "add %[a0], %[t]\n\t"
      "ldrsb %[t], [%[w0], %[cols]]\n\t"
      "muls %[t], %[xs]\n\t"
      "add %[a1], %[t]\n\t"
      "asrs %[xs], %[xv], #16\n\t"
      "ldrb %[t], [%[w0], #1]\n\t"
      "sxtb %[t], %[t]\n\t"
      "muls %[t], %[xs]\n\t"
      "add %[a0], %[t]\n\t"
      "adds %[w0], #1\n\t"
      "ldrsb %[t], [%[w0], %[cols]]\n\t"
      "muls %[t], %[xs]\n\t"
      "add %[a1], %[t]\n\t"
      "adds %[w0], #1\n\t"
      "adds %[x], #4\n\t"
      "cmp %[x], %[end]\n\t"
      "bne 1b\n\t"
      : [a0] "+r"(a0), [a1] "+r"(a1), [x] "+l"(x), [w0] "+l"(w0), [xv] "=&l"(xv), [xs] "=&l"(xs), [t] "=&l"(t)
      : [cols] "l"(cols), [end] "r"(end)
      : "cc", "memory");
  if (cols & 1u) {
    a0 += (int32_t)patch[cols - 1] * w[cols - 1];
    a1 += (int32_t)patch[cols - 1] * w[2u * cols - 1];
  }
  acc[0] = a0;
  acc[1] = a1;
}
#endif

static void murmur_rows_s8(MURMUR_ROM void *filter, uint16_t first_row, uint16_t row_count, uint16_t cols,
                           const int16_t *patch, MURMUR_ROM murmur_quant_params *quant, int8_t *output) {
  MURMUR_ROM int8_t *w = (MURMUR_ROM int8_t *)filter + (uint32_t)first_row * cols;
#if MURMUR_NN_DSP
  const uint32_t blocks = (uint32_t)cols >> 2;
  const uint32_t tail = cols - 4 * blocks;
  uint32_t row = first_row;
  const uint32_t end = (uint32_t)first_row + row_count;
  murmur_requant_cursor cursor = murmur_requant_cursor_at(quant, first_row, output);
  /* Four rows at a time share each patch load; the accumulators start at the bias. */
  if (blocks > 0) {
    for (; end - row >= 4; row += 4, w += 4u * cols) {
      int32_t acc[4];
      murmur_bias_load(quant, row, 4, acc);
      murmur_dot4_s8(patch, w, cols, blocks, acc);
      if (tail > 0) murmur_rows_tail_s8(acc, 4, patch + 4 * blocks, w + 4 * blocks, cols, tail);
      murmur_requantize_rows_s8(acc, 4, &cursor);
    }
  }
  for (; row < end; row++, w += cols) {
    int32_t acc;
    murmur_bias_load(quant, row, 1, &acc);
    acc = murmur_rows_one_s8(patch, w, cols, acc);
    murmur_requantize_rows_s8(&acc, 1, &cursor);
  }
#else
  murmur_index r = 0;
#if defined(__ARM_ARCH_6M__) && defined(__GNUC__)
  /* Cortex-M0/M0+: two rows per patch load in Thumb-1 assembly (see murmur_dot2_s8_m0). */
  for (; r + 2 <= row_count && cols >= 2; r += 2, w += 2u * cols) {
    int32_t acc[2];
    murmur_dot2_s8_m0(patch, w, cols, acc);
    output[r] = murmur_requantize_row(acc[0], quant, (uint16_t)(first_row + r));
    output[r + 1] = murmur_requantize_row(acc[1], quant, (uint16_t)(first_row + r + 1));
  }
#endif
#if !defined(__ARM_ARCH_6M__) && !defined(__AVR__)
  /* Two rows at a time share each patch load; two columns per step (Armv6-M and AVR have too few registers). */
  for (; r + 2 <= row_count; r += 2, w += 2u * cols) {
    MURMUR_ROM int8_t *w0 = w;
    MURMUR_ROM int8_t *w1 = w + cols;
    const int16_t *x = patch;
    int32_t a0 = 0, a1 = 0;
    murmur_index c = cols;
    for (; c >= 2; c -= 2, x += 2, w0 += 2, w1 += 2) {
      const int32_t x0 = x[0], x1 = x[1];
      a0 += x0 * w0[0] + x1 * w0[1];
      a1 += x0 * w1[0] + x1 * w1[1]; /* x0, x1 are int32: the products and sums are too */
    }
    if (c) {
      a0 += x[0] * w0[0];
      a1 += x[0] * w1[0];
    }
    output[r] = murmur_requantize_row(a0, quant, (uint16_t)(first_row + r));
    output[r + 1] = murmur_requantize_row(a1, quant, (uint16_t)(first_row + r + 1));
  }
#endif
  for (; r < row_count; r++) {
    const int16_t *x = patch;
    int32_t acc = 0;
    murmur_index c = cols;
    /* int32 products: int is 16 bits on AVR, and a sum of two products can exceed it. */
    for (; c >= 4; c -= 4, x += 4, w += 4)
      acc += (int32_t)x[0] * w[0] + (int32_t)x[1] * w[1] + (int32_t)x[2] * w[2] + (int32_t)x[3] * w[3];
    for (; c > 0; c--) acc += (int32_t)*x++ * *w++;
    output[r] = murmur_requantize_row(acc, quant, (uint16_t)(first_row + r));
  }
#endif
}

static void murmur_rows_s4(MURMUR_ROM void *filter, uint16_t first_row, uint16_t row_count, uint16_t cols,
                           const int16_t *patch, MURMUR_ROM murmur_quant_params *quant, int8_t *output) {
  MURMUR_ROM uint8_t *nibbles = (MURMUR_ROM uint8_t *)filter;
  uint32_t index = (uint32_t)first_row * cols;
  for (uint16_t r = 0; r < row_count; r++) {
    int32_t acc = 0;
    for (uint16_t c = 0; c < cols; c++, index++) {
      uint8_t byte = nibbles[index >> 1];
      int16_t v = (int16_t)((index & 1u) ? (byte >> 4) : (byte & 0x0Fu));
      acc += patch[c] * ((v ^ 8) - 8);
    }
    output[r] = murmur_requantize_row(acc, quant, (uint16_t)(first_row + r));
  }
}

static void murmur_rows_sparse_s8(MURMUR_ROM void *filter, uint16_t first_row, uint16_t row_count, uint16_t cols,
                                  const int16_t *patch, MURMUR_ROM murmur_quant_params *quant, int8_t *output) {
  MURMUR_ROM murmur_sparse_filter *f = (MURMUR_ROM murmur_sparse_filter *)filter;
  MURMUR_ROM uint16_t *row_start = f->row_start;
  MURMUR_ROM uint8_t *col8 = f->col_index_u8;
  MURMUR_ROM uint16_t *col16 = f->col_index_u16;
  MURMUR_ROM int8_t *values = f->values;
  (void)cols;
  for (uint16_t r = 0; r < row_count; r++) {
    uint16_t row = (uint16_t)(first_row + r);
    uint16_t end = row_start[row + 1];
    int32_t acc = 0;
    if (col8) {
      for (uint16_t p = row_start[row]; p < end; p++) acc += patch[col8[p]] * values[p];
    } else {
      for (uint16_t p = row_start[row]; p < end; p++) acc += patch[col16[p]] * values[p];
    }
    output[r] = murmur_requantize_row(acc, quant, row);
  }
}

/** Reads consecutive `bits`-bit fields (1..8) of an LSB-first bit stream. */
typedef struct {
  MURMUR_ROM uint8_t *next;
  uint16_t buffer;
  uint8_t available;
} murmur_bit_reader;

static void murmur_bits_start(murmur_bit_reader *reader, MURMUR_ROM uint8_t *stream, uint32_t bit) {
  reader->next = stream + (bit >> 3);
  reader->available = (uint8_t)(8u - (bit & 7u));
  reader->buffer = (uint16_t)(*reader->next++ >> (bit & 7u));
}

/* Only called for fields inside the stream, so every byte it fetches exists. */
static inline uint8_t murmur_bits_read(murmur_bit_reader *reader, uint8_t bits) {
  if (reader->available < bits) {
    reader->buffer |= (uint16_t)((uint16_t)*reader->next++ << reader->available);
    reader->available = (uint8_t)(reader->available + 8u);
  }
  uint8_t v = (uint8_t)(reader->buffer & ((1u << bits) - 1u));
  reader->buffer >>= bits;
  reader->available = (uint8_t)(reader->available - bits);
  return v;
}

static void murmur_rows_clustered_s8(MURMUR_ROM void *filter, uint16_t first_row, uint16_t row_count, uint16_t cols,
                                     const int16_t *patch, MURMUR_ROM murmur_quant_params *quant, int8_t *output) {
  MURMUR_ROM murmur_clustered_filter *f = (MURMUR_ROM murmur_clustered_filter *)filter;
  MURMUR_ROM int8_t *codebook = f->codebook;
  const uint8_t bits = f->index_bits;
  murmur_bit_reader reader;
  murmur_bits_start(&reader, f->indices, (uint32_t)first_row * cols * bits);
  for (uint16_t r = 0; r < row_count; r++) {
    int32_t acc = 0;
    for (uint16_t c = 0; c < cols; c++) acc += patch[c] * codebook[murmur_bits_read(&reader, bits)];
    output[r] = murmur_requantize_row(acc, quant, (uint16_t)(first_row + r));
  }
}

/*
 * Binary weights: w = +1 for a set bit, -1 for a clear one, so the dot product is
 * 2 * (sum of the patch where bits are set) - (sum of the whole patch).
 */
static void murmur_rows_binary_s8(MURMUR_ROM void *filter, uint16_t first_row, uint16_t row_count, uint16_t cols,
                                  const int16_t *patch, MURMUR_ROM murmur_quant_params *quant, int8_t *output) {
  int32_t total = 0;
  for (uint16_t c = 0; c < cols; c++) total += patch[c];
  murmur_bit_reader reader;
  murmur_bits_start(&reader, (MURMUR_ROM uint8_t *)filter, (uint32_t)first_row * cols);
  for (uint16_t r = 0; r < row_count; r++) {
    int32_t set = 0;
    for (uint16_t c = 0; c < cols; c++) {
      if (murmur_bits_read(&reader, 1)) set += patch[c];
    }
    output[r] = murmur_requantize_row(2 * set - total, quant, (uint16_t)(first_row + r));
  }
}

const murmur_format murmur_format_s8 = {murmur_rows_s8, MURMUR_NN_DSP};
#if MURMUR_NN_DSP
const murmur_format murmur_format_s8_interleaved = {murmur_rows_s8_interleaved, 1};
#endif
const murmur_format murmur_format_s4 = {murmur_rows_s4, 0};
const murmur_format murmur_format_sparse_s8 = {murmur_rows_sparse_s8, 0};
const murmur_format murmur_format_clustered_s8 = {murmur_rows_clustered_s8, 0};
const murmur_format murmur_format_binary_s8 = {murmur_rows_binary_s8, 0};
