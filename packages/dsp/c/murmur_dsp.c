/*
 * Murmur DSP runtime kernels (see murmur_dsp.h). The TypeScript reference of each kernel is in
 * packages/dsp/src/kernels.ts; keep the two in step, operation by operation.
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
#include "murmur_dsp.h"

#include <float.h>
#include <math.h>
#include <string.h>

static void murmur_reverse_f32(float *x, uint32_t lo, uint32_t hi) {
  while (lo + 1 < hi) {
    float t = x[lo];
    x[lo] = x[hi - 1];
    x[hi - 1] = t;
    lo++;
    hi--;
  }
}

void murmur_rotate_f32(float *x, uint32_t n, uint32_t k) {
  if (k == 0 || k >= n) return;
  murmur_reverse_f32(x, 0, k);
  murmur_reverse_f32(x, k, n);
  murmur_reverse_f32(x, 0, n);
}

float murmur_ln_f32(float x) {
  uint32_t bits;
  int32_t e;
  float m, t, t2, p;
  if (!(x >= FLT_MIN)) return -87.33654475f;
  if (x > FLT_MAX) return x;
  memcpy(&bits, &x, sizeof bits);
  e = (int32_t)((bits >> 23) & 0xffu) - 127;
  bits = (bits & 0x7fffffu) | 0x3f800000u;
  memcpy(&m, &bits, sizeof m);
  if (m > 1.41421356237f) {
    m = m * 0.5f;
    e += 1;
  }
  t = (m - 1.0f) / (m + 1.0f);
  t2 = t * t;
  p = 2.0f / 9.0f;
  p = p * t2 + 2.0f / 7.0f;
  p = p * t2 + 2.0f / 5.0f;
  p = p * t2 + 2.0f / 3.0f;
  p = p * t2 + 2.0f;
  return (float)e * 0.693147180560f + t * p;
}

void murmur_multiply_f32(const float *x, MURMUR_ROM float *w, float *y, uint32_t n) {
  uint32_t i;
  for (i = 0; i < n; i++) y[i] = x[i] * w[i];
}

float murmur_mean_f32(const float *x, uint32_t n) {
  float sum = 0.0f;
  uint32_t i;
  for (i = 0; i < n; i++) sum = sum + x[i];
  return sum / (float)n;
}

void murmur_demean_f32(const float *x, float *y, uint32_t n) {
  float mean = murmur_mean_f32(x, n);
  uint32_t i;
  for (i = 0; i < n; i++) y[i] = x[i] - mean;
}

void murmur_detrend_f32(const float *x, float *y, uint32_t n) {
  float mean = murmur_mean_f32(x, n);
  float centre = (float)(n - 1u) * 0.5f;
  float stx = 0.0f, stt = 0.0f, slope;
  uint32_t i;
  for (i = 0; i < n; i++) {
    float t = (float)i - centre;
    stx = stx + t * (x[i] - mean);
    stt = stt + t * t;
  }
  slope = stt > 0.0f ? stx / stt : 0.0f;
  for (i = 0; i < n; i++) y[i] = (x[i] - mean) - slope * ((float)i - centre);
}

void murmur_biquad_f32(const float *x, float *y, uint32_t n, MURMUR_ROM float *coeffs, uint32_t sections) {
  uint32_t s, i;
  if (y != x) memcpy(y, x, n * sizeof *y);
  for (s = 0; s < sections; s++) {
    float b0 = coeffs[5 * s], b1 = coeffs[5 * s + 1], b2 = coeffs[5 * s + 2];
    float a1 = coeffs[5 * s + 3], a2 = coeffs[5 * s + 4];
    float z1 = 0.0f, z2 = 0.0f;
    for (i = 0; i < n; i++) {
      float v = y[i];
      float out = b0 * v + z1;
      z1 = (b1 * v - a1 * out) + z2;
      z2 = b2 * v - a2 * out;
      y[i] = out;
    }
  }
}

void murmur_decimate_f32(const float *x, float *y, uint32_t n_out, uint32_t factor) {
  uint32_t i;
  for (i = 0; i < n_out; i++) y[i] = x[i * factor];
}

void murmur_rectify_f32(const float *x, float *y, uint32_t n) {
  uint32_t i;
  for (i = 0; i < n; i++) y[i] = fabsf(x[i]);
}

void murmur_zero_pad_f32(const float *x, uint32_t n_in, float *y, uint32_t n_out) {
  uint32_t i;
  for (i = 0; i < n_out; i++) y[i] = i < n_in ? x[i] : 0.0f;
}

void murmur_magnitude3_f32(const float *x, const float *y, const float *z, float *m, uint32_t n) {
  uint32_t i;
  for (i = 0; i < n; i++) m[i] = sqrtf((x[i] * x[i] + y[i] * y[i]) + z[i] * z[i]);
}

void murmur_power_spectrum_f32(const float *x, float *p, uint32_t n, MURMUR_ROM float *cos_table,
                               MURMUR_ROM float *sin_table, float *work) {
  uint32_t m = n >> 1, bits_m = 0, k, size;
  while ((1u << bits_m) < m) bits_m++;
  for (k = 0; k < m; k++) {
    uint32_t r = 0, b;
    for (b = 0; b < bits_m; b++) r |= ((k >> b) & 1u) << (bits_m - 1u - b);
    work[2 * r] = x[2 * k];
    work[2 * r + 1] = x[2 * k + 1];
  }
  for (size = 2; size <= m; size <<= 1) {
    uint32_t half = size >> 1, stride = n / size, start, j;
    for (start = 0; start < m; start += size) {
      for (j = 0; j < half; j++) {
        float c = cos_table[j * stride], s = sin_table[j * stride];
        uint32_t a = 2 * (start + j), b = 2 * (start + j + half);
        float br = work[b], bi = work[b + 1];
        float tr = c * br + s * bi;
        float ti = c * bi - s * br;
        float ar = work[a], ai = work[a + 1];
        work[b] = ar - tr;
        work[b + 1] = ai - ti;
        work[a] = ar + tr;
        work[a + 1] = ai + ti;
      }
    }
  }
  for (k = 0; k <= m; k++) {
    uint32_t ka = k == m ? 0 : k, kb = k == 0 ? 0 : m - k;
    float zr = work[2 * ka], zi = work[2 * ka + 1], yr = work[2 * kb], yi = work[2 * kb + 1];
    float er = (zr + yr) * 0.5f, ei = (zi - yi) * 0.5f;
    float or_ = (zi + yi) * 0.5f, oi = (yr - zr) * 0.5f;
    float c = k == m ? -1.0f : cos_table[k], s = k == m ? 0.0f : sin_table[k];
    float xr = (er + c * or_) + s * oi;
    float xi = (ei + c * oi) - s * or_;
    p[k] = xr * xr + xi * xi;
  }
}

void murmur_stats_f32(const float *x, uint32_t n, float out[MURMUR_STAT_COUNT]) {
  float sum = 0.0f, sumsq = 0.0f, lo = x[0], hi = x[0], mean, m2 = 0.0f, m3 = 0.0f, m4 = 0.0f, prev_d = 0.0f;
  float variance, std, rms, peak;
  uint32_t i, zc = 0, mc = 0;
  for (i = 0; i < n; i++) {
    float v = x[i];
    sum = sum + v;
    sumsq = sumsq + v * v;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  mean = sum / (float)n;
  for (i = 0; i < n; i++) {
    float d = x[i] - mean, d2 = d * d;
    m2 = m2 + d2;
    m3 = m3 + d2 * d;
    m4 = m4 + d2 * d2;
    if (i > 0) {
      if ((x[i - 1] < 0.0f) != (x[i] < 0.0f)) zc++;
      if ((prev_d < 0.0f) != (d < 0.0f)) mc++;
    }
    prev_d = d;
  }
  variance = m2 / (float)n;
  std = sqrtf(variance);
  rms = sqrtf(sumsq / (float)n);
  peak = fabsf(lo) > fabsf(hi) ? fabsf(lo) : fabsf(hi);
  out[MURMUR_STAT_MEAN] = mean;
  out[MURMUR_STAT_STD] = std;
  out[MURMUR_STAT_RMS] = rms;
  out[MURMUR_STAT_MIN] = lo;
  out[MURMUR_STAT_MAX] = hi;
  out[MURMUR_STAT_P2P] = hi - lo;
  out[MURMUR_STAT_PEAK] = peak;
  out[MURMUR_STAT_SKEWNESS] = variance > 0.0f ? (m3 / (float)n) / (variance * std) : 0.0f;
  out[MURMUR_STAT_KURTOSIS] = variance > 0.0f ? (m4 / (float)n) / (variance * variance) : 0.0f;
  out[MURMUR_STAT_CREST] = rms > 0.0f ? peak / rms : 0.0f;
  out[MURMUR_STAT_ZCR] = n > 1 ? (float)zc / (float)(n - 1u) : 0.0f;
  out[MURMUR_STAT_MCR] = n > 1 ? (float)mc / (float)(n - 1u) : 0.0f;
}

float murmur_correlation_f32(const float *a, const float *b, uint32_t n) {
  float ma = murmur_mean_f32(a, n), mb = murmur_mean_f32(b, n), sab = 0.0f, saa = 0.0f, sbb = 0.0f, den;
  uint32_t i;
  for (i = 0; i < n; i++) {
    float da = a[i] - ma, db = b[i] - mb;
    sab = sab + da * db;
    saa = saa + da * da;
    sbb = sbb + db * db;
  }
  den = sqrtf(saa) * sqrtf(sbb);
  return den > 0.0f ? sab / den : 0.0f;
}

float murmur_sma_f32(const float *x, const float *y, const float *z, uint32_t n) {
  float sum = 0.0f;
  uint32_t i;
  for (i = 0; i < n; i++) sum = sum + ((fabsf(x[i]) + fabsf(y[i])) + fabsf(z[i]));
  return sum / (float)n;
}

void murmur_band_energy_f32(const float *p, MURMUR_ROM uint16_t *bins, uint32_t bands, uint32_t total_lo,
                            uint32_t total_hi, int relative, int log, float *out) {
  float sum_all = 0.0f;
  uint32_t b, k;
  if (relative)
    for (k = total_lo; k < total_hi; k++) sum_all = sum_all + p[k];
  for (b = 0; b < bands; b++) {
    float e = 0.0f;
    for (k = bins[2 * b]; k < bins[2 * b + 1]; k++) e = e + p[k];
    if (relative) e = sum_all > 0.0f ? e / sum_all : 0.0f;
    out[b] = log ? murmur_ln_f32(e) : e;
  }
}

void murmur_spectral_shape_f32(const float *p, uint32_t lo, uint32_t hi, float bin_hz, float first_bin, float out[3]) {
  float sum = 0.0f, weighted = 0.0f, log_sum = 0.0f, count = (float)(hi - lo);
  uint32_t k, best = lo;
  for (k = lo; k < hi; k++) {
    sum = sum + p[k];
    weighted = weighted + (((float)k + first_bin) * bin_hz) * p[k];
    log_sum = log_sum + murmur_ln_f32(p[k]);
    if (p[k] > p[best]) best = k;
  }
  out[0] = sum > 0.0f ? weighted / sum : 0.0f;
  out[1] = ((float)best + first_bin) * bin_hz;
  out[2] = sum > 0.0f ? log_sum / count - murmur_ln_f32(sum / count) : 0.0f;
}

void murmur_defect_energy_f32(const float *p, MURMUR_ROM uint16_t *ranges, uint32_t orders, uint32_t harmonics,
                              uint32_t ref_lo, uint32_t ref_hi, float *out) {
  float ref_sum = 0.0f, ref_mean;
  uint32_t o, h, k;
  for (k = ref_lo; k < ref_hi; k++) ref_sum = ref_sum + p[k];
  ref_mean = ref_sum / (float)(ref_hi - ref_lo);
  for (o = 0; o < orders; o++) {
    float e = 0.0f;
    for (h = 0; h < harmonics; h++) {
      uint32_t r = 2 * (o * harmonics + h);
      float top = 0.0f;
      for (k = ranges[r]; k < ranges[r + 1]; k++)
        if (p[k] > top) top = p[k];
      e = e + top;
    }
    out[o] = ref_mean > 0.0f ? murmur_ln_f32(e / ref_mean) : 0.0f;
  }
}

void murmur_defect_prominence_f32(const float *p, MURMUR_ROM uint16_t *ranges, uint32_t orders, uint32_t harmonics,
                                  float *out) {
  uint32_t o, h, k;
  for (o = 0; o < orders; o++) {
    float acc = 0.0f;
    for (h = 0; h < harmonics; h++) {
      uint32_t r = 4 * (o * harmonics + h);
      uint32_t nlo = ranges[r], lo = ranges[r + 1], hi = ranges[r + 2], nhi = ranges[r + 3];
      float top = 0.0f, side = 0.0f, level;
      for (k = lo; k < hi; k++)
        if (p[k] > top) top = p[k];
      for (k = nlo; k < lo; k++) side = side + p[k];
      for (k = hi; k < nhi; k++) side = side + p[k];
      level = side / (float)(lo - nlo + (nhi - hi));
      if (top > 0.0f && level > 0.0f) acc = acc + murmur_ln_f32(top / level);
    }
    out[o] = acc / (float)harmonics;
  }
}

void murmur_autocorr_period_f32(const float *x, uint32_t n, uint32_t min_lag, uint32_t max_lag, float rate_hz,
                                float *work, float out[2]) {
  float r0 = 0.0f;
  uint32_t i, lag;
  for (i = 0; i < n; i++) r0 = r0 + x[i] * x[i];
  work[0] = r0;
  for (lag = min_lag; lag <= max_lag; lag++) {
    float r = 0.0f;
    for (i = 0; i + lag < n; i++) r = r + x[i] * x[i + lag];
    work[1u + lag - min_lag] = r;
  }
  murmur_autocorr_finish_f32(work, min_lag, max_lag, rate_hz, out);
}

void murmur_beats_f32(const float *pf, const float *x, uint32_t n, float threshold_k, uint32_t refractory,
                      uint32_t capacity, uint32_t interpolate, float *beats) {
  float mean = murmur_mean_f32(pf, n), ss = 0.0f, threshold;
  uint32_t i, j, count = 0;
  for (i = 0; i < n; i++) {
    float d = pf[i] - mean;
    ss = ss + d * d;
  }
  threshold = threshold_k * sqrtf(ss / (float)n) + mean;
  for (i = 1; i + 1 < n; i++) {
    float v = pf[i];
    if (!(v > threshold && v > pf[i - 1] && v >= pf[i + 1])) continue;
    if (count > 0 && i - (uint32_t)beats[count] < refractory) {
      if (v > pf[(uint32_t)beats[count]]) beats[count] = (float)i;
    } else if (count < capacity) {
      beats[1 + count] = (float)i;
      count++;
    }
  }
  beats[0] = (float)count;
  for (j = 0; j < count; j++) {
    uint32_t at = (uint32_t)beats[1 + j];
    uint32_t from = j > 0 ? (uint32_t)beats[j] : (at > 2 * refractory ? at - 2 * refractory : 0);
    float low = pf[at];
    for (i = from; i < at; i++)
      if (pf[i] < low) low = pf[i];
    beats[1 + capacity + j] = x[at];
    beats[1 + 2 * capacity + j] = pf[at] - low;
  }
  for (j = count; j < capacity; j++) {
    beats[1 + j] = 0.0f;
    beats[1 + capacity + j] = 0.0f;
    beats[1 + 2 * capacity + j] = 0.0f;
  }
  if (interpolate) {
    for (j = 0; j < count; j++) {
      uint32_t at = (uint32_t)beats[1 + j];
      float a = pf[at - 1], b = pf[at], c = pf[at + 1];
      float den = (a - 2.0f * b) + c, delta = 0.0f;
      if (den < 0.0f) delta = (0.5f * (a - c)) / den;
      if (delta > 0.5f) delta = 0.5f;
      if (delta < -0.5f) delta = -0.5f;
      beats[1 + j] = (float)at + delta;
    }
  }
}

static float murmur_beat_value(const float *beats, uint32_t capacity, uint32_t kind, uint32_t j) {
  if (kind == 2) return j == 0 ? beats[2] - beats[1] : beats[1 + j] - beats[j];
  return beats[1 + (kind == 0 ? capacity : 2 * capacity) + j];
}

void murmur_resp_series_f32(const float *beats, uint32_t capacity, uint32_t kind, float step, float *y, uint32_t n) {
  uint32_t count = (uint32_t)beats[0], b = 0, j;
  if (count < (kind == 2 ? 2u : 1u)) {
    for (j = 0; j < n; j++) y[j] = 0.0f;
    return;
  }
  for (j = 0; j < n; j++) {
    float tj = (float)j * step;
    while (b + 1 < count && beats[2 + b] <= tj) b++;
    if (tj <= beats[1]) {
      y[j] = murmur_beat_value(beats, capacity, kind, 0);
    } else if (b + 1 >= count) {
      y[j] = murmur_beat_value(beats, capacity, kind, count - 1);
    } else {
      float u = (tj - beats[1 + b]) / (beats[2 + b] - beats[1 + b]);
      float v0 = murmur_beat_value(beats, capacity, kind, b);
      y[j] = v0 + u * (murmur_beat_value(beats, capacity, kind, b + 1) - v0);
    }
  }
}

void murmur_sort_f32(float *x, uint32_t n) {
  uint32_t i;
  for (i = 1; i < n; i++) {
    float v = x[i];
    uint32_t j = i;
    while (j > 0 && x[j - 1] > v) {
      x[j] = x[j - 1];
      j--;
    }
    x[j] = v;
  }
}

void murmur_heart_rate_f32(const float *beats, float rate_hz, float *work, float out[2]) {
  uint32_t count = (uint32_t)beats[0], j, n;
  float median;
  out[1] = beats[0];
  if (count < 2) {
    out[0] = 0.0f;
    return;
  }
  for (j = 1; j < count; j++) work[j - 1] = beats[1 + j] - beats[j];
  n = count - 1;
  murmur_sort_f32(work, n);
  median = n % 2 == 1 ? work[(n - 1) >> 1] : (work[(n >> 1) - 1] + work[n >> 1]) * 0.5f;
  out[0] = (60.0f * rate_hz) / median;
}

void murmur_peak_frequency_f32(const float *p, uint32_t n, uint32_t lo, uint32_t hi, float bin_hz, float first_bin,
                               float scale, uint32_t local_max, float out[2]) {
  uint32_t k, best = lo;
  int found = 0;
  float sum = 0.0f, delta = 0.0f;
  for (k = lo; k <= hi; k++) {
    sum = sum + p[k];
    if (local_max) {
      int peak = (k == 0 || p[k] > p[k - 1]) && (k + 1 >= n || p[k] >= p[k + 1]);
      if (peak && (!found || p[k] > p[best])) {
        best = k;
        found = 1;
      }
    } else if (p[k] > p[best]) {
      best = k;
    }
  }
  if (local_max && !found) {
    for (k = lo; k <= hi; k++)
      if (p[k] > p[best]) best = k;
    sum = 0.0f;
  }
  if (best > lo && best < hi) {
    float a = p[best - 1], b = p[best], c = p[best + 1];
    float den = (a - 2.0f * b) + c;
    if (den < 0.0f) delta = (0.5f * (a - c)) / den;
    if (delta > 0.5f) delta = 0.5f;
    if (delta < -0.5f) delta = -0.5f;
  }
  out[0] = ((((float)best + first_bin) + delta) * bin_hz) * scale;
  out[1] = sum > 0.0f ? p[best] / sum : 0.0f;
}

void murmur_fuse_f32(const float *estimates, uint32_t k, float out[2]) {
  uint32_t i;
  float lo = estimates[0], hi = estimates[0], agreement;
  for (i = 1; i < k; i++) {
    if (estimates[2 * i] < lo) lo = estimates[2 * i];
    if (estimates[2 * i] > hi) hi = estimates[2 * i];
  }
  agreement = lo > 0.0f ? 1.0f - (hi - lo) / (hi + lo) : 0.0f;
  out[0] = estimates[0];
  out[1] = estimates[1] * agreement;
}

void murmur_mix_spectra_f32(const float *const *xs, const float *w, uint32_t k, uint32_t n, uint32_t lo, uint32_t hi,
                            float wsum, float *y) {
  float c[MURMUR_MIX_SPECTRA_MAX];
  uint32_t i, j;
  for (i = 0; i < k; i++) {
    float s = 0.0f;
    for (j = lo; j <= hi; j++) s = s + xs[i][j];
    c[i] = s > 0.0f ? w[i] / (s * wsum) : 0.0f;
  }
  for (j = 0; j < n; j++) {
    float acc = c[0] * xs[0][j];
    for (i = 1; i < k; i++) acc = acc + c[i] * xs[i][j];
    y[j] = acc;
  }
}

void murmur_moments_update_f32(float *s, float x) {
  float n = s[0] + 1.0f, delta;
  if (s[0] == 0.0f) {
    s[3] = x;
    s[4] = x;
  }
  delta = x - s[1];
  s[1] = s[1] + delta / n;
  s[2] = s[2] + delta * (x - s[1]);
  if (x < s[3]) s[3] = x;
  if (x > s[4]) s[4] = x;
  s[0] = n;
}

void murmur_moments_finish_f32(const float *s, float out[5]) {
  float above = s[4] - s[1], below = s[1] - s[3];
  out[0] = s[1];
  out[1] = s[0] > 0.0f ? sqrtf(s[2] / s[0]) : 0.0f;
  out[2] = s[3];
  out[3] = s[4];
  out[4] = above > below ? above : below;
}

void murmur_moments4_update_f32(float *s, float x) {
  float n1 = s[0], n = n1 + 1.0f, m2 = s[2], m3 = s[5], delta, dn, dn2, term, poly;
  if (n1 == 0.0f) {
    s[3] = x;
    s[4] = x;
  }
  delta = x - s[1];
  dn = delta / n;
  dn2 = dn * dn;
  term = (delta * dn) * n1;
  poly = (n * n - 3.0f * n) + 3.0f;
  s[1] = s[1] + dn;
  s[6] = ((s[6] + (term * dn2) * poly) + (6.0f * dn2) * m2) - (4.0f * dn) * m3;
  s[5] = (m3 + (term * dn) * (n - 2.0f)) - (3.0f * dn) * m2;
  s[2] = m2 + term;
  if (x < s[3]) s[3] = x;
  if (x > s[4]) s[4] = x;
  s[0] = n;
}

void murmur_moments4_finish_f32(const float *s, float out[2]) {
  float n = s[0], m2 = s[2];
  if (!(m2 > 0.0f)) {
    out[0] = 0.0f;
    out[1] = 0.0f;
    return;
  }
  out[0] = (sqrtf(n) * s[5]) / (m2 * sqrtf(m2));
  out[1] = (n * s[6]) / (m2 * m2);
}

float murmur_biquad_step_f32(float *s, MURMUR_ROM float *coeffs, uint32_t sections, float x) {
  uint32_t k;
  float v = x;
  for (k = 0; k < sections; k++) {
    MURMUR_ROM float *c = coeffs + 5u * k;
    float *z = s + 2u * k;
    float out = c[0] * v + z[0];
    z[0] = (c[1] * v - c[3] * out) + z[1];
    z[1] = c[2] * v - c[4] * out;
    v = out;
  }
  return v;
}

void murmur_filter_bank_update_f32(float *s, MURMUR_ROM float *coeffs, uint32_t bands, float x) {
  uint32_t b;
  for (b = 0; b < bands; b++) {
    float y = murmur_biquad_step_f32(s + bands + 2u * MURMUR_FILTER_BANK_SECTIONS * b,
                                     coeffs + 5u * MURMUR_FILTER_BANK_SECTIONS * b, MURMUR_FILTER_BANK_SECTIONS, x);
    s[b] = s[b] + y * y;
  }
}

float murmur_difference_update_f32(float *s, float x) {
  float d = s[0] != 0.0f ? x - s[1] : 0.0f;
  s[0] = 1.0f;
  s[1] = x;
  return d;
}

void murmur_autocorr_update_f32(float *s, uint32_t pos, uint32_t min_lag, uint32_t max_lag, float x) {
  float *ring = s + 2u + max_lag - min_lag;
  const uint32_t w = pos % max_lag;
  uint32_t lag;
  s[0] = s[0] + x * x;
  for (lag = min_lag; lag <= max_lag && lag <= pos; lag++) {
    const uint32_t j = w >= lag ? w - lag : w + max_lag - lag;
    s[1u + lag - min_lag] = s[1u + lag - min_lag] + ring[j] * x;
  }
  ring[w] = x;
}

void murmur_autocorr_finish_f32(const float *s, uint32_t min_lag, uint32_t max_lag, float rate_hz, float out[2]) {
  float best = -INFINITY;
  uint32_t lag, best_lag = min_lag;
  for (lag = min_lag; lag <= max_lag; lag++) {
    if (s[1u + lag - min_lag] > best) {
      best = s[1u + lag - min_lag];
      best_lag = lag;
    }
  }
  out[0] = (float)best_lag / rate_hz;
  out[1] = s[0] > 0.0f ? best / s[0] : 0.0f;
}

void murmur_comoment_update_f32(float *s, float a, float b) {
  float n = s[0] + 1.0f, da = a - s[1], db = b - s[2];
  s[1] = s[1] + da / n;
  s[2] = s[2] + db / n;
  s[3] = s[3] + da * (a - s[1]);
  s[4] = s[4] + db * (b - s[2]);
  s[5] = s[5] + da * (b - s[2]);
  s[0] = n;
}

float murmur_comoment_finish_f32(const float *s) {
  float den = sqrtf(s[3]) * sqrtf(s[4]);
  return den > 0.0f ? s[5] / den : 0.0f;
}

void murmur_goertzel_update_f32(float *s, MURMUR_ROM float *coeff, uint32_t bins, float x) {
  uint32_t k;
  for (k = 0; k < bins; k++) {
    float s1 = s[2 * k];
    float s0 = (x + coeff[k] * s1) - s[2 * k + 1];
    s[2 * k + 1] = s1;
    s[2 * k] = s0;
  }
}

/* |X|^2 of one resonator: s1^2 + s2^2 - c s1 s2, clamped at 0. */
static float goertzel_power(float s1, float s2, float c) {
  float v = (s1 * s1 + s2 * s2) - (c * s1) * s2;
  return v > 0.0f ? v : 0.0f;
}

void murmur_goertzel_finish_f32(const float *s, MURMUR_ROM float *coeff, uint32_t bins, float *p) {
  uint32_t k;
  for (k = 0; k < bins; k++) p[k] = goertzel_power(s[2 * k], s[2 * k + 1], coeff[k]);
}

void murmur_goertzel_segment_f32(float *s, MURMUR_ROM float *coeff, uint32_t bins) {
  uint32_t k;
  float *sums = s + 2 * bins;
  for (k = 0; k < bins; k++) {
    sums[k] += goertzel_power(s[2 * k], s[2 * k + 1], coeff[k]);
    s[2 * k] = 0.0f;
    s[2 * k + 1] = 0.0f;
  }
}
