/*
 * Murmur int8 neural-network kernels (C99, no heap, no recursion).
 *
 * Every kernel reproduces the Murmur int8 reference (packages/kernels: src/int8-interpreter.ts, src/graph
 * and src/fixed-point.ts) bit for bit; the TFLite int8 quantization spec:
 *
 *   acc[r] = bias[r] + sum_c (x[c] - input_zero_point) * w[r][c]          (exact int32)
 *   y[r]   = clamp(MultiplyByQuantizedMultiplier(acc[r], multiplier[r], shift[r]) + output_zero_point,
 *                  activation_min, activation_max)
 *
 * Activations are int8 tensors in RAM, laid out [steps][channels] (dense: [features]). Everything
 * constant (weights, bias, multipliers, shifts and the parameter structs) is read through MURMUR_ROM
 * pointers: on AVR that is `const __flash` (GNU C), so constants stay in flash and are read with LPM;
 * elsewhere plain `const`.
 *
 * Weight matrices have `rows` output channels by `cols` fan-in values, row-major (ir.ts):
 *   dense: row o, column i; conv1d: row f, column k * in_channels + c; depthwise: row c, column k.
 * One kernel per op and weight format:
 *   _s8            int8_t[rows * cols]
 *   _s4            4-bit two's complement fields, LSB-first bit stream (low nibble first)
 *   _sparse_s8     compressed rows: row_start[rows + 1], column indices, int8 values
 *   _clustered_s8  int8 codebook + index_bits-bit index fields (LSB-first bit stream)
 *   _binary_s8     1-bit fields: 1 means +1, 0 means -1 (XNOR-popcount form; the per-channel
 *                  scale lives in the multiplier)
 *   _s8_interleaved  (DSP path only) the int8_t[rows * cols] bytes of _s8 permuted for four-row
 *                  dual-MAC loops, 4-byte aligned: each group of four rows (0-3, 4-7, ...) holds its
 *                  whole blocks of four columns in turn (the block's four bytes of row 0, of row 1, of
 *                  row 2, of row 3), then the group's last cols % 4 columns one after the other (each
 *                  column's byte of row 0, 1, 2, 3); the rows after the last whole group (rows % 4) stay
 *                  row-major. Dense and conv1d only.
 *
 * Kernels that need scratch memory take a murmur_context and have a `_get_buffer_size` companion;
 * they return MURMUR_ERROR_BUFFER when the scratch is too small and MURMUR_ERROR_ARGUMENT for
 * inconsistent dimensions. Nothing asserts.
 *
 * Fast paths: with the Arm DSP extension (__ARM_FEATURE_DSP: Cortex-M4/M7/M33) the int8 matrix
 * kernels use dual 16-bit multiply-accumulates (SMLAD, SXTB16 from arm_acle.h) on four rows at a time and
 * depthwise convolutions four channels per step; on the Cortex-M0/M0+ (Armv6-M) the dense rows and depthwise
 * taps run in Thumb-1 assembly loops and requantization multiplies in 16-bit halves; other cores (Cortex-M3,
 * AVR, host) run plain loops. Define MURMUR_NN_NO_DSP to force the plain loops on a DSP core. Every path gives
 * identical results. The generated models use the _s8_interleaved kernels on
 * the DSP path: the same weight bytes in the order those loops read them (one aligned LDM of four
 * words per block of four rows by four columns).
 */
#ifndef MURMUR_NN_H
#define MURMUR_NN_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(__AVR__) && !defined(__cplusplus)
#define MURMUR_ROM const __flash
#else
#define MURMUR_ROM const
#endif

#if defined(__ARM_FEATURE_DSP) && __ARM_FEATURE_DSP && !defined(MURMUR_NN_NO_DSP)
#define MURMUR_NN_DSP 1
#else
#define MURMUR_NN_DSP 0
#endif

typedef enum {
  MURMUR_OK = 0,
  /** Dimensions or parameters that do not fit together. */
  MURMUR_ERROR_ARGUMENT = -1,
  /** The scratch buffer in the context is missing or smaller than `_get_buffer_size` says. */
  MURMUR_ERROR_BUFFER = -2
} murmur_status;

