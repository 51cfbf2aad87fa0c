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

#include <string.h>

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

/* The taps of one output pixel inside the input (depth multiplier 1, no dilation across columns). */
typedef struct {
  /** Rows of taps inside the input, at least 1. */
  uint32_t rows;
  /** Offset of a row's last tap inside the input from its first: (taps - 1) * channels. */
  uint32_t last;
  /** Channels: the bytes between two taps of a row in the input and in the filter. */
  uint32_t channels;
  /** Bytes from one row of taps to the next in the input and in the filter. */
  uint32_t x_row;
  uint32_t w_row;
} murmur_depthwise_taps;

#if MURMUR_NN_DSP
/*
 * Four channels of one output pixel: per tap one word of input and one of weights, SXTAB16 adding the input
 * offset to the channel pairs (c, c + 2) and (c + 1, c + 3) as it unpacks them, SMLABB / SMLATT adding each
 * channel's product to its own accumulator: 13 instructions per tap (the weight word is loaded twice, which
 * leaves the registers the loop needs). One index walks a row of taps in input and filter alike, from its
 * last tap down to 0.
 */
MURMUR_ALWAYS_INLINE void murmur_depthwise4_dsp(const int8_t *x, MURMUR_ROM int8_t *w, const murmur_depthwise_taps *t,
                                                int16x2_t offsets, int32_t acc[4]) {
  int32_t a0 = 0, a1 = 0, a2 = 0, a3 = 0;
  uint32_t rows;
  for (rows = t->rows; rows > 0; rows--, x += t->x_row, w += t->w_row) {
    int32_t i = (int32_t)t->last;
    uint32_t xv, wv, xo;
    __asm__ volatile(
        "1:\n\t"
        "ldr %[xv], [%[x], %[i]]\n\t"
        "sxtab16 %[xo], %[off], %[xv], ror #8\n\t"
        "sxtab16 %[xv], %[off], %[xv]\n\t"
        "ldr %[wv], [%[w], %[i]]\n\t"
        "sxtb16 %[wv], %[wv]\n\t"
        "smlabb %[a0], %[xv], %[wv], %[a0]\n\t"
        "smlatt %[a2], %[xv], %[wv], %[a2]\n\t"
        "ldr %[wv], [%[w], %[i]]\n\t"
        "sxtb16 %[wv], %[wv], ror #8\n\t"
        "smlabb %[a1], %[xo], %[wv], %[a1]\n\t"
        "smlatt %[a3], %[xo], %[wv], %[a3]\n\t"
        "subs %[i], %[i], %[step]\n\t"
        "bpl 1b\n\t"
        : [a0] "+r"(a0), [a1] "+r"(a1), [a2] "+r"(a2), [a3] "+r"(a3), [i] "+r"(i), [xv] "=&r"(xv), [wv] "=&r"(wv),
          [xo] "=&r"(xo)
        : [x] "r"(x), [w] "r"(w), [step] "r"(t->channels), [off] "r"(offsets)
        : "cc", "memory");
  }
  acc[0] = a0;
  acc[1] = a1;
  acc[2] = a2;
  acc[3] = a3;
}
#endif

#if !MURMUR_NN_DSP && defined(__ARM_ARCH_6M__) && defined(__GNUC__)
/*
 * Cortex-M0/M0+ (depth multiplier 1, no dilation across columns): one channel of one output pixel over `rows`
 * rows of taps, in Thumb-1 assembly. Input and filter taps of a row are `step` bytes apart in both (the
 * channel count), so one index walks both rows, from `last` down to 0: per tap two LDRSB at the register
 * index, the input offset, MULS and an ADD into an accumulator in a high register (seven instructions per
 * multiply-accumulate, no counter but the index).
 */
