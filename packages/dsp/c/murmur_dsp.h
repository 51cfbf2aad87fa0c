/*
 * Murmur DSP runtime: the op kernels that generated feature graphs call.
 *
 * Every kernel is the C twin of a function in packages/dsp/src/kernels.ts and performs the same
 * float operations in the same order, so that both give bit-identical results when compiled with
 * -ffp-contract=off. C99, no heap, no recursion; buffers and tables are provided by the caller.
 * Lengths are in elements. Output buffers never alias input buffers, except that the element-wise
 * kernels (multiply, demean, detrend, biquad, decimate, rectify, magnitude3) may write over their
 * first input (y == x), which the generated graphs use to save scratch.
 */
#ifndef MURMUR_DSP_H
#define MURMUR_DSP_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Constant tables live in flash: on AVR that needs the __flash address space. */
#if defined(__AVR__) && !defined(__cplusplus)
#define MURMUR_ROM const __flash
#else
#define MURMUR_ROM const
#endif

/* Rotates x[0..n) left by k (x[k] moves to x[0]) in place by three reversals: turns a full ring buffer
 * whose oldest sample is at k into a window in time order. Ring management only, no TS twin. */
void murmur_rotate_f32(float *x, uint32_t n, uint32_t k);

/* ln(x) by range reduction and an odd polynomial; zero/subnormal/negative input gives ln(FLT_MIN). */
float murmur_ln_f32(float x);

/* y[i] = x[i] * w[i] (window functions). */
void murmur_multiply_f32(const float *x, MURMUR_ROM float *w, float *y, uint32_t n);
/* Sequential sum / n. */
float murmur_mean_f32(const float *x, uint32_t n);
/* y = x - mean(x). */
void murmur_demean_f32(const float *x, float *y, uint32_t n);
/* y = x - least-squares line. */
void murmur_detrend_f32(const float *x, float *y, uint32_t n);
/* Biquad cascade (direct form II transposed, zero initial state); coeffs = [b0 b1 b2 a1 a2] per section. y may equal x. */
void murmur_biquad_f32(const float *x, float *y, uint32_t n, MURMUR_ROM float *coeffs, uint32_t sections);
/* y[i] = x[i * factor] for i < n_out. */
void murmur_decimate_f32(const float *x, float *y, uint32_t n_out, uint32_t factor);
/* y = |x|. */
void murmur_rectify_f32(const float *x, float *y, uint32_t n);
/* y = x (n_in samples) followed by zeros up to n_out. */
void murmur_zero_pad_f32(const float *x, uint32_t n_in, float *y, uint32_t n_out);
/* m = sqrt(x^2 + y^2 + z^2). */
void murmur_magnitude3_f32(const float *x, const float *y, const float *z, float *m, uint32_t n);
/* Power spectrum p[0..n/2] of n = 2^k real samples; cos/sin tables of n/2 entries; work of n floats. */
void murmur_power_spectrum_f32(const float *x, float *p, uint32_t n, MURMUR_ROM float *cos_table,
                               MURMUR_ROM float *sin_table, float *work);

/* Statistics in this order (zcr/mcr: crossings per sample). */
enum {
  MURMUR_STAT_MEAN, MURMUR_STAT_STD, MURMUR_STAT_RMS, MURMUR_STAT_MIN, MURMUR_STAT_MAX, MURMUR_STAT_P2P,
  MURMUR_STAT_PEAK, MURMUR_STAT_SKEWNESS, MURMUR_STAT_KURTOSIS, MURMUR_STAT_CREST, MURMUR_STAT_ZCR,
  MURMUR_STAT_MCR, MURMUR_STAT_COUNT
};
void murmur_stats_f32(const float *x, uint32_t n, float out[MURMUR_STAT_COUNT]);
/* Pearson correlation (0 if either input is constant). */
float murmur_correlation_f32(const float *a, const float *b, uint32_t n);
/* Signal magnitude area: mean of |x| + |y| + |z|. */
float murmur_sma_f32(const float *x, const float *y, const float *z, uint32_t n);
/* Sum of p[lo..hi) per band ([lo, hi) pairs in bins); relative: divided by the sum over [total_lo, total_hi); log: ln. */
void murmur_band_energy_f32(const float *p, MURMUR_ROM uint16_t *bins, uint32_t bands, uint32_t total_lo,
                            uint32_t total_hi, int relative, int log, float *out);
/* out = [centroid Hz, peak Hz, ln flatness] over p[lo..hi); p[k] is bin k + first_bin. */
void murmur_spectral_shape_f32(const float *p, uint32_t lo, uint32_t hi, float bin_hz, float first_bin, float out[3]);
/* Per order: ln(sum over harmonics of the max p in each [lo, hi) range / mean of p[ref_lo..ref_hi)). */
void murmur_defect_energy_f32(const float *p, MURMUR_ROM uint16_t *ranges, uint32_t orders, uint32_t harmonics,
                              uint32_t ref_lo, uint32_t ref_hi, float *out);
/* Per order: mean over harmonics of ln(max p in [lo, hi) / mean p over [nlo, lo) and [hi, nhi)); ranges holds
 * [nlo, lo, hi, nhi) per harmonic. */
void murmur_defect_prominence_f32(const float *p, MURMUR_ROM uint16_t *ranges, uint32_t orders, uint32_t harmonics,
                                  float *out);
