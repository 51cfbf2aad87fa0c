/* The public dense and convolution kernels: one per op and weight format, all on the shared drivers. */
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

#define MURMUR_FC(name, filter_type, format)                                                                       \
  murmur_status name(const murmur_context *ctx, MURMUR_ROM murmur_fc_params *params,                               \
                     MURMUR_ROM murmur_quant_params *quant, const int8_t *input, filter_type filter,               \
                     int8_t *output) {                                                                             \
    return murmur_fully_connected_any(ctx, params, quant, input, filter, &(format), output);                       \
  }
#define MURMUR_CONV(name, driver, filter_type, format)                                                             \
  murmur_status name(const murmur_context *ctx, MURMUR_ROM murmur_conv1d_params *params,                           \
                     MURMUR_ROM murmur_quant_params *quant, const int8_t *input, filter_type filter,               \
                     int8_t *output) {                                                                             \
    return driver(ctx, params, quant, input, filter, &(format), output);                                           \
  }

MURMUR_FC(murmur_fully_connected_s8, MURMUR_ROM int8_t *, murmur_format_s8)
MURMUR_FC(murmur_fully_connected_s4, MURMUR_ROM uint8_t *, murmur_format_s4)
MURMUR_FC(murmur_fully_connected_sparse_s8, MURMUR_ROM murmur_sparse_filter *, murmur_format_sparse_s8)
MURMUR_FC(murmur_fully_connected_clustered_s8, MURMUR_ROM murmur_clustered_filter *, murmur_format_clustered_s8)
MURMUR_FC(murmur_fully_connected_binary_s8, MURMUR_ROM uint8_t *, murmur_format_binary_s8)

MURMUR_CONV(murmur_conv1d_s8, murmur_conv1d_any, MURMUR_ROM int8_t *, murmur_format_s8)
MURMUR_CONV(murmur_conv1d_s4, murmur_conv1d_any, MURMUR_ROM uint8_t *, murmur_format_s4)
MURMUR_CONV(murmur_conv1d_sparse_s8, murmur_conv1d_any, MURMUR_ROM murmur_sparse_filter *, murmur_format_sparse_s8)
MURMUR_CONV(murmur_conv1d_clustered_s8, murmur_conv1d_any, MURMUR_ROM murmur_clustered_filter *,
            murmur_format_clustered_s8)
MURMUR_CONV(murmur_conv1d_binary_s8, murmur_conv1d_any, MURMUR_ROM uint8_t *, murmur_format_binary_s8)

#if MURMUR_NN_DSP
murmur_status murmur_fully_connected_s8_interleaved(const murmur_context *ctx, MURMUR_ROM murmur_fc_params *params,
                                                    MURMUR_ROM murmur_quant_params *quant, const int8_t *input,
                                                    MURMUR_ROM int8_t *filter, int8_t *output) {
  if (((uintptr_t)filter & 3u) != 0) return MURMUR_ERROR_ARGUMENT;
  return murmur_fully_connected_any(ctx, params, quant, input, filter, &murmur_format_s8_interleaved, output);
}

murmur_status murmur_conv1d_s8_interleaved(const murmur_context *ctx, MURMUR_ROM murmur_conv1d_params *params,
                                           MURMUR_ROM murmur_quant_params *quant, const int8_t *input,
                                           MURMUR_ROM int8_t *filter, int8_t *output) {
  if (((uintptr_t)filter & 3u) != 0) return MURMUR_ERROR_ARGUMENT;
  return murmur_conv1d_any(ctx, params, quant, input, filter, &murmur_format_s8_interleaved, output);
}
#endif

MURMUR_CONV(murmur_depthwise_conv1d_s8, murmur_depthwise_conv1d_any, MURMUR_ROM int8_t *, murmur_format_s8)
MURMUR_CONV(murmur_depthwise_conv1d_s4, murmur_depthwise_conv1d_any, MURMUR_ROM uint8_t *, murmur_format_s4)
MURMUR_CONV(murmur_depthwise_conv1d_sparse_s8, murmur_depthwise_conv1d_any, MURMUR_ROM murmur_sparse_filter *,
            murmur_format_sparse_s8)
MURMUR_CONV(murmur_depthwise_conv1d_clustered_s8, murmur_depthwise_conv1d_any, MURMUR_ROM murmur_clustered_filter *,
            murmur_format_clustered_s8)
MURMUR_CONV(murmur_depthwise_conv1d_binary_s8, murmur_depthwise_conv1d_any, MURMUR_ROM uint8_t *,
            murmur_format_binary_s8)
