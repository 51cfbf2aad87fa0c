/*
 * murmur_payload: the runtime every generated payload encoder calls (murmur_<schema>.c holds only its
 * schema's tables and calls). Bit packing MSB-first, quantisation of physical values to raw codes exactly as
 * the TypeScript encoder does (packages/payload/src/plan.ts), and the CBOR items of the compact and SenML
 * forms. C99, no heap, no recursion.
 */
#ifndef MURMUR_PAYLOAD_H
#define MURMUR_PAYLOAD_H

#include <float.h>
#include <stddef.h>
#include <stdint.h>

/* Writes the low `width` bits of `value` MSB-first at bit `pos` of zeroed `out`. */
void murmur_payload_put_bits(uint8_t *out, uint32_t pos, uint32_t value, uint32_t width);

/* Unsigned value to raw code: 0 when above max and not saturating, else 1 with *raw set. */
int murmur_payload_quantize_uint(uint32_t v, uint32_t max, int saturate, uint32_t *raw);
/* Signed value to its two's complement code of `bits` bits: 0 when out of range and not saturating. */
int murmur_payload_quantize_int(int32_t v, uint32_t bits, int saturate, uint32_t *raw);
/* Rounds q half up to a raw code in 0..max: 0 when q is NaN, or out of range and not saturating. */
int murmur_payload_quantize_q(float q, uint32_t max, int saturate, uint32_t *raw);

/* Writes a CBOR head (major type, argument) at out[n]; returns the new length. */
size_t murmur_payload_cbor_head(uint8_t *out, size_t n, uint32_t major, uint32_t arg);
/* Writes the signed value of a two's complement code of `bits` bits as a CBOR integer. */
size_t murmur_payload_cbor_signed(uint8_t *out, size_t n, uint32_t raw, uint32_t bits);
/* Writes a CBOR boolean. */
size_t murmur_payload_cbor_bool(uint8_t *out, size_t n, uint32_t raw);

#if DBL_MANT_DIG >= 53
/* Writes a CBOR text string of `len` bytes. */
size_t murmur_payload_cbor_text(uint8_t *out, size_t n, const char *text, uint32_t len);
/* Writes a number as cbor-x does: an integer when integral and within 32 bits, else a float64 (IEEE double). */
size_t murmur_payload_cbor_number(uint8_t *out, size_t n, double v);
#endif

#endif /* MURMUR_PAYLOAD_H */