/* out = [best lag / rate_hz, r[best] / r[0]] over lags [min_lag, max_lag], r[lag] = sum of x[i] * x[i + lag];
 * work holds 2 + max_lag - min_lag floats (the sums, laid out as murmur_autocorr_finish_f32 reads them). */
void murmur_autocorr_period_f32(const float *x, uint32_t n, uint32_t min_lag, uint32_t max_lag, float rate_hz,
                                float *work, float out[2]);
/* Pulse detection; beats = [count, index[capacity], intensity[capacity], amplitude[capacity]]. */
void murmur_beats_f32(const float *pf, const float *x, uint32_t n, float threshold_k, uint32_t refractory,
                      uint32_t capacity, uint32_t interpolate, float *beats);
/* Evenly resampled beat series (kind 0 intensity, 1 amplitude, 2 inter-beat interval) at t_j = j * step. */
void murmur_resp_series_f32(const float *beats, uint32_t capacity, uint32_t kind, float step, float *y, uint32_t n);
/* Insertion sort, ascending. */
void murmur_sort_f32(float *x, uint32_t n);
/* out = [rate per minute from the median inter-beat interval, beat count]; work of capacity floats. */
void murmur_heart_rate_f32(const float *beats, float rate_hz, float *work, float out[2]);
/* out = [peak frequency * scale, peak power / power in p[lo..hi]] with parabolic interpolation; with local_max the
 * largest local maximum of p[lo..hi] of the n bins (none: the largest bin, quality 0). */
void murmur_peak_frequency_f32(const float *p, uint32_t n, uint32_t lo, uint32_t hi, float bin_hz, float first_bin,
                               float scale, uint32_t local_max, float out[2]);
/* y = weighted mean of k (<= MURMUR_MIX_SPECTRA_MAX) spectra of n bins, each scaled to unit power in bins lo..hi. */
#define MURMUR_MIX_SPECTRA_MAX 8u
void murmur_mix_spectra_f32(const float *const *xs, const float *w, uint32_t k, uint32_t n, uint32_t lo, uint32_t hi,
                            float wsum, float *y);
/* Fuses k [value, quality] pairs: the first (primary) value, its quality times the agreement of all values. */
void murmur_fuse_f32(const float *estimates, uint32_t k, float out[2]);

/* Streaming ops: per-sample update, finish at the end of the window. State is a float array. */
/* Welford: state = [n, mean, m2, min, max]; out = [mean, std, min, max, peak (largest deviation from the mean)]. */
#define MURMUR_MOMENTS_STATE 5
void murmur_moments_update_f32(float *s, float x);
void murmur_moments_finish_f32(const float *s, float out[5]);
/* Up to the fourth moment: state = [n, mean, m2, min, max, m3, m4] (moments_finish reads it too);
 * out = [skewness, kurtosis]. */
#define MURMUR_MOMENTS4_STATE 7
void murmur_moments4_update_f32(float *s, float x);
void murmur_moments4_finish_f32(const float *s, float out[2]);
/* One sample through a biquad cascade (the per-sample form of murmur_biquad_f32); state = [z1, z2] per section. */
float murmur_biquad_step_f32(float *s, MURMUR_ROM float *coeffs, uint32_t sections, float x);
/* Filter-bank band energies: band b is MURMUR_FILTER_BANK_SECTIONS sections from coeffs + 5 * sections * b;
 * state = [energy per band (sum of output squared), then z1, z2 per section]. */
#define MURMUR_FILTER_BANK_SECTIONS 2u
void murmur_filter_bank_update_f32(float *s, MURMUR_ROM float *coeffs, uint32_t bands, float x);
/* First difference: x - previous sample, 0 for the window's first sample; state = [started, previous]. */
#define MURMUR_DIFFERENCE_STATE 2
float murmur_difference_update_f32(float *s, float x);
/* Running autocorrelation (the per-sample form of murmur_autocorr_period_f32, bit-equal): state = [r0,
 * r[min_lag..max_lag], the last max_lag samples], pos = the sample's index in its window. */
#define MURMUR_AUTOCORR_STATE(min_lag, max_lag) (2u + 2u * (max_lag) - (min_lag))
void murmur_autocorr_update_f32(float *s, uint32_t pos, uint32_t min_lag, uint32_t max_lag, float x);
void murmur_autocorr_finish_f32(const float *s, uint32_t min_lag, uint32_t max_lag, float rate_hz, float out[2]);
#define MURMUR_COMOMENT_STATE 6
void murmur_comoment_update_f32(float *s, float a, float b);
float murmur_comoment_finish_f32(const float *s);
/* 2 state floats per bin; coeff[k] = 2 cos(2 pi bin_k / N). */
void murmur_goertzel_update_f32(float *s, MURMUR_ROM float *coeff, uint32_t bins, float x);
void murmur_goertzel_finish_f32(const float *s, MURMUR_ROM float *coeff, uint32_t bins, float *p);
/* End of a segment shorter than the window: adds every bin's power to the sums that follow the
 * resonators (3 state floats per bin: s1, s2, then one sum per bin) and restarts the resonators. */
void murmur_goertzel_segment_f32(float *s, MURMUR_ROM float *coeff, uint32_t bins);

#ifdef __cplusplus
}
#endif

#endif /* MURMUR_DSP_H */