/** Scratch memory for one kernel call (a slice of the model's arena), 4-byte aligned. */
typedef struct {
  void *buf;
  uint16_t size;
} murmur_context;

/**
 * Requantization of a dense or convolution layer. The bias is int32_t[rows] (`bias`), or int16_t[rows]
 * (`bias16`, with `bias` NULL) when every value fits 16 bits; the multiplier and shift are one per output
 * channel, or with `per_tensor` one for the whole layer (multiplier[0], shift[0]). The 2-D graph ops read
 * only `bias`, `multiplier` and `shift`, per channel.
 */
typedef struct {
  /** Minus the input zero point, in [-127, 128]. */
  int16_t input_offset;
  /** The output zero point, in [-128, 127]. */
  int16_t output_offset;
  /** Output clamp, in [-128, 127]. */
  int16_t activation_min;
  int16_t activation_max;
  /** int32_t[rows] bias (NULL when bias16 holds it), Q31 multiplier and power-of-two exponent (positive: left shift). */
  MURMUR_ROM int32_t *bias;
  MURMUR_ROM int32_t *multiplier;
  MURMUR_ROM int8_t *shift;
  /** int16_t[rows] bias, used when `bias` is NULL. */
  MURMUR_ROM int16_t *bias16;
  /** 1: multiplier[0] and shift[0] serve every output channel; 0: one per channel. */
  uint8_t per_tensor;
} murmur_quant_params;

/** Dense layer: input [input_size] to output [output_size]. */
typedef struct {
  uint16_t input_size;
  uint16_t output_size;
} murmur_fc_params;

/**
 * 1D convolution (also depthwise, where output_channels == input_channels): input
 * [input_steps][input_channels] to output [output_steps][output_channels]. Output step t reads input
 * steps t * stride + k - pad_left for k in [0, kernel_size); steps outside the input read as zero
 * (after the input offset), which is TF's 'same' padding; 'valid' has pad_left 0.
 */
typedef struct {
  uint16_t input_steps;
  uint16_t input_channels;
  uint16_t output_steps;
  uint16_t output_channels;
  uint16_t kernel_size;
  uint16_t stride;
  uint16_t pad_left;
} murmur_conv1d_params;

/** Pooling: window pool_size, step stride, no padding; channels unchanged. */
typedef struct {
  uint16_t input_steps;
  uint16_t channels;
  uint16_t output_steps;
  uint16_t pool_size;
  uint16_t stride;
} murmur_pool1d_params;

/** Sparse weights in compressed rows. Exactly one of col_index_u8 (cols <= 256) and col_index_u16 is set. */
typedef struct {
  MURMUR_ROM uint16_t *row_start;
  MURMUR_ROM uint8_t *col_index_u8;
  MURMUR_ROM uint16_t *col_index_u16;
  MURMUR_ROM int8_t *values;
} murmur_sparse_filter;

/** Clustered weights: w = codebook[index field], index fields of index_bits (1..8) bits. */
typedef struct {
  MURMUR_ROM int8_t *codebook;
  MURMUR_ROM uint8_t *indices;
  uint8_t index_bits;
} murmur_clustered_filter;

/* ---------------------------------------------------------------------------------------------- */
/* Fixed-point helpers (gemmlowp / TFLite), exactly as fixed-point.ts specifies them.              */

/** SaturatingRoundingDoublingHighMul: high 32 bits of 2ab, rounded half away from zero. */
int32_t murmur_doubling_high_mul(int32_t a, int32_t b);

/** RoundingDivideByPOT: x / 2^exponent rounded half away from zero, exponent in [0, 31]. */
int32_t murmur_divide_by_pot(int32_t x, int32_t exponent);

/** MultiplyByQuantizedMultiplier: the left shift saturates, then the two roundings above. */
int32_t murmur_multiply_by_quantized_multiplier(int32_t x, int32_t multiplier, int32_t shift);

/* ---------------------------------------------------------------------------------------------- */
/* Dense (fully connected). Scratch: _get_buffer_size(params) bytes.                              */

uint16_t murmur_fully_connected_get_buffer_size(MURMUR_ROM murmur_fc_params *params);

