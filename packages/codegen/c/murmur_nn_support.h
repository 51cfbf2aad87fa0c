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
extern const murmur_format murmur_format_s4;
extern const murmur_format murmur_format_sparse_s8;
extern const murmur_format murmur_format_clustered_s8;
extern const murmur_format murmur_format_binary_s8;

/** bias + dot, requantized, offset and clamped to the activation range (requantizeRow in the reference). */
int8_t murmur_requantize_row(int32_t dot, MURMUR_ROM murmur_quant_params *quant, uint16_t row);

/** Swaps elements 1 and 2 of every whole block of four (the SXTB16 order); a shorter tail stays as it is. */
void murmur_patch_reorder(int16_t *patch, uint16_t size);

murmur_status murmur_fully_connected_any(const murmur_context *ctx, MURMUR_ROM murmur_fc_params *params,
                                         MURMUR_ROM murmur_quant_params *quant, const int8_t *input,
                                         MURMUR_ROM void *filter, const murmur_format *format, int8_t *output);
murmur_status murmur_conv1d_any(const murmur_context *ctx, MURMUR_ROM murmur_conv1d_params *params,
                                MURMUR_ROM murmur_quant_params *quant, const int8_t *input, MURMUR_ROM void *filter,
                                const murmur_format *format, int8_t *output);
murmur_status murmur_depthwise_conv1d_any(const murmur_context *ctx, MURMUR_ROM murmur_conv1d_params *params,
                                          MURMUR_ROM murmur_quant_params *quant, const int8_t *input,
                                          MURMUR_ROM void *filter, const murmur_format *format, int8_t *output);

#endif /* MURMUR_NN_SUPPORT_H */
