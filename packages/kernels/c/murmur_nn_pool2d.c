/* 2D average and max pooling (TFLite AveragePool / MaxPool, int8), as src/graph/ops/avgpool2d.ts and
 * maxpool2d.ts: windows clipped to the input; MEAN over height and/or width, as src/graph/ops/mean.ts. */
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

#include <string.h>

typedef int32_t (*murmur_pool_fn)(const int8_t *window, int32_t row_stride, int32_t rows, int32_t cols,
                                  int32_t channels);

static int32_t murmur_window_mean(const int8_t *window, int32_t row_stride, int32_t rows, int32_t cols,
                                  int32_t channels) {
  int32_t sum = 0, count = rows * cols, y, x;
  for (y = 0; y < rows; y++)
    for (x = 0; x < cols; x++) sum += window[y * row_stride + x * channels];
  return sum > 0 ? (sum + count / 2) / count : (sum - count / 2) / count;
}

static murmur_status murmur_pool2d(MURMUR_ROM murmur_pool2d_params *p, const int8_t *input, int8_t *output,
                                   murmur_pool_fn pool) {
  const int32_t in_h = p->input.h, in_w = p->input.w, channels = p->input.c;
  const int32_t row_stride = in_w * channels;
  const int32_t lo = p->activation_min, hi = p->activation_max;
  int32_t b, oy, ox, c;
  if (p->input.n != p->output.n || p->output.c != channels) return MURMUR_ERROR_ARGUMENT;
  for (b = 0; b < p->input.n; b++) {
    const int8_t *image = input + (uint32_t)b * in_h * row_stride;
    for (oy = 0; oy < p->output.h; oy++) {
      const int32_t y0 = oy * p->stride_h - p->pad_h;
      const int32_t fy0 = y0 < 0 ? -y0 : 0;
      const int32_t fy1 = p->filter_h < in_h - y0 ? p->filter_h : in_h - y0;
      for (ox = 0; ox < p->output.w; ox++) {
        const int32_t x0 = ox * p->stride_w - p->pad_w;
        const int32_t fx0 = x0 < 0 ? -x0 : 0;
        const int32_t fx1 = p->filter_w < in_w - x0 ? p->filter_w : in_w - x0;
        if (fy1 <= fy0 || fx1 <= fx0) return MURMUR_ERROR_ARGUMENT;
        for (c = 0; c < channels; c++) {
          const int8_t *window = image + (y0 + fy0) * row_stride + (x0 + fx0) * channels + c;
          int32_t v = pool(window, row_stride, fy1 - fy0, fx1 - fx0, channels);
          *output++ = (int8_t)(v < lo ? lo : v > hi ? hi : v);
        }
      }
    }
  }
  return MURMUR_OK;
}

/* x[0] + x[stride] + ... over count values, four per step (offsets in registers: one load and one add each). */
MURMUR_NOINLINE static int32_t murmur_strided_sum(const int8_t *x, uint32_t count, uint32_t stride) {
  const uint32_t stride2 = 2u * stride, stride3 = 3u * stride, stride4 = 4u * stride;
  int32_t sum = 0;
  for (; count >= 4u; count -= 4u, x += stride4) sum += x[0] + x[stride] + x[stride2] + x[stride3];
  for (; count > 0u; count--, x += stride) sum += *x;
  return sum;
}

/* A window that covers the whole input (global average pooling, the usual last layer): one strided sum per channel. */
static int murmur_global_mean(MURMUR_ROM murmur_pool2d_params *p, const int8_t *input, int8_t *output) {
  const int32_t channels = p->input.c, count = (int32_t)p->input.h * p->input.w;
  int32_t c;
  if (p->input.n != 1 || p->output.h != 1 || p->output.w != 1 || p->filter_h != p->input.h ||
      p->filter_w != p->input.w || p->pad_h != 0 || p->pad_w != 0)
    return 0;
  for (c = 0; c < channels; c++) {
    const int32_t sum = murmur_strided_sum(input + c, (uint32_t)count, (uint32_t)channels);
    const int32_t v = sum > 0 ? (sum + count / 2) / count : (sum - count / 2) / count;
    output[c] = (int8_t)(v < p->activation_min ? p->activation_min : v > p->activation_max ? p->activation_max : v);
  }
  return 1;
}

murmur_status murmur_avgpool2d_s8(MURMUR_ROM murmur_pool2d_params *params, const int8_t *input, int8_t *output) {
  if (murmur_global_mean(params, input, output)) return MURMUR_OK;
  return murmur_pool2d(params, input, output, murmur_window_mean);
}