murmur_status murmur_fully_connected_s8(const murmur_context *ctx, MURMUR_ROM murmur_fc_params *params,
                                        MURMUR_ROM murmur_quant_params *quant, const int8_t *input,
                                        MURMUR_ROM int8_t *filter, int8_t *output);
murmur_status murmur_fully_connected_s4(const murmur_context *ctx, MURMUR_ROM murmur_fc_params *params,
                                        MURMUR_ROM murmur_quant_params *quant, const int8_t *input,
                                        MURMUR_ROM uint8_t *filter, int8_t *output);
murmur_status murmur_fully_connected_sparse_s8(const murmur_context *ctx, MURMUR_ROM murmur_fc_params *params,
                                               MURMUR_ROM murmur_quant_params *quant, const int8_t *input,
                                               MURMUR_ROM murmur_sparse_filter *filter, int8_t *output);
murmur_status murmur_fully_connected_clustered_s8(const murmur_context *ctx, MURMUR_ROM murmur_fc_params *params,
                                                  MURMUR_ROM murmur_quant_params *quant, const int8_t *input,
                                                  MURMUR_ROM murmur_clustered_filter *filter, int8_t *output);
murmur_status murmur_fully_connected_binary_s8(const murmur_context *ctx, MURMUR_ROM murmur_fc_params *params,
                                               MURMUR_ROM murmur_quant_params *quant, const int8_t *input,
                                               MURMUR_ROM uint8_t *filter, int8_t *output);

#if MURMUR_NN_DSP
/** murmur_fully_connected_s8 on interleaved weights (see above); MURMUR_ERROR_ARGUMENT unless 4-byte aligned. */
murmur_status murmur_fully_connected_s8_interleaved(const murmur_context *ctx, MURMUR_ROM murmur_fc_params *params,
                                                    MURMUR_ROM murmur_quant_params *quant, const int8_t *input,
                                                    MURMUR_ROM int8_t *filter, int8_t *output);
#endif

/* ---------------------------------------------------------------------------------------------- */
/* 1D convolution. Scratch: _get_buffer_size(params) bytes (one input patch).                     */

uint16_t murmur_conv1d_get_buffer_size(MURMUR_ROM murmur_conv1d_params *params);

murmur_status murmur_conv1d_s8(const murmur_context *ctx, MURMUR_ROM murmur_conv1d_params *params,
                               MURMUR_ROM murmur_quant_params *quant, const int8_t *input,
                               MURMUR_ROM int8_t *filter, int8_t *output);
murmur_status murmur_conv1d_s4(const murmur_context *ctx, MURMUR_ROM murmur_conv1d_params *params,
                               MURMUR_ROM murmur_quant_params *quant, const int8_t *input,
                               MURMUR_ROM uint8_t *filter, int8_t *output);
murmur_status murmur_conv1d_sparse_s8(const murmur_context *ctx, MURMUR_ROM murmur_conv1d_params *params,
                                      MURMUR_ROM murmur_quant_params *quant, const int8_t *input,
                                      MURMUR_ROM murmur_sparse_filter *filter, int8_t *output);
murmur_status murmur_conv1d_clustered_s8(const murmur_context *ctx, MURMUR_ROM murmur_conv1d_params *params,
                                         MURMUR_ROM murmur_quant_params *quant, const int8_t *input,
                                         MURMUR_ROM murmur_clustered_filter *filter, int8_t *output);
murmur_status murmur_conv1d_binary_s8(const murmur_context *ctx, MURMUR_ROM murmur_conv1d_params *params,
                                      MURMUR_ROM murmur_quant_params *quant, const int8_t *input,
                                      MURMUR_ROM uint8_t *filter, int8_t *output);
#if MURMUR_NN_DSP
/** murmur_conv1d_s8 on interleaved weights (see above); MURMUR_ERROR_ARGUMENT unless 4-byte aligned. */
murmur_status murmur_conv1d_s8_interleaved(const murmur_context *ctx, MURMUR_ROM murmur_conv1d_params *params,
                                           MURMUR_ROM murmur_quant_params *quant, const int8_t *input,
                                           MURMUR_ROM int8_t *filter, int8_t *output);
#endif

