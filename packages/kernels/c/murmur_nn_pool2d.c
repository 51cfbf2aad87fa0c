/* 2D average and max pooling (TFLite AveragePool / MaxPool, int8), as src/graph/ops/avgpool2d.ts and
 * maxpool2d.ts: windows clipped to the input. */
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

typedef int32_t (*murmur_pool_fn)(const int8_t *window, int32_t row_stride, int32_t rows, int32_t cols,
                                  int32_t channels);

static int32_t murmur_window_mean(const int8_t *window, int32_t row_stride, int32_t rows, int32_t cols,
                                  int32_t channels) {
  int32_t sum = 0, count = rows * cols, y, x;
  for (y = 0; y < rows; y++)
    for (x = 0; x < cols; x++) sum += window[y * row_stride + x * channels];
  return sum > 0 ? (sum + count / 2) / count : (sum - count / 2) / count;
}

static int32_t murmur_window_max(const int8_t *window, int32_t row_stride, int32_t rows, int32_t cols,
                                 int32_t channels) {
  int32_t best = -128, y, x;
  for (y = 0; y < rows; y++)
    for (x = 0; x < cols; x++)
      if (window[y * row_stride + x * channels] > best) best = window[y * row_stride + x * channels];
  return best;
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

/* A window that covers the whole input (global average pooling, the usual last layer): one strided sum per channel. */
static int murmur_global_mean(MURMUR_ROM murmur_pool2d_params *p, const int8_t *input, int8_t *output) {
  const int32_t channels = p->input.c, count = (int32_t)p->input.h * p->input.w;
  int32_t i, c;
  if (p->input.n != 1 || p->output.h != 1 || p->output.w != 1 || p->filter_h != p->input.h ||
      p->filter_w != p->input.w || p->pad_h != 0 || p->pad_w != 0)
    return 0;
  for (c = 0; c < channels; c++) {
    const int8_t *x = input + c;
    int32_t sum = 0, v;
    for (i = 0; i < count; i++, x += channels) sum += *x;
    v = sum > 0 ? (sum + count / 2) / count : (sum - count / 2) / count;
    output[c] = (int8_t)(v < p->activation_min ? p->activation_min : v > p->activation_max ? p->activation_max : v);
  }
  return 1;
}

murmur_status murmur_avgpool2d_s8(MURMUR_ROM murmur_pool2d_params *params, const int8_t *input, int8_t *output) {
  if (murmur_global_mean(params, input, output)) return MURMUR_OK;
  return murmur_pool2d(params, input, output, murmur_window_mean);
}

murmur_status murmur_maxpool2d_s8(MURMUR_ROM murmur_pool2d_params *params, const int8_t *input, int8_t *output) {
  return murmur_pool2d(params, input, output, murmur_window_max);
}
