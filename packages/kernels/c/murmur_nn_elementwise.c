/*
 * Weight-free kernels: pooling, relu, argmax, input quantization, PAD, int8 requantization (QUANTIZE) and a
 * model's float32 edges (QUANTIZE from float32, DEQUANTIZE to float32).
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
#include "murmur_nn.h"

#include <string.h>

static murmur_status murmur_pool_check(const murmur_pool1d_params *p) {
  if (p->channels == 0 || p->output_steps == 0 || p->pool_size == 0 || p->stride == 0) return MURMUR_ERROR_ARGUMENT;
  uint32_t last = (uint32_t)(p->output_steps - 1u) * p->stride + p->pool_size;
  return last > p->input_steps ? MURMUR_ERROR_ARGUMENT : MURMUR_OK;
}

murmur_status murmur_maxpool1d_s8(MURMUR_ROM murmur_pool1d_params *params, const int8_t *input, int8_t *output) {
  const murmur_pool1d_params p = *params;
  if (murmur_pool_check(&p) != MURMUR_OK) return MURMUR_ERROR_ARGUMENT;
  const uint16_t channels = p.channels;
  for (uint16_t t = 0; t < p.output_steps; t++) {
    const int8_t *window = input + (uint32_t)t * p.stride * channels;
    for (uint16_t c = 0; c < channels; c++) {
      int8_t m = -128;
      for (uint16_t k = 0; k < p.pool_size; k++) {
        int8_t v = window[(uint32_t)k * channels + c];
        if (v > m) m = v;
      }
      *output++ = m;
    }
  }
  return MURMUR_OK;
}

murmur_status murmur_avgpool1d_s8(MURMUR_ROM murmur_pool1d_params *params, const int8_t *input, int8_t *output) {
  const murmur_pool1d_params p = *params;
  if (murmur_pool_check(&p) != MURMUR_OK) return MURMUR_ERROR_ARGUMENT;
  const uint16_t channels = p.channels;
  const int32_t n = p.pool_size;
  const int32_t half = n / 2;
  for (uint16_t t = 0; t < p.output_steps; t++) {
    const int8_t *window = input + (uint32_t)t * p.stride * channels;
    for (uint16_t c = 0; c < channels; c++) {
      int32_t sum = 0;
      for (uint16_t k = 0; k < p.pool_size; k++) sum += window[(uint32_t)k * channels + c];
      int32_t mean = (sum > 0 ? sum + half : sum - half) / n;
      *output++ = (int8_t)(mean < -128 ? -128 : mean > 127 ? 127 : mean);
    }
  }
  return MURMUR_OK;
}

void murmur_relu_s8(const int8_t *input, uint16_t size, int8_t zero_point, int8_t *output) {
  for (uint16_t i = 0; i < size; i++) output[i] = input[i] < zero_point ? zero_point : input[i];
}

uint16_t murmur_argmax_s8(const int8_t *input, uint16_t size, uint8_t *margin) {
  uint16_t best = 0;
  for (uint16_t i = 1; i < size; i++) {
    if (input[i] > input[best]) best = i;
  }
  int16_t second = -129;
  for (uint16_t i = 0; i < size; i++) {
    if (i != best && input[i] > second) second = input[i];
  }
  if (margin) *margin = (uint8_t)(size > 1 ? input[best] - second : 255);
  return best;
}

void murmur_quantize_s8(const float *input, uint16_t size, float inverse_scale, int8_t zero_point, int8_t *output) {
  for (uint16_t i = 0; i < size; i++) {
    float p = input[i] * inverse_scale;
    int32_t q;
    if (p != p) {
      output[i] = 0;
      continue;
    }
    if (p >= 512.0f) {
      q = 512;
    } else if (p <= -512.0f) {
      q = -512;
    } else {
      q = (int32_t)p; /* toward zero; p - q is exact */
      float fraction = p - (float)q;
      if (fraction >= 0.5f) q++;
      if (fraction <= -0.5f) q--;
    }
    q += zero_point;
    output[i] = (int8_t)(q < -128 ? -128 : q > 127 ? 127 : q);
  }
}

/* As src/graph/ops/pad.ts: the whole output at the pad value, then each input pixel's channels in place. */
murmur_status murmur_pad_s8(MURMUR_ROM murmur_pad_params *params, const int8_t *input, int8_t *output) {
  const murmur_pad_params p = *params;
  const uint32_t out_size = (uint32_t)p.output.n * p.output.h * p.output.w * p.output.c;
  uint32_t b, y, x;
  if ((uint32_t)p.before.n + p.input.n > p.output.n || (uint32_t)p.before.h + p.input.h > p.output.h ||
      (uint32_t)p.before.w + p.input.w > p.output.w || (uint32_t)p.before.c + p.input.c > p.output.c)
    return MURMUR_ERROR_ARGUMENT;
  memset(output, (uint8_t)p.pad_value, out_size);
  for (b = 0; b < p.input.n; b++)
    for (y = 0; y < p.input.h; y++)
      for (x = 0; x < p.input.w; x++, input += p.input.c) {
        const uint32_t at = (((b + p.before.n) * p.output.h + y + p.before.h) * p.output.w + x + p.before.w) * p.output.c;
        memcpy(output + at + p.before.c, input, p.input.c);
      }
  return MURMUR_OK;
}

murmur_status murmur_requantize_s8(MURMUR_ROM murmur_requantize_params *params, const int8_t *input, int8_t *output) {
  const murmur_requantize_params p = *params;
  uint32_t i;
  for (i = 0; i < p.size; i++) {
    int32_t v = murmur_multiply_by_quantized_multiplier(input[i] - p.input_zero_point, p.multiplier, p.shift) +
                p.output_zero_point;
    output[i] = (int8_t)(v < -128 ? -128 : v > 127 ? 127 : v);
  }
  return MURMUR_OK;
}

/* As src/graph/ops/quantize.ts (quantizeFloat): the quotient in float, rounded half away from zero. */
murmur_status murmur_quantize_f32_s8(MURMUR_ROM murmur_affine_params *params, const float *input, int8_t *output) {
  const murmur_affine_params p = *params;
  uint32_t i;
  if (!(p.scale > 0.0f)) return MURMUR_ERROR_ARGUMENT;
  for (i = 0; i < p.size; i++) {
    const float v = input[i] / p.scale;
    int32_t q;
    if (v != v) {
      q = 0;
    } else if (v >= 512.0f) {
      q = 512;
    } else if (v <= -512.0f) {
      q = -512;
    } else {
      q = (int32_t)v; /* toward zero; v - q is exact */
      const float fraction = v - (float)q;
      if (fraction >= 0.5f) q++;
      if (fraction <= -0.5f) q--;
    }
    q += p.zero_point;
    output[i] = (int8_t)(q < -128 ? -128 : q > 127 ? 127 : q);
  }
  return MURMUR_OK;
}

/* As src/graph/ops/dequantize.ts: one float multiply per value. */
murmur_status murmur_dequantize_s8_f32(MURMUR_ROM murmur_affine_params *params, const int8_t *input, float *output) {
  const murmur_affine_params p = *params;
  uint32_t i;
  for (i = 0; i < p.size; i++) output[i] = p.scale * (float)((int32_t)input[i] - p.zero_point);
  return MURMUR_OK;
}