/* ---------------------------------------------------------------------------------------------- */
/* Depthwise 1D convolution (depth multiplier 1). Scratch: _get_buffer_size(params) bytes.        */

uint16_t murmur_depthwise_conv1d_get_buffer_size(MURMUR_ROM murmur_conv1d_params *params);

murmur_status murmur_depthwise_conv1d_s8(const murmur_context *ctx, MURMUR_ROM murmur_conv1d_params *params,
                                         MURMUR_ROM murmur_quant_params *quant, const int8_t *input,
                                         MURMUR_ROM int8_t *filter, int8_t *output);
murmur_status murmur_depthwise_conv1d_s4(const murmur_context *ctx, MURMUR_ROM murmur_conv1d_params *params,
                                         MURMUR_ROM murmur_quant_params *quant, const int8_t *input,
                                         MURMUR_ROM uint8_t *filter, int8_t *output);
murmur_status murmur_depthwise_conv1d_sparse_s8(const murmur_context *ctx, MURMUR_ROM murmur_conv1d_params *params,
                                                MURMUR_ROM murmur_quant_params *quant, const int8_t *input,
                                                MURMUR_ROM murmur_sparse_filter *filter, int8_t *output);
murmur_status murmur_depthwise_conv1d_clustered_s8(const murmur_context *ctx,
                                                   MURMUR_ROM murmur_conv1d_params *params,
                                                   MURMUR_ROM murmur_quant_params *quant, const int8_t *input,
                                                   MURMUR_ROM murmur_clustered_filter *filter, int8_t *output);
murmur_status murmur_depthwise_conv1d_binary_s8(const murmur_context *ctx, MURMUR_ROM murmur_conv1d_params *params,
                                                MURMUR_ROM murmur_quant_params *quant, const int8_t *input,
                                                MURMUR_ROM uint8_t *filter, int8_t *output);

/* ---------------------------------------------------------------------------------------------- */
/* Weight-free ops (input and output share quantization).                                         */

/** Largest value of each window. */
murmur_status murmur_maxpool1d_s8(MURMUR_ROM murmur_pool1d_params *params, const int8_t *input, int8_t *output);

/**
 * Mean of each window, rounded half away from zero: (sum +/- pool_size / 2) / pool_size with C's
 * truncating division. A global average pool is this with pool_size = stride = input_steps.
 */
murmur_status murmur_avgpool1d_s8(MURMUR_ROM murmur_pool1d_params *params, const int8_t *input, int8_t *output);

/** relu with unchanged quantization: y = max(x, zero_point). May run in place. */
void murmur_relu_s8(const int8_t *input, uint16_t size, int8_t zero_point, int8_t *output);


/**
 * Index of the largest value (the first on ties) and, in *margin, top1 - top2 in int8 steps
 * (0 when tied, 255 when size is 1). size >= 1.
 */
uint16_t murmur_argmax_s8(const int8_t *input, uint16_t size, uint8_t *margin);

/**
 * Quantizes float features at the model boundary: q = clamp(round_half_away(x * inverse_scale) +
 * zero_point, -128, 127), the product a float multiply (inverse_scale = (float)(1 / scale)); NaN gives 0.
 */
void murmur_quantize_s8(const float *input, uint16_t size, float inverse_scale, int8_t zero_point, int8_t *output);

/* ---------------------------------------------------------------------------------------------- */
/* 2D ops of the int8 graph IR (NHWC tensors), TFLite's int8 reference kernels bit for bit         */
/* (packages/kernels/src/graph/ops). Tensors are batch 1 or more; every index fits 32 bits.        */

/** An NHWC shape. */
typedef struct {
  uint16_t n;
  uint16_t h;
  uint16_t w;
  uint16_t c;
} murmur_dims;

/**
 * 2D convolution, regular (filter [output.c][filter_h][filter_w][input.c]) or depthwise (filter
 * [1][filter_h][filter_w][output.c], output.c = input.c * depth_multiplier). Output pixel (y, x) reads
 * input rows y * stride_h - pad_h + dilation_h * fy and columns likewise; positions outside the input
 * are skipped (zero after the input offset): SAME padding has pad_h = total padding / 2, VALID 0.
 * Requantization per output channel with murmur_quant_params (bias may be NULL).
 */
