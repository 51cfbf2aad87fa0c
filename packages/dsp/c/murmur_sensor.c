/* Murmur sensor check: see murmur_sensor.h and packages/dsp/src/sensor-check.ts. */
/* Float semantics: no fused multiply-add, whatever the compiler flags (the TS reference never fuses). */
#if defined(__clang__)
#pragma STDC FP_CONTRACT OFF
#pragma clang fp contract(off)
#elif defined(__GNUC__)
#pragma GCC optimize("fp-contract=off")
#else
#pragma STDC FP_CONTRACT OFF
#endif
#include "murmur_sensor.h"

#include <string.h>

static uint32_t one_more(uint32_t n) { return n < UINT32_MAX ? n + 1u : n; }

void murmur_sensor_init(murmur_sensor_channel_t *state, size_t channels) {
  size_t c;
  for (c = 0; c < channels; c++) {
    state[c].last = 0.0f;
    state[c].run = 0;
    state[c].since_non_finite = UINT32_MAX;
    state[c].since_clipped = UINT32_MAX;
    state[c].since_stuck = UINT32_MAX;
  }
}

/* Tests on the bits, so that they hold under -ffast-math too: an all-ones exponent is an infinity or NaN. */
static uint32_t bits_of(float x) {
  uint32_t b;
  memcpy(&b, &x, sizeof b);
  return b;
}

static int is_finite(float x) { return (bits_of(x) & 0x7f800000u) != 0x7f800000u; }

static int is_nan(float x) { return !is_finite(x) && (bits_of(x) & 0x007fffffu) != 0u; }

static void push_one(murmur_sensor_channel_t *s, float v, float lo, float hi, uint32_t stuck_samples) {
  s->since_non_finite = is_finite(v) ? one_more(s->since_non_finite) : 0u;
  s->since_clipped = (v <= lo || v >= hi) ? 0u : one_more(s->since_clipped);
  s->run = (s->run > 0u && v == s->last) ? one_more(s->run) : 1u;
  s->since_stuck = s->run >= stuck_samples ? 0u : one_more(s->since_stuck);
  s->last = v;
}

void murmur_sensor_push(murmur_sensor_channel_t *state, size_t channels, const float *frames, size_t n, float lo,
                        float hi, uint32_t stuck_samples) {
  size_t t;
  size_t c;
  for (t = 0; t < n; t++)
    for (c = 0; c < channels; c++) push_one(&state[c], frames[t * channels + c], lo, hi, stuck_samples);
}

uint8_t murmur_sensor_fault(const murmur_sensor_channel_t *state, size_t channels, uint32_t window) {
  uint8_t fault = 0;
  size_t c;
  for (c = 0; c < channels; c++) {
    if (state[c].since_non_finite < window) fault |= MURMUR_SENSOR_NON_FINITE;
    if (state[c].since_clipped < window) fault |= MURMUR_SENSOR_CLIPPED;
    if (state[c].since_stuck < window) fault |= MURMUR_SENSOR_STUCK;
  }
  return fault;
}

void murmur_sensor_clean(const float *x, float *y, size_t n, float lo, float hi) {
  float nan_value = lo > 0.0f ? lo : (hi < 0.0f ? hi : 0.0f);
  size_t i;
  for (i = 0; i < n; i++) {
    float v = x[i];
    y[i] = is_nan(v) ? nan_value : (v < lo ? lo : (v > hi ? hi : v));
  }
}
