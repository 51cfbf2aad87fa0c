/* 2D convolution, regular and depthwise (TFLite ConvPerChannel / DepthwiseConvPerChannel), as
 * src/graph/ops/conv2d.ts and depthwise-conv2d.ts. */
#include "murmur_nn_support.h"

/* bias[c] + acc, requantized with channel c's multiplier, offset and clamped. */
static int8_t murmur_requantize_channel(int32_t acc, MURMUR_ROM murmur_quant_params *quant, uint32_t c) {
  if (quant->bias) acc = (int32_t)((uint32_t)acc + (uint32_t)quant->bias[c]);
  return murmur_output_clamp(murmur_requantize_scaled(acc, quant->multiplier[c], quant->shift[c]),
                             murmur_output_range_of(quant));
}

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
          int32_t fy, fx, c;
          for (fy = 0; fy < kh; fy++) {
            const int32_t y = y0 + fy * p.dilation_h;
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

murmur_status murmur_depthwise_conv2d_s8(MURMUR_ROM murmur_conv2d_params *params,
                                         MURMUR_ROM murmur_quant_params *quant, const int8_t *input,
                                         MURMUR_ROM int8_t *filter, int8_t *output) {
  const int32_t in_h = params->input.h, in_w = params->input.w, in_c = params->input.c;
  const int32_t out_h = params->output.h, out_w = params->output.w, out_c = params->output.c;
  const int32_t kw = params->filter_w, m = params->depth_multiplier;
  const int32_t input_offset = quant->input_offset;
  int32_t b, oy, ox, ic, k;
  if (params->input.n != params->output.n || out_c != in_c * m) return MURMUR_ERROR_ARGUMENT;
  for (b = 0; b < params->input.n; b++) {
    const int8_t *image = input + (uint32_t)b * in_h * in_w * in_c;
    for (oy = 0; oy < out_h; oy++) {
      const int32_t y0 = oy * params->stride_h - params->pad_h;
      int32_t fy0, fy1;
      murmur_taps_inside(y0, params->dilation_h, params->filter_h, in_h, &fy0, &fy1);
      for (ox = 0; ox < out_w; ox++) {
        const int32_t x0 = ox * params->stride_w - params->pad_w;
        int32_t fx0, fx1;
        murmur_taps_inside(x0, params->dilation_w, kw, in_w, &fx0, &fx1);
        for (ic = 0; ic < in_c; ic++) {
          for (k = 0; k < m; k++) {
            const int32_t oc = ic * m + k;
            int32_t acc = 0, fy, fx;
            for (fy = fy0; fy < fy1; fy++) {
              const int8_t *row = image + (uint32_t)(y0 + params->dilation_h * fy) * in_w * in_c + ic;
              MURMUR_ROM int8_t *taps = filter + (uint32_t)fy * kw * out_c + oc;
              for (fx = fx0; fx < fx1; fx++)
                acc += taps[(uint32_t)fx * out_c] * (row[(uint32_t)(x0 + params->dilation_w * fx) * in_c] + input_offset);
            }
            *output++ = murmur_requantize_channel(acc, quant, (uint32_t)oc);
          }
        }
      }
    }
  }
  return MURMUR_OK;
}