typedef struct {
  murmur_dims input;
  murmur_dims output;
  uint16_t filter_h;
  uint16_t filter_w;
  uint8_t stride_h;
  uint8_t stride_w;
  uint8_t dilation_h;
  uint8_t dilation_w;
  uint8_t pad_h;
  uint8_t pad_w;
  /** Depthwise only: output channels per input channel. */
  uint8_t depth_multiplier;
} murmur_conv2d_params;

/** Scratch of a regular convolution: one int16 patch of filter_h * filter_w * input.c values. */
uint16_t murmur_conv2d_get_buffer_size(MURMUR_ROM murmur_conv2d_params *params);

/**
 * Regular convolution; the bias must be present (all zeros when the model has none). A 1 x 1 convolution with
 * stride 1, no padding and output.c <= input.c may run in place (output == input): each pixel's input is in the
 * patch before its outputs are written, and they cover only that pixel's and earlier pixels' bytes.
 */
murmur_status murmur_conv2d_s8(const murmur_context *ctx, MURMUR_ROM murmur_conv2d_params *params,
                               MURMUR_ROM murmur_quant_params *quant, const int8_t *input, MURMUR_ROM int8_t *filter,
                               int8_t *output);
#if MURMUR_NN_DSP
/** murmur_conv2d_s8 on interleaved weights (rows = output channels, cols = filter_h * filter_w * input.c). */
murmur_status murmur_conv2d_s8_interleaved(const murmur_context *ctx, MURMUR_ROM murmur_conv2d_params *params,
                                           MURMUR_ROM murmur_quant_params *quant, const int8_t *input,
                                           MURMUR_ROM int8_t *filter, int8_t *output);
#endif
murmur_status murmur_depthwise_conv2d_s8(MURMUR_ROM murmur_conv2d_params *params,
                                         MURMUR_ROM murmur_quant_params *quant, const int8_t *input,
                                         MURMUR_ROM int8_t *filter, int8_t *output);

/**
 * A depthwise convolution that writes its output over its input (`data`): stride 1, dilation 1 across rows,
 * depth multiplier 1, output shape = input shape (SAME) and pad_h < filter_h, else MURMUR_ERROR_ARGUMENT. The
 * scratch holds the input rows the next output rows still need: filter_h rows of the input.
 */
uint16_t murmur_depthwise_conv2d_in_place_get_buffer_size(MURMUR_ROM murmur_conv2d_params *params);
murmur_status murmur_depthwise_conv2d_s8_in_place(const murmur_context *ctx, MURMUR_ROM murmur_conv2d_params *params,
                                                  MURMUR_ROM murmur_quant_params *quant, int8_t *data,
                                                  MURMUR_ROM int8_t *filter);

/**
 * 2D pooling over filter_h x filter_w windows clipped to the input (padding is never averaged in);
 * input and output share quantization; the result is clamped to [activation_min, activation_max].
 */
typedef struct {
  murmur_dims input;
  murmur_dims output;
  uint16_t filter_h;
  uint16_t filter_w;
  uint8_t stride_h;
  uint8_t stride_w;
  uint8_t pad_h;
  uint8_t pad_w;
  int16_t activation_min;
  int16_t activation_max;
} murmur_pool2d_params;

/** Mean of each window: (sum +/- count / 2) / count with C's truncating division. */
murmur_status murmur_avgpool2d_s8(MURMUR_ROM murmur_pool2d_params *params, const int8_t *input, int8_t *output);
/** Largest value of each window. */
murmur_status murmur_maxpool2d_s8(MURMUR_ROM murmur_pool2d_params *params, const int8_t *input, int8_t *output);

/**
 * Element-wise sum of two int8 tensors of `size` elements: each input, offset and shifted left by
 * left_shift, is scaled by its multiplier (shift <= 0), the sum by the output multiplier, then offset
 * and clamped. May run in place (output == input1 or input2).
 */
typedef struct {
  uint32_t size;
  int16_t input1_offset;
  int16_t input2_offset;
  int16_t output_offset;
  int16_t activation_min;
  int16_t activation_max;
  int8_t left_shift;
  int8_t input1_shift;
  int8_t input2_shift;
  int8_t output_shift;
  int32_t input1_multiplier;
  int32_t input2_multiplier;
  int32_t output_multiplier;
} murmur_add_params;

