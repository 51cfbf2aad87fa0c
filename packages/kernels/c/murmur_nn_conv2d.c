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

murmur_status murmur_conv2d_s8(MURMUR_ROM murmur_conv2d_params *params, MURMUR_ROM murmur_quant_params *quant,
                               const int8_t *input, MURMUR_ROM int8_t *filter, int8_t *output) {
  const int32_t in_h = params->input.h, in_w = params->input.w, in_c = params->input.c;
  const int32_t out_h = params->output.h, out_w = params->output.w, out_c = params->output.c;
  const int32_t kh = params->filter_h, kw = params->filter_w;
  const int32_t input_offset = quant->input_offset;
  int32_t b, oy, ox, oc;
  if (params->input.n != params->output.n || in_c == 0) return MURMUR_ERROR_ARGUMENT;
  for (b = 0; b < params->input.n; b++) {
    const int8_t *image = input + (uint32_t)b * in_h * in_w * in_c;
    for (oy = 0; oy < out_h; oy++) {
      const int32_t y0 = oy * params->stride_h - params->pad_h;
      int32_t fy0, fy1;
      murmur_taps_inside(y0, params->dilation_h, kh, in_h, &fy0, &fy1);
      for (ox = 0; ox < out_w; ox++) {
        const int32_t x0 = ox * params->stride_w - params->pad_w;
        int32_t fx0, fx1;
        murmur_taps_inside(x0, params->dilation_w, kw, in_w, &fx0, &fx1);
        for (oc = 0; oc < out_c; oc++) {
          int32_t acc = 0, fy, fx, ic;
          for (fy = fy0; fy < fy1; fy++) {
            const int8_t *row = image + (uint32_t)(y0 + params->dilation_h * fy) * in_w * in_c;
            MURMUR_ROM int8_t *taps = filter + ((uint32_t)(oc * kh + fy) * kw) * in_c;
            for (fx = fx0; fx < fx1; fx++) {
              const int8_t *x = row + (uint32_t)(x0 + params->dilation_w * fx) * in_c;
              MURMUR_ROM int8_t *w = taps + (uint32_t)fx * in_c;
              for (ic = 0; ic < in_c; ic++) acc += w[ic] * (x[ic] + input_offset);
            }
          }
          *output++ = murmur_requantize_channel(acc, quant, (uint32_t)oc);
        }
      }
    }
  }
  return MURMUR_OK;
}

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
