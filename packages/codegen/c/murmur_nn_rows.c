/*
 * Row kernels, one per weight format: outputs first_row .. first_row + row_count - 1 of
 * requantize(bias[r] + sum_c patch[c] * w[r][c]). The weight bytes are read exactly as ir.ts defines
 * them; every kernel reads only the bytes of the rows it computes.
 */
#include "murmur_nn_support.h"

#if MURMUR_NN_DSP
#include <arm_acle.h>
#include <string.h>

static inline uint32_t murmur_ror8(uint32_t v) { return (v >> 8) | (v << 24); }

static inline uint32_t murmur_read_u32(const void *p) {
  uint32_t v;
  memcpy(&v, p, sizeof v);
  return v;
}

/* Four columns of one row: two SMLADs on the SXTB16-unpacked weights and the reordered patch. */
#define MURMUR_MAC4(acc, w, x02, x13)                                                                             \
  do {                                                                                                            \
    (acc) = __smlad(__sxtb16(w), (x02), (acc));                                                                   \
    (acc) = __smlad(__sxtb16(murmur_ror8(w)), (x13), (acc));                                                      \
  } while (0)

/*
 * Four rows (w0, w0 + cols, w0 + 2 cols, w0 + 3 cols) times `blocks` blocks of four columns, blocks >= 1:
 * per block one LDRD of the patch, four LDRs of weights, eight SXTB16 and eight SMLAD. The patch is
 * 4-byte aligned (LDRD); weight rows may be unaligned (LDR allows it on Armv7-M/Armv8-M Mainline).
 */
static void murmur_dot4_s8(const int16_t *x, const int8_t *w0, uint32_t cols, uint32_t blocks, int32_t acc[4]) {
  const int8_t *w2 = w0 + 2u * cols;
  int32_t a0 = 0, a1 = 0, a2 = 0, a3 = 0;
  uint32_t x02, x13, w, s;
  __asm__ volatile(
      "1:\n\t"
      "ldrd %[x02], %[x13], [%[x]], #8\n\t"
      "ldr %[w], [%[w0], %[cols]]\n\t"
      "sxtb16 %[s], %[w]\n\t"
      "smlad %[a1], %[s], %[x02], %[a1]\n\t"
      "sxtb16 %[s], %[w], ror #8\n\t"
      "smlad %[a1], %[s], %[x13], %[a1]\n\t"
      "ldr %[w], [%[w0]], #4\n\t"
      "sxtb16 %[s], %[w]\n\t"
      "smlad %[a0], %[s], %[x02], %[a0]\n\t"
      "sxtb16 %[s], %[w], ror #8\n\t"
      "smlad %[a0], %[s], %[x13], %[a0]\n\t"
      "ldr %[w], [%[w2], %[cols]]\n\t"
      "sxtb16 %[s], %[w]\n\t"
      "smlad %[a3], %[s], %[x02], %[a3]\n\t"
      "sxtb16 %[s], %[w], ror #8\n\t"
      "smlad %[a3], %[s], %[x13], %[a3]\n\t"
      "ldr %[w], [%[w2]], #4\n\t"
      "sxtb16 %[s], %[w]\n\t"
      "smlad %[a2], %[s], %[x02], %[a2]\n\t"
      "sxtb16 %[s], %[w], ror #8\n\t"
      "smlad %[a2], %[s], %[x13], %[a2]\n\t"
      "subs %[n], %[n], #1\n\t"
      "bne 1b\n\t"
      : [x] "+r"(x), [w0] "+r"(w0), [w2] "+r"(w2), [n] "+r"(blocks), [a0] "+r"(a0), [a1] "+r"(a1), [a2] "+r"(a2),
        [a3] "+r"(a3), [x02] "=&r"(x02), [x13] "=&r"(x13), [w] "=&r"(w), [s] "=&r"(s)
      : [cols] "r"(cols)
      : "cc", "memory");
  acc[0] = a0;
  acc[1] = a1;
  acc[2] = a2;
  acc[3] = a3;
}
#endif

static void murmur_rows_s8(MURMUR_ROM void *filter, uint16_t first_row, uint16_t row_count, uint16_t cols,
                           const int16_t *patch, MURMUR_ROM murmur_quant_params *quant, int8_t *output) {
  MURMUR_ROM int8_t *w = (MURMUR_ROM int8_t *)filter + (uint32_t)first_row * cols;
  uint16_t r = 0;
#if MURMUR_NN_DSP
  const uint16_t blocks = cols >> 2;
  const uint16_t tail = (uint16_t)(blocks << 2);
  /* Four rows at a time share each patch load. */
  if (blocks > 0) {
    for (; r + 4 <= row_count; r += 4) {
      int32_t acc[4];
      murmur_dot4_s8(patch, w, cols, blocks, acc);
      for (uint16_t j = 0; j < 4; j++) {
        const int8_t *wj = w + (uint32_t)j * cols;
        for (uint16_t i = tail; i < cols; i++) acc[j] += patch[i] * wj[i];
        output[r + j] = murmur_requantize_row(acc[j], quant, (uint16_t)(first_row + r + j));
      }
      w += 4u * cols;
    }
  }
  for (; r < row_count; r++) {
    const int8_t *w0 = w;
    const int16_t *x = patch;
    int32_t acc = 0;
    for (uint16_t b = blocks; b > 0; b--) {
      uint32_t a = murmur_read_u32(w0);
      MURMUR_MAC4(acc, a, murmur_read_u32(x), murmur_read_u32(x + 2));
      x += 4;
      w0 += 4;
    }
    for (uint16_t i = tail; i < cols; i++) acc += patch[i] * w[i];
    output[r] = murmur_requantize_row(acc, quant, (uint16_t)(first_row + r));
    w += cols;
  }
#else
  for (; r < row_count; r++) {
    int32_t acc = 0;
    for (uint16_t c = 0; c < cols; c++) acc += patch[c] * w[c];
    output[r] = murmur_requantize_row(acc, quant, (uint16_t)(first_row + r));
    w += cols;
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
const murmur_format murmur_format_s4 = {murmur_rows_s4, 0};
const murmur_format murmur_format_sparse_s8 = {murmur_rows_sparse_s8, 0};
const murmur_format murmur_format_clustered_s8 = {murmur_rows_clustered_s8, 0};
const murmur_format murmur_format_binary_s8 = {murmur_rows_binary_s8, 0};
