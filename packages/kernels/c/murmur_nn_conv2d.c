/* 2D convolution, regular and depthwise (TFLite ConvPerChannel / DepthwiseConvPerChannel), as
 * src/graph/ops/conv2d.ts and depthwise-conv2d.ts. */
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

/* The filter taps [start, end) of one dimension whose input position lies inside [0, size). */
static void murmur_taps_inside(int32_t origin, int32_t dilation, int32_t taps, int32_t size, int32_t *start,
                               int32_t *end) {
  int32_t t = 0;
  while (t < taps && origin + dilation * t < 0) t++;
  *start = t;
  while (t < taps && origin + dilation * t < size) t++;
  *end = t;
}

uint16_t murmur_conv2d_get_buffer_size(MURMUR_ROM murmur_conv2d_params *params) {
  return murmur_patch_bytes((uint32_t)params->filter_h * params->filter_w * params->input.c);
}

/*
 * Per output pixel: the input patch under the filter (x + input offset as int16, 0 where the filter
 * hangs over the edge), then every output channel's dot product with its filter row by the weight
 * format's row kernel, which also requantizes.
 */
murmur_status murmur_conv2d_any(const murmur_context *ctx, MURMUR_ROM murmur_conv2d_params *params,
                                MURMUR_ROM murmur_quant_params *quant, const int8_t *input, MURMUR_ROM void *filter,
                                const murmur_format *format, int8_t *output) {
  const murmur_conv2d_params p = *params;
  const int32_t in_h = p.input.h, in_w = p.input.w, in_c = p.input.c;
  const int32_t kh = p.filter_h, kw = p.filter_w;
  const uint16_t cols = (uint16_t)(kh * kw * in_c);
  const int16_t offset = quant->input_offset;
  int16_t *patch = murmur_patch_of(ctx, murmur_conv2d_get_buffer_size(params));
  int32_t b, oy, ox;
  if (p.input.n != p.output.n || in_c == 0 || quant->bias == 0) return MURMUR_ERROR_ARGUMENT;
  if (patch == 0) return MURMUR_ERROR_BUFFER;
  for (b = 0; b < p.input.n; b++) {
    const int8_t *image = input + (uint32_t)b * in_h * in_w * in_c;
    for (oy = 0; oy < p.output.h; oy++) {
      const int32_t y0 = oy * p.stride_h - p.pad_h;
      for (ox = 0; ox < p.output.w; ox++, output += p.output.c) {
        const int32_t x0 = ox * p.stride_w - p.pad_w;
        const int inside = y0 >= 0 && x0 >= 0 && y0 + (kh - 1) * p.dilation_h < in_h &&
                           x0 + (kw - 1) * p.dilation_w < in_w;
        if (inside && p.dilation_w == 1 && (kh == 1 || (kw == in_w && p.dilation_h == 1))) {
          /* The whole window is one contiguous run of the input (1 x 1 filters, full-width rows). */
          murmur_patch_fill(patch, image + ((uint32_t)y0 * in_w + (uint32_t)x0) * in_c, cols, offset, format->reordered);
        } else {
          int16_t *dst = patch;
          const int row_inside = p.dilation_w == 1 && x0 >= 0 && x0 + kw <= in_w;
          int32_t fy, fx, c;
          for (fy = 0; fy < kh; fy++) {
            const int32_t y = y0 + fy * p.dilation_h;
            if (row_inside && y >= 0 && y < in_h) {
              /* The window's row is one contiguous run of the input. */
              murmur_patch_fill(dst, image + ((uint32_t)y * in_w + (uint32_t)x0) * in_c, (uint32_t)(kw * in_c), offset, 0);
              dst += kw * in_c;
              continue;
            }
            for (fx = 0; fx < kw; fx++, dst += in_c) {
              const int32_t x = x0 + fx * p.dilation_w;
              if (y >= 0 && y < in_h && x >= 0 && x < in_w)
                murmur_patch_fill(dst, image + ((uint32_t)y * in_w + (uint32_t)x) * in_c, (uint32_t)in_c, offset, 0);
              else
                for (c = 0; c < in_c; c++) dst[c] = 0;
            }
          }
          if (format->reordered) murmur_patch_reorder(patch, cols);
        }
        format->rows(filter, 0, p.output.c, cols, patch, quant, output);
      }
    }
  }
  return MURMUR_OK;
}

murmur_status murmur_conv2d_s8(const murmur_context *ctx, MURMUR_ROM murmur_conv2d_params *params,
                               MURMUR_ROM murmur_quant_params *quant, const int8_t *input, MURMUR_ROM int8_t *filter,
                               int8_t *output) {
  return murmur_conv2d_any(ctx, params, quant, input, filter, &murmur_format_s8, output);
}

#if MURMUR_NN_DSP
murmur_status murmur_conv2d_s8_interleaved(const murmur_context *ctx, MURMUR_ROM murmur_conv2d_params *params,
                                           MURMUR_ROM murmur_quant_params *quant, const int8_t *input,
                                           MURMUR_ROM int8_t *filter, int8_t *output) {
  return murmur_conv2d_any(ctx, params, quant, input, filter, &murmur_format_s8_interleaved, output);
}
#endif

/* bias[c] + acc of output channel c, requantized, offset and clamped (the output range read once per call). */
MURMUR_ALWAYS_INLINE int8_t murmur_requantize_in(int32_t acc, MURMUR_ROM murmur_quant_params *quant, int32_t c,
                                                 murmur_output_range range) {
  return murmur_output_clamp(
      murmur_requantize_scaled((int32_t)((uint32_t)acc + (uint32_t)quant->bias[c]), quant->multiplier[c], quant->shift[c]),
      range);
}

