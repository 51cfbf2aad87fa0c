/*
 * The op drivers shared by every weight format: build the input patch (x - input zero point as int16,
 * zero outside the input) and hand it to the format's row kernel.
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

void murmur_patch_reorder(int16_t *patch, uint16_t size) {
  for (uint16_t i = 0; i + 4 <= size; i += 4) {
    int16_t t = patch[i + 1];
    patch[i + 1] = patch[i + 2];
    patch[i + 2] = t;
  }
}

/* Scratch of `elements` int16 values: the byte count, or 0 when it does not fit the 16-bit size. */
uint16_t murmur_patch_bytes(uint32_t elements) {
  return elements == 0 || elements > 0x7FFFu ? 0 : (uint16_t)(2u * elements);
}

/*
 * patch[i] = src[i] + offset for n values; with `reordered`, in the SXTB16 order (each whole block of four as
 * x0, x2, x1, x3), four values per step on the DSP path.
 */
void murmur_patch_fill(int16_t *patch, const int8_t *src, uint32_t n, int16_t offset, uint8_t reordered) {
#if MURMUR_NN_DSP
  if (reordered) {
    const int16x2_t offsets = (int16x2_t)(((uint32_t)(uint16_t)offset << 16) | (uint16_t)offset);
    for (uint32_t blocks = n >> 2; blocks > 0; blocks--, src += 4, patch += 4) {
      const uint32_t x = murmur_read_u32(src);
      const int16x2_t even = __sadd16(__sxtb16(x), offsets);
      const int16x2_t odd = __sadd16(murmur_sxtb16_ror8(x), offsets);
      memcpy(patch, &even, sizeof even);
      memcpy(patch + 2, &odd, sizeof odd);
    }
    n &= 3u;
  }
#else
  (void)reordered;
#endif
  for (uint32_t i = 0; i < n; i++) patch[i] = (int16_t)(src[i] + offset);
}

int16_t *murmur_patch_of(const murmur_context *ctx, uint16_t bytes) {
  if (ctx == 0 || ctx->buf == 0 || bytes == 0 || ctx->size < bytes) return 0;
  return (int16_t *)ctx->buf;
}

uint16_t murmur_fully_connected_get_buffer_size(MURMUR_ROM murmur_fc_params *params) {
  return murmur_patch_bytes(params->input_size);
}

murmur_status murmur_fully_connected_any(const murmur_context *ctx, MURMUR_ROM murmur_fc_params *params,
                                         MURMUR_ROM murmur_quant_params *quant, const int8_t *input,
                                         MURMUR_ROM void *filter, const murmur_format *format, int8_t *output) {
  const uint16_t cols = params->input_size;
  if (cols == 0 || params->output_size == 0) return MURMUR_ERROR_ARGUMENT;
  int16_t *patch = murmur_patch_of(ctx, murmur_fully_connected_get_buffer_size(params));
  if (patch == 0) return MURMUR_ERROR_BUFFER;
  murmur_patch_fill(patch, input, cols, quant->input_offset, format->reordered);
  format->rows(filter, 0, params->output_size, cols, patch, quant, output);
  return MURMUR_OK;
}

static murmur_status murmur_conv1d_check(const murmur_conv1d_params *p) {
  if (p->input_steps == 0 || p->input_channels == 0 || p->output_steps == 0 || p->output_channels == 0 ||
      p->kernel_size == 0 || p->stride == 0) {
    return MURMUR_ERROR_ARGUMENT;
  }
  return MURMUR_OK;
}

uint16_t murmur_conv1d_get_buffer_size(MURMUR_ROM murmur_conv1d_params *params) {
  return murmur_patch_bytes((uint32_t)params->kernel_size * params->input_channels);
}

murmur_status murmur_conv1d_any(const murmur_context *ctx, MURMUR_ROM murmur_conv1d_params *params,
                                MURMUR_ROM murmur_quant_params *quant, const int8_t *input, MURMUR_ROM void *filter,
                                const murmur_format *format, int8_t *output) {
  const murmur_conv1d_params p = *params;
  if (murmur_conv1d_check(&p) != MURMUR_OK) return MURMUR_ERROR_ARGUMENT;
  int16_t *patch = murmur_patch_of(ctx, murmur_conv1d_get_buffer_size(params));
  if (patch == 0) return MURMUR_ERROR_BUFFER;
  const uint16_t steps = p.input_steps;
  const uint16_t channels = p.input_channels;
  const uint16_t kernel = p.kernel_size;
  const uint16_t filters = p.output_channels;
  const uint16_t cols = (uint16_t)(kernel * channels);
  const int16_t offset = quant->input_offset;
  for (uint16_t t = 0; t < p.output_steps; t++) {
    int32_t step = (int32_t)t * p.stride - p.pad_left;
    if (step >= 0 && step + kernel <= steps) {
      /* The kernel's input steps are one contiguous run of the input. */
      murmur_patch_fill(patch, input + (uint32_t)step * channels, cols, offset, format->reordered);
    } else {
      int16_t *dst = patch;
      for (uint16_t k = 0; k < kernel; k++, step++, dst += channels) {
        if (step >= 0 && step < steps) {
          murmur_patch_fill(dst, input + (uint32_t)step * channels, channels, offset, 0);
        } else {
          for (uint16_t c = 0; c < channels; c++) dst[c] = 0;
        }
      }
      if (format->reordered) murmur_patch_reorder(patch, cols);
    }
    format->rows(filter, 0, filters, cols, patch, quant, output + (uint32_t)t * filters);
  }
  return MURMUR_OK;
}

uint16_t murmur_depthwise_conv1d_get_buffer_size(MURMUR_ROM murmur_conv1d_params *params) {
  return murmur_patch_bytes(params->kernel_size);
}

murmur_status murmur_depthwise_conv1d_any(const murmur_context *ctx, MURMUR_ROM murmur_conv1d_params *params,
                                          MURMUR_ROM murmur_quant_params *quant, const int8_t *input,
                                          MURMUR_ROM void *filter, const murmur_format *format, int8_t *output) {
  const murmur_conv1d_params p = *params;
  if (murmur_conv1d_check(&p) != MURMUR_OK || p.output_channels != p.input_channels) return MURMUR_ERROR_ARGUMENT;
  int16_t *patch = murmur_patch_of(ctx, murmur_depthwise_conv1d_get_buffer_size(params));
  if (patch == 0) return MURMUR_ERROR_BUFFER;
  const uint16_t steps = p.input_steps;
  const uint16_t channels = p.input_channels;
  const uint16_t kernel = p.kernel_size;
  const int16_t offset = quant->input_offset;
  for (uint16_t t = 0; t < p.output_steps; t++) {
    const int32_t first = (int32_t)t * p.stride - p.pad_left;
    for (uint16_t c = 0; c < channels; c++) {
      int32_t step = first;
      for (uint16_t k = 0; k < kernel; k++, step++) {
        patch[k] = step >= 0 && step < steps ? (int16_t)(input[(uint32_t)step * channels + c] + offset) : 0;
      }
      if (format->reordered) murmur_patch_reorder(patch, kernel);
      format->rows(filter, c, 1, kernel, patch, quant, output + (uint32_t)t * channels + c);
    }
  }
  return MURMUR_OK;
}
