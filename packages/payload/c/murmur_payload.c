/* murmur_payload: see murmur_payload.h. */
/* Float semantics: no fused multiply-add, whatever the compiler flags (the TS reference never fuses). */
#if defined(__clang__)
#pragma STDC FP_CONTRACT OFF
#pragma clang fp contract(off)
#elif defined(__GNUC__)
#pragma GCC optimize("fp-contract=off")
#else
#pragma STDC FP_CONTRACT OFF
#endif
#include "murmur_payload.h"

#include <string.h>

void murmur_payload_put_bits(uint8_t *out, uint32_t pos, uint32_t value, uint32_t width) {
  while (width > 0u) {
    uint32_t in_byte = pos & 7u;
    uint32_t put = 8u - in_byte < width ? 8u - in_byte : width;
    uint32_t chunk = (value >> (width - put)) & ((1u << put) - 1u);
    out[pos >> 3] = (uint8_t)(out[pos >> 3] | (chunk << (8u - in_byte - put)));
    pos += put;
    width -= put;
  }
}

int murmur_payload_quantize_uint(uint32_t v, uint32_t max, int saturate, uint32_t *raw) {
  if (v > max) {
    if (!saturate) return 0;
    v = max;
  }
  *raw = v;
  return 1;
}

int murmur_payload_quantize_int(int32_t v, uint32_t bits, int saturate, uint32_t *raw) {
  int32_t hi = (int32_t)(((uint32_t)1 << (bits - 1u)) - 1u);
  int32_t lo = -hi - 1;
  if (v < lo || v > hi) {
    if (!saturate) return 0;
    v = v < lo ? lo : hi;
  }
  *raw = bits == 32u ? (uint32_t)v : (uint32_t)v & (((uint32_t)1 << bits) - 1u);
  return 1;
}

int murmur_payload_quantize_q(float q, uint32_t max, int saturate, uint32_t *raw) {
  uint32_t whole;
  if (q != q) return 0;
  if (q < -0.5f || q >= (float)max + 0.5f) {
    if (!saturate) return 0;
    *raw = q < 0.0f ? 0u : max;
    return 1;
  }
  if (q < 0.0f) {
    *raw = 0u;
    return 1;
  }
  whole = (uint32_t)q;
  *raw = q - (float)whole >= 0.5f ? whole + 1u : whole;
  return 1;
}

size_t murmur_payload_cbor_head(uint8_t *out, size_t n, uint32_t major, uint32_t arg) {
  uint8_t mt = (uint8_t)(major << 5);
  if (arg < 24u) {
    out[n++] = (uint8_t)(mt | arg);
  } else if (arg <= 0xFFu) {
    out[n++] = (uint8_t)(mt | 24u);
    out[n++] = (uint8_t)arg;
  } else if (arg <= 0xFFFFu) {
    out[n++] = (uint8_t)(mt | 25u);
    out[n++] = (uint8_t)(arg >> 8);
    out[n++] = (uint8_t)arg;
  } else {
    out[n++] = (uint8_t)(mt | 26u);
    out[n++] = (uint8_t)(arg >> 24);
    out[n++] = (uint8_t)(arg >> 16);
    out[n++] = (uint8_t)(arg >> 8);
    out[n++] = (uint8_t)arg;
  }
  return n;
}

size_t murmur_payload_cbor_signed(uint8_t *out, size_t n, uint32_t raw, uint32_t bits) {
  uint32_t sign = (uint32_t)1 << (bits - 1u);
  if (raw < sign) return murmur_payload_cbor_head(out, n, 0u, raw);
  /* value = raw - 2^bits, CBOR major 1 carries -1 - value = (2^bits - 1) - raw */
  return murmur_payload_cbor_head(out, n, 1u, (bits == 32u ? 0xFFFFFFFFu : ((uint32_t)1 << bits) - 1u) - raw);
}

size_t murmur_payload_cbor_bool(uint8_t *out, size_t n, uint32_t raw) {
  out[n++] = raw ? 0xF5u : 0xF4u;
  return n;
}

#if DBL_MANT_DIG >= 53
size_t murmur_payload_cbor_text(uint8_t *out, size_t n, const char *text, uint32_t len) {
  uint32_t i;
  n = murmur_payload_cbor_head(out, n, 3u, len);
  for (i = 0; i < len; i++) out[n++] = (uint8_t)text[i];
  return n;
}

size_t murmur_payload_cbor_number(uint8_t *out, size_t n, double v) {
  uint64_t bits;
  int k;
  if (v >= 0.0 && v <= 4294967295.0 && v == (double)(uint32_t)v) return murmur_payload_cbor_head(out, n, 0u, (uint32_t)v);
  if (v < 0.0 && v >= -4294967296.0 && v == (double)(int64_t)v)
    return murmur_payload_cbor_head(out, n, 1u, (uint32_t)(-1 - (int64_t)v));
  memcpy(&bits, &v, sizeof bits);
  out[n++] = 0xFBu;
  for (k = 56; k >= 0; k -= 8) out[n++] = (uint8_t)(bits >> k);
  return n;
}
#endif
