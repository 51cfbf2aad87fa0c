/*
 * Murmur sensor check: the C twin of packages/dsp/src/sensor-check.ts. Per channel it keeps the length of
 * the current run of equal values and the samples since the last non-finite sample, the last clipped sample
 * and the last sample of a stuck run; a window is faulty when one of its samples is not finite or reaches
 * the range, or when a run of stuck_samples equal samples ends in it or goes on through it. C99, no heap;
 * the caller owns the state.
 */
#ifndef MURMUR_SENSOR_H
#define MURMUR_SENSOR_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Bits of a window's sensor fault (0: the window is sound). */
#define MURMUR_SENSOR_NON_FINITE 1u
#define MURMUR_SENSOR_CLIPPED 2u
#define MURMUR_SENSOR_STUCK 4u

typedef struct {
  float last;
  uint32_t run;
  uint32_t since_non_finite;
  uint32_t since_clipped;
  uint32_t since_stuck;
} murmur_sensor_channel_t;

/* Clears the state of n channels (no fault seen yet). */
void murmur_sensor_init(murmur_sensor_channel_t *state, size_t channels);

/* Adds n interleaved frames of `channels` samples each; [lo, hi] is the sensor's range. */
void murmur_sensor_push(murmur_sensor_channel_t *state, size_t channels, const float *frames, size_t n, float lo,
                        float hi, uint32_t stuck_samples);

/* The fault bits of the window made of the last `window` frames. */
uint8_t murmur_sensor_fault(const murmur_sensor_channel_t *state, size_t channels, uint32_t window);

/* y[i] = x[i] clamped to [lo, hi]; NaN becomes the value in the range nearest 0. y may equal x. */
void murmur_sensor_clean(const float *x, float *y, size_t n, float lo, float hi);

#ifdef __cplusplus
}
#endif

#endif /* MURMUR_SENSOR_H */