MURMUR_ALWAYS_INLINE int32_t murmur_depthwise_taps_m0(const int8_t *x, MURMUR_ROM int8_t *w, uint32_t rows,
                                                      uint32_t last, uint32_t step, uint32_t x_row, uint32_t w_row,
                                                      int32_t offset) {
  register int32_t acc __asm__("r8") = 0;
  register uint32_t rows_left __asm__("r9") = rows;
  register uint32_t x_next __asm__("r10") = x_row;
  register uint32_t w_next __asm__("r11") = w_row;
  uint32_t i;
  int32_t xv, wv;
  __asm__ volatile(
      /* GCC hands inline assembly over in divided syntax; these lines are unified (it restores its own after). */
      ".syntax unified\n"
      "1:\n\t"
      "mov %[i], %[last]\n"
      "2:\n\t"
      "ldrsb %[xv], [%[x], %[i]]\n\t"
      "ldrsb %[wv], [%[w], %[i]]\n\t"
      "adds %[xv], %[xv], %[off]\n\t"
      "muls %[wv], %[xv], %[wv]\n\t"
      "add %[acc], %[wv]\n\t"
      "subs %[i], %[i], %[step]\n\t"
      "bge 2b\n\t"
      "add %[x], %[x_next]\n\t"
      "add %[w], %[w_next]\n\t"
      "mov %[xv], %[rows_left]\n\t"
      "subs %[xv], #1\n\t"
      "mov %[rows_left], %[xv]\n\t"
      "bne 1b\n\t"
      : [acc] "+r"(acc), [rows_left] "+r"(rows_left), [x] "+l"(x), [w] "+l"(w), [i] "=&l"(i), [xv] "=&l"(xv),
        [wv] "=&l"(wv)
      : [last] "r"(last), [step] "l"(step), [off] "l"(offset), [x_next] "r"(x_next), [w_next] "r"(w_next)
      : "cc", "memory");
  return acc;
}
#endif

#if !MURMUR_NN_DSP && defined(__ARM_ARCH_6M__) && defined(__GNUC__)
/* Every channel of one output pixel, requantized. Not inlined: on its own it keeps the pointers in registers. */
__attribute__((noinline)) static void murmur_depthwise_pixel_m0(const int8_t *x, MURMUR_ROM int8_t *w,
                                                                const murmur_depthwise_taps *taps,
                                                                MURMUR_ROM murmur_quant_params *quant,
                                                                murmur_output_range range, int8_t *output) {
  const murmur_depthwise_taps t = *taps;
  const int32_t offset = quant->input_offset;
  MURMUR_ROM int32_t *bias = quant->bias;
  MURMUR_ROM int32_t *multiplier = quant->multiplier;
  MURMUR_ROM int8_t *shift = quant->shift;
  int8_t *const end = output + t.channels;
  for (; output < end; x++, w++) {
    const int32_t acc = murmur_depthwise_taps_m0(x, w, t.rows, t.last, t.channels, t.x_row, t.w_row, offset);
    *output++ = murmur_output_clamp(
        murmur_requantize_scaled((int32_t)((uint32_t)acc + (uint32_t)*bias++), *multiplier++, *shift++), range);
  }
}
#endif

#if MURMUR_NN_DSP
/*
 * The channels of one output pixel in groups of four, requantized; returns how many it computed (the rest, up
 * to three, go the plain way). Not inlined: on its own it keeps the accumulators and pointers in registers.
 */