/* out[c] = max(out[c], in[c]) for n channels: on the DSP path four at a time (SSUB8 sets a GE flag per byte, SEL picks). */
static void murmur_max_into(int8_t *out, const int8_t *in, uint32_t n) {
#if MURMUR_NN_DSP
  for (; n >= 4u; n -= 4u, out += 4, in += 4) {
    const uint32_t a = murmur_read_u32(out), b = murmur_read_u32(in);
    uint32_t larger;
    __asm__("ssub8 %0, %1, %2\n\tsel %0, %1, %2" : "=&r"(larger) : "r"(a), "r"(b) : "cc");
    memcpy(out, &larger, sizeof larger);
  }
#endif
  for (; n > 0u; n--, out++, in++)
    if (*in > *out) *out = *in;
}

/* Every channel of one output pixel: the window's first pixel, then the larger of it and each other one. */
static void murmur_window_max_pixel(const int8_t *window, uint32_t row_stride, uint32_t rows, uint32_t cols,
                                    uint32_t channels, int8_t *output) {
  uint32_t y, x;
  memcpy(output, window, channels);
  for (y = 0; y < rows; y++, window += row_stride)
    for (x = y == 0 ? 1u : 0u; x < cols; x++) murmur_max_into(output, window + x * channels, channels);
}

murmur_status murmur_maxpool2d_s8(MURMUR_ROM murmur_pool2d_params *params, const int8_t *input, int8_t *output) {
  const murmur_pool2d_params p = *params;
  const int32_t in_h = p.input.h, in_w = p.input.w, channels = p.input.c;
  const uint32_t row_stride = (uint32_t)in_w * (uint32_t)channels;
  const int clamps = p.activation_min > -128 || p.activation_max < 127;
  int32_t b, oy, ox, c;
  if (p.input.n != p.output.n || p.output.c != channels) return MURMUR_ERROR_ARGUMENT;
  for (b = 0; b < p.input.n; b++) {
    const int8_t *image = input + (uint32_t)b * (uint32_t)in_h * row_stride;
    for (oy = 0; oy < p.output.h; oy++) {
      const int32_t y0 = oy * p.stride_h - p.pad_h;
      const int32_t fy0 = y0 < 0 ? -y0 : 0;
      const int32_t fy1 = p.filter_h < in_h - y0 ? p.filter_h : in_h - y0;
      for (ox = 0; ox < p.output.w; ox++, output += channels) {
        const int32_t x0 = ox * p.stride_w - p.pad_w;
        const int32_t fx0 = x0 < 0 ? -x0 : 0;
        const int32_t fx1 = p.filter_w < in_w - x0 ? p.filter_w : in_w - x0;
        if (fy1 <= fy0 || fx1 <= fx0) return MURMUR_ERROR_ARGUMENT;
        murmur_window_max_pixel(image + (uint32_t)(y0 + fy0) * row_stride + (uint32_t)(x0 + fx0) * (uint32_t)channels,
                                row_stride, (uint32_t)(fy1 - fy0), (uint32_t)(fx1 - fx0), (uint32_t)channels, output);
        if (clamps)
          for (c = 0; c < channels; c++)
            output[c] = (int8_t)(output[c] < p.activation_min ? p.activation_min
                                 : output[c] > p.activation_max ? p.activation_max
                                                                 : output[c]);
      }
    }
  }
  return MURMUR_OK;
}

/* Every output element's sum over the reduced axes, rescaled (TFLite Micro's QuantizedMeanOrSum). */
murmur_status murmur_mean_s8(MURMUR_ROM murmur_mean_params *params, const int8_t *input, int8_t *output) {
  const murmur_mean_params p = *params;
  const uint32_t h = p.input.h, w = p.input.w, c = p.input.c;
  const uint32_t rows = p.reduce_h ? h : 1u, cols = p.reduce_w ? w : 1u;
  const int32_t count = (int32_t)(rows * cols);
  uint32_t b, y, x, k;
  if (count == 0) return MURMUR_ERROR_ARGUMENT;
  for (b = 0; b < p.input.n; b++) {
    const int8_t *image = input + (uint32_t)b * h * w * c;
    for (y = 0; y < (p.reduce_h ? 1u : h); y++)
      for (x = 0; x < (p.reduce_w ? 1u : w); x++)
        for (k = 0; k < c; k++) {
          const int8_t *first = image + (y * w + x) * c + k;
          int32_t sum = 0, v;
          uint32_t i, j;
          for (i = 0; i < rows; i++)
            for (j = 0; j < cols; j++) sum += first[(i * w + j) * c];
          v = murmur_multiply_by_quantized_multiplier((int32_t)((uint32_t)sum - (uint32_t)(p.input_zero_point * count)),
                                                      p.multiplier, p.shift) +
              p.output_zero_point;
          *output++ = (int8_t)(v < -128 ? -128 : v > 127 ? 127 : v);
        }
  }
  return MURMUR_OK;
}