murmur_status murmur_add_s8(MURMUR_ROM murmur_add_params *params, const int8_t *input1, const int8_t *input2,
                            int8_t *output);

/** Broadcasting: the output as four dimensions, and each input's element steps along them (0 where stretched). */
typedef struct {
  murmur_dims output;
  uint32_t stride1[4];
  uint32_t stride2[4];
} murmur_add_broadcast;

/**
 * ADD of inputs whose shapes broadcast to the output's (params.size output elements). May run in place over an
 * input of the output's shape (each of its elements is read before the output element at the same place).
 */
murmur_status murmur_add_broadcast_s8(MURMUR_ROM murmur_add_params *params, MURMUR_ROM murmur_add_broadcast *broadcast,
                                      const int8_t *input1, const int8_t *input2, int8_t *output);

/**
 * Softmax over the last dimension (rows x depth), TFLite's int8 form: exp of the differences to the
 * row's maximum (scaled by input_multiplier << input_left_shift into Q5.26; below diff_min exp is 0),
 * summed in Q12.19, times the reciprocal of the sum; output scale 1/256, zero point -128.
 */
typedef struct {
  uint16_t rows;
  uint16_t depth;
  int32_t input_multiplier;
  int32_t input_left_shift;
  int32_t diff_min;
} murmur_softmax_params;

murmur_status murmur_softmax_s8(MURMUR_ROM murmur_softmax_params *params, const int8_t *input, int8_t *output);

/** PAD with pad_value (the output zero point): the input at offset `before` (n, h, w, c) of the output. */
typedef struct {
  murmur_dims input;
  murmur_dims output;
  murmur_dims before;
  int8_t pad_value;
} murmur_pad_params;

murmur_status murmur_pad_s8(MURMUR_ROM murmur_pad_params *params, const int8_t *input, int8_t *output);

/**
 * MEAN over the height and/or width of an NHWC tensor: per output element, MultiplyByQuantizedMultiplier(sum -
 * input_zero_point * count, multiplier, shift) + output_zero_point, clamped to int8 (the multiplier already
 * holds 1 / count).
 */
typedef struct {
  murmur_dims input;
  uint8_t reduce_h;
  uint8_t reduce_w;
  int16_t input_zero_point;
  int16_t output_zero_point;
  int8_t shift;
  int32_t multiplier;
} murmur_mean_params;

murmur_status murmur_mean_s8(MURMUR_ROM murmur_mean_params *params, const int8_t *input, int8_t *output);

/**
 * QUANTIZE of int8 to another int8 scale and zero point: MultiplyByQuantizedMultiplier(x - input_zero_point,
 * multiplier, shift) + output_zero_point, clamped. May run in place.
 */
typedef struct {
  uint32_t size;
  int16_t input_zero_point;
  int16_t output_zero_point;
  int8_t shift;
  int32_t multiplier;
} murmur_requantize_params;

murmur_status murmur_requantize_s8(MURMUR_ROM murmur_requantize_params *params, const int8_t *input, int8_t *output);

/** A float32 edge of a model: `size` values between float32 and int8 with one scale and zero point. */
typedef struct {
  uint32_t size;
  float scale;
  int16_t zero_point;
} murmur_affine_params;

/**
 * QUANTIZE of a float32 model input to int8 (TFLite's AffineQuantize): round(x / scale), the division in float
 * and the rounding half away from zero, plus zero_point, clamped to int8. NaN gives zero_point; an infinity
 * clamps. Not in place (the input is float32).
 */
murmur_status murmur_quantize_f32_s8(MURMUR_ROM murmur_affine_params *params, const float *input, int8_t *output);

/** DEQUANTIZE of int8 to a float32 model output (TFLite's Dequantize): scale * (q - zero_point) in float. */
murmur_status murmur_dequantize_s8_f32(MURMUR_ROM murmur_affine_params *params, const int8_t *input, float *output);

#ifdef __cplusplus
}
#endif

#endif /* MURMUR_NN_H */