#if MURMUR_NN_DSP
/*
 * Four channels of one output pixel (depth multiplier 1): per tap one word of input and one of weights,
 * unpacked by SXTB16 into channel pairs (c, c + 2) and (c + 1, c + 3), each pair's products added into its
 * own accumulator by SMLABB / SMLATT. Not inlined: on its own it keeps the four accumulators and both
 * pointers in registers.
 */
__attribute__((noinline)) static void murmur_depthwise4(const int8_t *x, MURMUR_ROM int8_t *w, int32_t rows,
                                                        int32_t cols, uint32_t x_row, uint32_t w_row,
                                                        uint32_t channels, int16x2_t offsets, int32_t acc[4]) {
  int32_t a0 = 0, a1 = 0, a2 = 0, a3 = 0, fy, fx;
  for (fy = 0; fy < rows; fy++, x += x_row, w += w_row) {
    const int8_t *xp = x;
    MURMUR_ROM int8_t *wp = w;
    for (fx = 0; fx < cols; fx++, xp += channels, wp += channels) {
      const uint32_t xv = murmur_read_u32(xp), wv = murmur_read_u32((const void *)wp);
      const int16x2_t xe = __sadd16(__sxtb16(xv), offsets), xo = __sadd16(murmur_sxtb16_ror8(xv), offsets);
      const int16x2_t we = __sxtb16(wv), wo = murmur_sxtb16_ror8(wv);
      a0 = __smlabb(xe, we, a0);
      a2 = __smlatt(xe, we, a2);
      a1 = __smlabb(xo, wo, a1);
      a3 = __smlatt(xo, wo, a3);
    }
  }
  acc[0] = a0;
  acc[1] = a1;
  acc[2] = a2;
  acc[3] = a3;
}
#endif

/* One output channel of one output pixel over the window's taps inside the input. */
static int32_t murmur_depthwise1(const int8_t *x, MURMUR_ROM int8_t *w, int32_t rows, int32_t cols, uint32_t x_row,
                                 uint32_t x_step, uint32_t w_row, uint32_t w_step, int32_t offset) {
  int32_t acc = 0, fy, fx;
  for (fy = 0; fy < rows; fy++, x += x_row, w += w_row)
    for (fx = 0; fx < cols; fx++) acc += w[fx * w_step] * (x[fx * x_step] + offset);
  return acc;
}

murmur_status murmur_depthwise_conv2d_s8(MURMUR_ROM murmur_conv2d_params *params,
                                         MURMUR_ROM murmur_quant_params *quant, const int8_t *input,
                                         MURMUR_ROM int8_t *filter, int8_t *output) {
  const murmur_conv2d_params p = *params;
  const int32_t in_h = p.input.h, in_w = p.input.w, in_c = p.input.c, out_c = p.output.c;
  const int32_t m = p.depth_multiplier;
  const int16_t offset = quant->input_offset;
  const murmur_output_range range = murmur_output_range_of(quant);
  int32_t b, oy, ox;
  if (p.input.n != p.output.n || out_c != in_c * m || m == 0 || quant->bias == 0) return MURMUR_ERROR_ARGUMENT;
  for (b = 0; b < p.input.n; b++) {
    const int8_t *image = input + (uint32_t)b * in_h * in_w * in_c;
    for (oy = 0; oy < p.output.h; oy++) {
      const int32_t y0 = oy * p.stride_h - p.pad_h;
      int32_t fy0, fy1;
      murmur_taps_inside(y0, p.dilation_h, p.filter_h, in_h, &fy0, &fy1);
      for (ox = 0; ox < p.output.w; ox++, output += out_c) {
        const int32_t x0 = ox * p.stride_w - p.pad_w;
        int32_t fx0, fx1, ic = 0, k;
        murmur_taps_inside(x0, p.dilation_w, p.filter_w, in_w, &fx0, &fx1);
        {
          /* The first tap inside the input, and the strides between taps in the input and the filter. */
          const int8_t *x = image + ((uint32_t)(y0 + fy0 * p.dilation_h) * in_w + (uint32_t)(x0 + fx0 * p.dilation_w)) * in_c;
          MURMUR_ROM int8_t *w = filter + ((uint32_t)fy0 * p.filter_w + (uint32_t)fx0) * out_c;
          const uint32_t x_row = (uint32_t)p.dilation_h * in_w * in_c, x_step = (uint32_t)p.dilation_w * in_c;
          const uint32_t w_row = (uint32_t)p.filter_w * out_c;
#if MURMUR_NN_DSP
          if (m == 1 && p.dilation_w == 1) {
            const int16x2_t offsets = (int16x2_t)(((uint32_t)(uint16_t)offset << 16) | (uint16_t)offset);
            for (; ic + 4 <= in_c; ic += 4) {
              int32_t acc[4];
              murmur_depthwise4(x + ic, w + ic, fy1 - fy0, fx1 - fx0, x_row, w_row, (uint32_t)in_c, offsets, acc);
              for (k = 0; k < 4; k++) output[ic + k] = murmur_requantize_in(acc[k], quant, ic + k, range);
            }
          }
#endif
          for (; ic < in_c; ic++) {
            for (k = 0; k < m; k++) {
              const int32_t oc = ic * m + k;
              const int32_t acc =
                  murmur_depthwise1(x + ic, w + oc, fy1 - fy0, fx1 - fx0, x_row, x_step, w_row, (uint32_t)out_c, offset);
              output[oc] = murmur_requantize_in(acc, quant, oc, range);
            }
          }
        }
      }
    }
  }
  return MURMUR_OK;
}