__attribute__((noinline)) static int32_t murmur_depthwise_pixel_dsp(const int8_t *x, MURMUR_ROM int8_t *w,
                                                                    const murmur_depthwise_taps *taps,
                                                                    MURMUR_ROM murmur_quant_params *quant,
                                                                    murmur_output_range range, int8_t *output) {
  const murmur_depthwise_taps t = *taps;
  const uint16_t offset = (uint16_t)quant->input_offset;
  const int16x2_t offsets = (int16x2_t)(((uint32_t)offset << 16) | offset);
  const int32_t groups_end = (int32_t)(t.channels & ~3u);
  int32_t c, k;
  for (c = 0; c < groups_end; c += 4) {
    int32_t acc[4];
    murmur_depthwise4_dsp(x + c, w + c, &t, offsets, acc);
    for (k = 0; k < 4; k++) output[c + k] = murmur_requantize_in(acc[k], quant, c + k, range);
  }
  return groups_end;
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

/* Depthwise convolution with its parameters in RAM (the public kernels copy them from where they live). */
static murmur_status murmur_depthwise_run(const murmur_conv2d_params *params, MURMUR_ROM murmur_quant_params *quant,
                                          const int8_t *input, MURMUR_ROM int8_t *filter, int8_t *output) {
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
#if MURMUR_NN_DSP || (defined(__ARM_ARCH_6M__) && defined(__GNUC__))
          if (m == 1 && p.dilation_w == 1 && fy1 > fy0 && fx1 > fx0) {
            const murmur_depthwise_taps taps = {(uint32_t)(fy1 - fy0), (uint32_t)(fx1 - fx0 - 1) * (uint32_t)in_c,
                                                (uint32_t)in_c, x_row, w_row};
#if MURMUR_NN_DSP
            ic = murmur_depthwise_pixel_dsp(x, w, &taps, quant, range, output);
#else
            murmur_depthwise_pixel_m0(x, w, &taps, quant, range, output);
            ic = in_c;
#endif
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

murmur_status murmur_depthwise_conv2d_s8(MURMUR_ROM murmur_conv2d_params *params,
                                         MURMUR_ROM murmur_quant_params *quant, const int8_t *input,
                                         MURMUR_ROM int8_t *filter, int8_t *output) {
  const murmur_conv2d_params p = *params;
  return murmur_depthwise_run(&p, quant, input, filter, output);
}

/* Whether a depthwise convolution can write its output over its input with murmur_depthwise_conv2d_s8_in_place. */
static int murmur_depthwise_in_place_fits(const murmur_conv2d_params *p) {
  return p->stride_h == 1 && p->stride_w == 1 && p->dilation_h == 1 && p->depth_multiplier == 1 &&
         p->input.n == p->output.n && p->input.h == p->output.h && p->input.w == p->output.w &&
         p->input.c == p->output.c && p->pad_h < p->filter_h && p->input.h > 0;
}

uint16_t murmur_depthwise_conv2d_in_place_get_buffer_size(MURMUR_ROM murmur_conv2d_params *params) {
  const uint32_t bytes = (uint32_t)params->filter_h * params->input.w * params->input.c;
  return bytes > 0xFFFFu ? 0 : (uint16_t)bytes;
}

/*
 * Output row y reads input rows y - pad_h .. y - pad_h + filter_h - 1 and is written over input row y. The
 * scratch holds the window's input rows inside the image, [first, last), as they were: the rows above y are
 * already output there, and the rows below come from the tensor, which still holds them (filter_h > pad_h).
 * Each output row runs the depthwise kernel on the scratch as an image of last - first rows, its missing top
 * rows as padding.
 */
murmur_status murmur_depthwise_conv2d_s8_in_place(const murmur_context *ctx, MURMUR_ROM murmur_conv2d_params *params,
                                                  MURMUR_ROM murmur_quant_params *quant, int8_t *data,
                                                  MURMUR_ROM int8_t *filter) {
  const murmur_conv2d_params p = *params;
  const uint32_t row_bytes = (uint32_t)p.input.w * p.input.c;
  const int32_t in_h = p.input.h;
  const uint16_t bytes = murmur_depthwise_conv2d_in_place_get_buffer_size(params);
  int8_t *window = ctx != 0 && ctx->buf != 0 && bytes != 0 && ctx->size >= bytes ? (int8_t *)ctx->buf : 0;
  murmur_conv2d_params row = p;
  int32_t b, y;
  if (!murmur_depthwise_in_place_fits(&p)) return MURMUR_ERROR_ARGUMENT;
  if (window == 0) return MURMUR_ERROR_BUFFER;
  row.input.n = row.output.n = 1;
  row.output.h = 1;
  for (b = 0; b < p.input.n; b++) {
    int8_t *image = data + (uint32_t)b * (uint32_t)in_h * row_bytes;
    int32_t first = 0, last = 0;
    for (y = 0; y < in_h; y++) {
      const int32_t top = y - p.pad_h, bottom = top + p.filter_h;
      const int32_t want_first = top > 0 ? top : 0, want_last = bottom < in_h ? bottom : in_h;
      murmur_status status;
      if (want_first > first) {
        memmove(window, window + (uint32_t)(want_first - first) * row_bytes, (uint32_t)(last - want_first) * row_bytes);
        first = want_first;
      }
      if (want_last > last) {
        memcpy(window + (uint32_t)(last - first) * row_bytes, image + (uint32_t)last * row_bytes,
               (uint32_t)(want_last - last) * row_bytes);
        last = want_last;
      }
      row.input.h = (uint16_t)(last - first);
      row.pad_h = (uint8_t)(first - top);
      status = murmur_depthwise_run(&row, quant, window, filter, image + (uint32_t)y * row_bytes);
      if (status != MURMUR_OK) return status;
    }
  }
  return MURMUR_OK;
}
