/**
 * The TypeScript reference of every C kernel in packages/dsp/c/ (`murmur_<name>_f32`). Each function
 * performs the same float32 operations in the same order as its C twin, so both give identical bits.
 * Kernels never allocate tables: twiddles, windows and filter coefficients come from ./tables.
 */
import { f, ln32, sqrt32 } from './f32';

/** y[i] = x[i] · w[i] (window functions). */
export function multiplyF32(x: Float32Array, w: Float32Array, y: Float32Array): void {
  for (let i = 0; i < y.length; i++) y[i] = f(x[i] * w[i]);
}

/** Sequential float32 sum / n. */
export function meanF32(x: Float32Array, n = x.length): number {
  let sum = 0;
  for (let i = 0; i < n; i++) sum = f(sum + x[i]);
  return f(sum / n);
}

/** y = x − mean(x). */
export function demeanF32(x: Float32Array, y: Float32Array): void {
  const mean = meanF32(x);
  for (let i = 0; i < x.length; i++) y[i] = f(x[i] - mean);
}

/** y = x − (least-squares line through x). */
export function detrendF32(x: Float32Array, y: Float32Array): void {
  const n = x.length;
  const mean = meanF32(x);
  const centre = f(f(n - 1) * 0.5);
  let stx = 0;
  let stt = 0;
  for (let i = 0; i < n; i++) {
    const t = f(i - centre);
    stx = f(stx + f(t * f(x[i] - mean)));
    stt = f(stt + f(t * t));
  }
  const slope = stt > 0 ? f(stx / stt) : 0;
  for (let i = 0; i < n; i++) y[i] = f(f(x[i] - mean) - f(slope * f(i - centre)));
}

/** Biquad cascade, direct form II transposed, zero initial state. `coeffs` holds [b0 b1 b2 a1 a2] per section. */
export function biquadF32(x: Float32Array, y: Float32Array, coeffs: Float32Array): void {
  const sections = coeffs.length / 5;
  if (y !== x) y.set(x);
  for (let s = 0; s < sections; s++) {
    const b0 = coeffs[5 * s];
    const b1 = coeffs[5 * s + 1];
    const b2 = coeffs[5 * s + 2];
    const a1 = coeffs[5 * s + 3];
    const a2 = coeffs[5 * s + 4];
    let z1 = 0;
    let z2 = 0;
    for (let i = 0; i < y.length; i++) {
      const v = y[i];
      const out = f(f(b0 * v) + z1);
      z1 = f(f(f(b1 * v) - f(a1 * out)) + z2);
      z2 = f(f(b2 * v) - f(a2 * out));
      y[i] = out;
    }
  }
}

/** y[i] = x[i · factor]. */
export function decimateF32(x: Float32Array, y: Float32Array, factor: number): void {
  for (let i = 0; i < y.length; i++) y[i] = x[i * factor];
}

/** y = |x|. */
export function rectifyF32(x: Float32Array, y: Float32Array): void {
  for (let i = 0; i < y.length; i++) y[i] = Math.abs(x[i]);
}

/** y = x followed by zeros. */
export function zeroPadF32(x: Float32Array, y: Float32Array): void {
  y.fill(0);
  y.set(x.subarray(0, Math.min(x.length, y.length)));
}

/** m = sqrt(x² + y² + z²). */
export function magnitude3F32(x: Float32Array, y: Float32Array, z: Float32Array, m: Float32Array): void {
  for (let i = 0; i < m.length; i++) m[i] = sqrt32(f(f(f(x[i] * x[i]) + f(y[i] * y[i])) + f(z[i] * z[i])));
}

/**
 * Power spectrum of a real signal of n = 2^k points: p[k] = |X[k]|² for k = 0..n/2, through an n/2-point
 * complex radix-2 FFT of the even/odd-packed input and the real-split step. `cos`/`sin` hold
 * cos(2πk/n), sin(2πk/n) for k = 0..n/2−1; `work` holds n floats.
 */
export function powerSpectrumF32(
  x: Float32Array,
  p: Float32Array,
  cos: Float32Array,
  sin: Float32Array,
  work: Float32Array,
): void {
  const n = x.length;
  const m = n >> 1;
  // Bit-reversed load of z[k] = x[2k] + i·x[2k+1].
  let bitsM = 0;
  while (1 << bitsM < m) bitsM++;
  for (let k = 0; k < m; k++) {
    let r = 0;
    for (let b = 0; b < bitsM; b++) r |= ((k >> b) & 1) << (bitsM - 1 - b);
    work[2 * r] = x[2 * k];
    work[2 * r + 1] = x[2 * k + 1];
  }
  for (let size = 2; size <= m; size <<= 1) {
    const half = size >> 1;
    const stride = n / size;
    for (let start = 0; start < m; start += size) {
      for (let j = 0; j < half; j++) {
        const c = cos[j * stride];
        const s = sin[j * stride];
        const a = 2 * (start + j);
        const b = 2 * (start + j + half);
        const br = work[b];
        const bi = work[b + 1];
        const tr = f(f(c * br) + f(s * bi));
        const ti = f(f(c * bi) - f(s * br));
        const ar = work[a];
        const ai = work[a + 1];
        work[b] = f(ar - tr);
        work[b + 1] = f(ai - ti);
        work[a] = f(ar + tr);
        work[a + 1] = f(ai + ti);
      }
    }
  }
  // Real split: X[k] = Fe[k] + W^k·Fo[k].
  for (let k = 0; k <= m; k++) {
    const ka = k === m ? 0 : k;
    const kb = k === 0 ? 0 : m - k;
    const zr = work[2 * ka];
    const zi = work[2 * ka + 1];
    const yr = work[2 * kb];
    const yi = work[2 * kb + 1];
    const er = f(f(zr + yr) * 0.5);
    const ei = f(f(zi - yi) * 0.5);
    const or = f(f(zi + yi) * 0.5);
    const oi = f(f(yr - zr) * 0.5);
    const c = k === m ? -1 : cos[k];
    const s = k === m ? 0 : sin[k];
    const xr = f(f(er + f(c * or)) + f(s * oi));
    const xi = f(f(ei + f(c * oi)) - f(s * or));
    p[k] = f(f(xr * xr) + f(xi * xi));
  }
}

/** Order of the values `statsF32` writes. */
export const STAT_NAMES = [
  'mean',
  'std',
  'rms',
  'min',
  'max',
  'p2p',
  'peak',
  'skewness',
  'kurtosis',
  'crest',
  'zcr',
  'mcr',
] as const;
export type StatName = (typeof STAT_NAMES)[number];

/** All statistics of `x` at once, in `STAT_NAMES` order (zcr/mcr: crossings per sample). */
export function statsF32(x: Float32Array, out: Float32Array): void {
  const n = x.length;
  let sum = 0;
  let sumsq = 0;
  let lo = x[0];
  let hi = x[0];
  for (let i = 0; i < n; i++) {
    const v = x[i];
    sum = f(sum + v);
    sumsq = f(sumsq + f(v * v));
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  const mean = f(sum / n);
  let m2 = 0;
  let m3 = 0;
  let m4 = 0;
  let zc = 0;
  let mc = 0;
  let prevD = 0;
  for (let i = 0; i < n; i++) {
    const d = f(x[i] - mean);
    const d2 = f(d * d);
    m2 = f(m2 + d2);
    m3 = f(m3 + f(d2 * d));
    m4 = f(m4 + f(d2 * d2));
    if (i > 0) {
      if (x[i - 1] < 0 !== x[i] < 0) zc++;
      if (prevD < 0 !== d < 0) mc++;
    }
    prevD = d;
  }
  const variance = f(m2 / n);
  const std = sqrt32(variance);
  const rms = sqrt32(f(sumsq / n));
  const peak = Math.max(Math.abs(lo), Math.abs(hi));
  out[0] = mean;
  out[1] = std;
  out[2] = rms;
  out[3] = lo;
  out[4] = hi;
  out[5] = f(hi - lo);
  out[6] = peak;
  out[7] = variance > 0 ? f(f(m3 / n) / f(variance * std)) : 0;
  out[8] = variance > 0 ? f(f(m4 / n) / f(variance * variance)) : 0;
  out[9] = rms > 0 ? f(peak / rms) : 0;
  out[10] = n > 1 ? f(zc / (n - 1)) : 0;
  out[11] = n > 1 ? f(mc / (n - 1)) : 0;
}

/** Pearson correlation of a and b (0 when either is constant). */
export function correlationF32(a: Float32Array, b: Float32Array): number {
  const ma = meanF32(a);
  const mb = meanF32(b);
  let sab = 0;
  let saa = 0;
  let sbb = 0;
  for (let i = 0; i < a.length; i++) {
    const da = f(a[i] - ma);
    const db = f(b[i] - mb);
    sab = f(sab + f(da * db));
    saa = f(saa + f(da * da));
    sbb = f(sbb + f(db * db));
  }
  const den = f(sqrt32(saa) * sqrt32(sbb));
  return den > 0 ? f(sab / den) : 0;
}

/** Signal magnitude area: mean of |x| + |y| + |z|. */
export function smaF32(x: Float32Array, y: Float32Array, z: Float32Array): number {
  let sum = 0;
  for (let i = 0; i < x.length; i++) sum = f(sum + f(f(Math.abs(x[i]) + Math.abs(y[i])) + Math.abs(z[i])));
  return f(sum / x.length);
}

/** Sum of p[lo..hi) for each [lo, hi) pair in `bins`; relative divides by the sum over `total`; log takes ln32. */
export function bandEnergyF32(
  p: Float32Array,
  bins: Uint16Array,
  total: readonly [number, number],
  relative: boolean,
  log: boolean,
  out: Float32Array,
): void {
  let sumAll = 0;
  if (relative) for (let k = total[0]; k < total[1]; k++) sumAll = f(sumAll + p[k]);
  for (let b = 0; b < out.length; b++) {
    let e = 0;
    for (let k = bins[2 * b]; k < bins[2 * b + 1]; k++) e = f(e + p[k]);
    if (relative) e = sumAll > 0 ? f(e / sumAll) : 0;
    out[b] = log ? ln32(e) : e;
  }
}

/** Spectral centroid (Hz), peak frequency (Hz) and log flatness (ln of geometric / arithmetic mean) over p[lo..hi); p[k] is bin k + firstBin. */
export function spectralShapeF32(
  p: Float32Array,
  lo: number,
  hi: number,
  binHz: number,
  firstBin: number,
  out: Float32Array,
): void {
  let sum = 0;
  let weighted = 0;
  let logSum = 0;
  let best = lo;
  for (let k = lo; k < hi; k++) {
    sum = f(sum + p[k]);
    weighted = f(weighted + f(f((k + firstBin) * binHz) * p[k]));
    logSum = f(logSum + ln32(p[k]));
    if (p[k] > p[best]) best = k;
  }
  const count = hi - lo;
  out[0] = sum > 0 ? f(weighted / sum) : 0;
  out[1] = f((best + firstBin) * binHz);
  out[2] = sum > 0 ? f(f(logSum / count) - ln32(f(sum / count))) : 0;
}

/**
 * Defect-frequency energy: for each order o, the sum over harmonics of the largest p[k] in the
 * harmonic's bin range, divided by the mean of p over [ref0, ref1), as ln32. `ranges` holds
 * [lo, hi) pairs, `harmonics` per order.
 */
export function defectEnergyF32(
  p: Float32Array,
  ranges: Uint16Array,
  harmonics: number,
  ref: readonly [number, number],
  out: Float32Array,
): void {
  let refSum = 0;
  for (let k = ref[0]; k < ref[1]; k++) refSum = f(refSum + p[k]);
  const refMean = f(refSum / (ref[1] - ref[0]));
  for (let o = 0; o < out.length; o++) {
    let e = 0;
    for (let h = 0; h < harmonics; h++) {
      const r = 2 * (o * harmonics + h);
      let top = 0;
      for (let k = ranges[r]; k < ranges[r + 1]; k++) if (p[k] > top) top = p[k];
      e = f(e + top);
    }
    out[o] = refMean > 0 ? ln32(f(e / refMean)) : 0;
  }
}

/**
 * Defect-line prominence: for each order o, the mean over harmonics of ln(largest p[k] in the
 * harmonic's peak range / mean of p over the rest of its neighbourhood). `ranges` holds
 * [neighbourhood lo, peak lo, peak hi, neighbourhood hi) quadruples, `harmonics` per order. A
 * harmonic with no peak or no neighbourhood level contributes 0. Scale-free and local: a line
 * standing out of its own surroundings counts the same whatever the overall level of the spectrum.
 */
export function defectProminenceF32(
  p: Float32Array,
  ranges: Uint16Array,
  harmonics: number,
  out: Float32Array,
): void {
  for (let o = 0; o < out.length; o++) {
    let acc = 0;
    for (let h = 0; h < harmonics; h++) {
      const r = 4 * (o * harmonics + h);
      const [nlo, lo, hi, nhi] = [ranges[r], ranges[r + 1], ranges[r + 2], ranges[r + 3]];
      let top = 0;
      for (let k = lo; k < hi; k++) if (p[k] > top) top = p[k];
      let side = 0;
      for (let k = nlo; k < lo; k++) side = f(side + p[k]);
      for (let k = hi; k < nhi; k++) side = f(side + p[k]);
      const level = f(side / (lo - nlo + (nhi - hi)));
      if (top > 0 && level > 0) acc = f(acc + ln32(f(top / level)));
    }
    out[o] = f(acc / harmonics);
  }
}

/**
 * Autocorrelation r[lag] = Σ x[i]·x[i+lag] (x is expected zero-mean) for lag in [minLag, maxLag];
 * out = [best lag / rateHz (s), r[best] / r[0]]. `work` holds autocorrSums floats: the sums, laid out
 * as autocorrFinishF32 reads them.
 */
export function autocorrPeriodF32(
  x: Float32Array,
  minLag: number,
  maxLag: number,
  rateHz: number,
  work: Float32Array,
  out: Float32Array,
): void {
  const n = x.length;
  let r0 = 0;
  for (let i = 0; i < n; i++) r0 = f(r0 + f(x[i] * x[i]));
  work[0] = r0;
  for (let lag = minLag; lag <= maxLag; lag++) {
    let r = 0;
    for (let i = 0; i + lag < n; i++) r = f(r + f(x[i] * x[i + lag]));
    work[1 + lag - minLag] = r;
  }
  autocorrFinishF32(work, 0, minLag, maxLag, rateHz, out);
}

/** Floats of the sums [r0, r[minLag..maxLag]]; the running form's state adds the last maxLag samples. */
export function autocorrSums(minLag: number, maxLag: number): number {
  return 2 + maxLag - minLag;
}
/**
 * Running autocorrelation, one sample at a time: state = [r0, r[minLag..maxLag], the last maxLag
 * samples (a ring indexed by pos mod maxLag)]; `pos` is the sample's index in its window. The sums are
 * the block kernel's, term by term in the same order, so both agree to the bit.
 */
export function autocorrUpdateF32(
  s: Float32Array,
  o: number,
  pos: number,
  minLag: number,
  maxLag: number,
  x: number,
): void {
  const ring = o + autocorrSums(minLag, maxLag);
  const w = pos % maxLag;
  s[o] = f(s[o] + f(x * x));
  for (let lag = minLag; lag <= maxLag && lag <= pos; lag++) {
    const j = w >= lag ? w - lag : w + maxLag - lag;
    const r = o + 1 + lag - minLag;
    s[r] = f(s[r] + f(s[ring + j] * x));
  }
  s[ring + w] = x;
}
/** out = [best lag / rateHz (s), r[best] / r[0]] from the sums [r0, r[minLag..maxLag]] at s[o]. */
export function autocorrFinishF32(
  s: Float32Array,
  o: number,
  minLag: number,
  maxLag: number,
  rateHz: number,
  out: Float32Array,
): void {
  let bestLag = minLag;
  let best = -Infinity;
  for (let lag = minLag; lag <= maxLag; lag++) {
    const r = s[o + 1 + lag - minLag];
    if (r > best) {
      best = r;
      bestLag = lag;
    }
  }
  out[0] = f(bestLag / rateHz);
  out[1] = s[o] > 0 ? f(best / s[o]) : 0;
}

/**
 * Pulse detection on a band-passed PPG `pf` (raw `x` for intensity): local maxima above
 * `thresholdK`·std(pf), at least `refractory` samples apart (the larger of two close peaks wins).
 * Writes beats = [count, index[capacity], intensity[capacity], amplitude[capacity]]; amplitude is the
 * peak minus the lowest pf since the previous beat (or `refractory`·2 samples before the first). With
 * `interpolate`, each index is refined last to the vertex of the parabola through the peak sample and its
 * neighbours (within ±0.5 sample), so beat times are not quantised to the sample period.
 */
export function beatsF32(
  pf: Float32Array,
  x: Float32Array,
  thresholdK: number,
  refractory: number,
  capacity: number,
  beats: Float32Array,
  interpolate = false,
): void {
  const n = pf.length;
  const mean = meanF32(pf);
  let ss = 0;
  for (let i = 0; i < n; i++) {
    const d = f(pf[i] - mean);
    ss = f(ss + f(d * d));
  }
  const threshold = f(f(thresholdK * sqrt32(f(ss / n))) + mean);
  let count = 0;
  const idx = (j: number): number => beats[1 + j];
  for (let i = 1; i + 1 < n; i++) {
    const v = pf[i];
    if (!(v > threshold && v > pf[i - 1] && v >= pf[i + 1])) continue;
    if (count > 0 && i - idx(count - 1) < refractory) {
      if (v > pf[idx(count - 1)]) beats[count] = i;
    } else if (count < capacity) {
      beats[1 + count] = i;
      count++;
    }
  }
  beats[0] = count;
  for (let j = 0; j < count; j++) {
    const at = idx(j);
    const from = j > 0 ? idx(j - 1) : Math.max(0, at - 2 * refractory);
    let low = pf[at];
    for (let i = from; i < at; i++) if (pf[i] < low) low = pf[i];
    beats[1 + capacity + j] = x[at];
    beats[1 + 2 * capacity + j] = f(pf[at] - low);
  }
  for (let j = count; j < capacity; j++) {
    beats[1 + j] = 0;
    beats[1 + capacity + j] = 0;
    beats[1 + 2 * capacity + j] = 0;
  }
  // Sub-sample beat times: the vertex of the parabola through the peak and its two neighbours.
  if (interpolate) {
    for (let j = 0; j < count; j++) {
      const at = idx(j);
      const a = pf[at - 1];
      const b = pf[at];
      const c = pf[at + 1];
      const den = f(f(a - f(2 * b)) + c);
      let delta = 0;
      if (den < 0) delta = f(f(0.5 * f(a - c)) / den);
      if (delta > 0.5) delta = 0.5;
      if (delta < -0.5) delta = -0.5;
      beats[1 + j] = f(at + delta);
    }
  }
}

/** Which beat series `respSeriesF32` resamples: intensity, amplitude or inter-beat interval (frequency). */
export const RESP_SERIES = ['riiv', 'riav', 'rifv'] as const;
export type RespSeries = (typeof RESP_SERIES)[number];

/**
 * Evenly resamples one beat series by linear interpolation at t_j = j·step samples (held flat before
 * the first and after the last beat). `kind` 0 = intensity, 1 = amplitude, 2 = inter-beat interval
 * (samples, assigned to the later beat; the first beat takes the second's). Fewer beats than needed
 * (1, or 2 for intervals) give zeros.
 */
export function respSeriesF32(
  beats: Float32Array,
  capacity: number,
  kind: number,
  step: number,
  y: Float32Array,
): void {
  const count = beats[0];
  const t = (j: number): number => beats[1 + j];
  const value = (j: number): number => {
    if (kind === 2) return j === 0 ? f(t(1) - t(0)) : f(t(j) - t(j - 1));
    return beats[1 + (kind === 0 ? capacity : 2 * capacity) + j];
  };
  if (count < (kind === 2 ? 2 : 1)) {
    y.fill(0);
    return;
  }
  let b = 0;
  for (let j = 0; j < y.length; j++) {
    const tj = f(j * step);
    while (b + 1 < count && t(b + 1) <= tj) b++;
    if (tj <= t(0)) y[j] = value(0);
    else if (b + 1 >= count) y[j] = value(count - 1);
    else {
      const u = f(f(tj - t(b)) / f(t(b + 1) - t(b)));
      const v0 = value(b);
      y[j] = f(v0 + f(u * f(value(b + 1) - v0)));
    }
  }
}

/** Sorts x[0..n) ascending in place (insertion sort: no recursion, no allocation). */
export function sortF32(x: Float32Array, n: number): void {
  for (let i = 1; i < n; i++) {
    const v = x[i];
    let j = i - 1;
    while (j >= 0 && x[j] > v) {
      x[j + 1] = x[j];
      j--;
    }
    x[j + 1] = v;
  }
}

/** Heart rate (per minute) from the median inter-beat interval; out = [rate, beat count]. `work` holds capacity floats. */
export function heartRateF32(
  beats: Float32Array,
  rateHz: number,
  work: Float32Array,
  out: Float32Array,
): void {
  const count = beats[0];
  out[1] = count;
  if (count < 2) {
    out[0] = 0;
    return;
  }
  for (let j = 1; j < count; j++) work[j - 1] = f(beats[1 + j] - beats[j]);
  const n = count - 1;
  sortF32(work, n);
  const median = n % 2 === 1 ? work[(n - 1) >> 1] : f(f(work[(n >> 1) - 1] + work[n >> 1]) * 0.5);
  out[0] = f(f(60 * rateHz) / median);
}

/**
 * Spectral peak in p[lo..hi] with parabolic interpolation: out = [frequency · scale, quality] where
 * quality = peak power / total power in the range (0 when empty). With `localMax`, the peak is the largest
 * local maximum of the range (neighbours outside it count), so the slope of a stronger component just
 * outside the range (slow drift, Mayer waves below the band) is never taken for a peak at the band's edge;
 * a range without a local maximum gives the largest bin and quality 0.
 */
export function peakFrequencyF32(
  p: Float32Array,
  lo: number,
  hi: number,
  binHz: number,
  firstBin: number,
  scale: number,
  out: Float32Array,
  localMax = false,
): void {
  let best = lo;
  let sum = 0;
  let found = false;
  for (let k = lo; k <= hi; k++) {
    sum = f(sum + p[k]);
    if (localMax) {
      // Only a bin above its lower and not below its upper neighbour (outside the range too) is a peak.
      const peak = (k === 0 || p[k] > p[k - 1]) && (k + 1 >= p.length || p[k] >= p[k + 1]);
      if (peak && (!found || p[k] > p[best])) {
        best = k;
        found = true;
      }
    } else if (p[k] > p[best]) best = k;
  }
  if (localMax && !found) {
    for (let k = lo; k <= hi; k++) if (p[k] > p[best]) best = k;
    sum = 0;
  }
  let delta = 0;
  if (best > lo && best < hi) {
    const a = p[best - 1];
    const b = p[best];
    const c = p[best + 1];
    const den = f(f(a - f(2 * b)) + c);
    if (den < 0) delta = f(f(0.5 * f(a - c)) / den);
    if (delta > 0.5) delta = 0.5;
    if (delta < -0.5) delta = -0.5;
  }
  out[0] = f(f(f(best + firstBin + delta) * binHz) * scale);
  out[1] = sum > 0 ? f(p[best] / sum) : 0;
}

/**
 * Fuses k [value, quality] estimates of one quantity: the value of the first (primary) estimate, and
 * as quality the primary's quality times the agreement 1 − (max − min)/(max + min) of all k values
 * (0 if any value is 0). A fixed primary avoids letting noisier estimates win by chance.
 */
export function fuseF32(estimates: Float32Array, k: number, out: Float32Array): void {
  let lo = estimates[0];
  let hi = estimates[0];
  for (let i = 1; i < k; i++) {
    if (estimates[2 * i] < lo) lo = estimates[2 * i];
    if (estimates[2 * i] > hi) hi = estimates[2 * i];
  }
  const agreement = lo > 0 ? f(1 - f(f(hi - lo) / f(hi + lo))) : 0;
  out[0] = estimates[0];
  out[1] = f(estimates[1] * agreement);
}

/**
 * Weighted mean of k spectra, each first scaled to unit power in bins [lo..hi]:
 * y[j] = Σ_i c_i · x_i[j] with c_i = w_i / (S_i · wsum), S_i = Σ_{lo..hi} x_i (c_i = 0 when S_i is 0).
 * The result has unit power in the range when every S_i > 0, so mixes chain. y may be x_0.
 */
export function mixSpectraF32(
  xs: readonly Float32Array[],
  w: Float32Array,
  lo: number,
  hi: number,
  wsum: number,
  y: Float32Array,
): void {
  const c = new Float32Array(xs.length);
  for (let i = 0; i < xs.length; i++) {
    let s = 0;
    for (let j = lo; j <= hi; j++) s = f(s + xs[i][j]);
    c[i] = s > 0 ? f(w[i] / f(s * wsum)) : 0;
  }
  for (let j = 0; j < y.length; j++) {
    let acc = f(c[0] * xs[0][j]);
    for (let i = 1; i < xs.length; i++) acc = f(acc + f(c[i] * xs[i][j]));
    y[j] = acc;
  }
}

/** Running statistics of one channel, state = [n, mean, m2, min, max] (Welford). */
export const MOMENTS_STATE = 5;
export function momentsUpdateF32(s: Float32Array, o: number, x: number): void {
  const n = f(s[o] + 1);
  if (s[o] === 0) {
    s[o + 3] = x;
    s[o + 4] = x;
  }
  const delta = f(x - s[o + 1]);
  s[o + 1] = f(s[o + 1] + f(delta / n));
  s[o + 2] = f(s[o + 2] + f(delta * f(x - s[o + 1])));
  if (x < s[o + 3]) s[o + 3] = x;
  if (x > s[o + 4]) s[o + 4] = x;
  s[o] = n;
}
/** out = [mean, std, min, max, peak]: peak is the largest deviation from the mean. */
export function momentsFinishF32(s: Float32Array, o: number, out: Float32Array): void {
  out[0] = s[o + 1];
  out[1] = s[o] > 0 ? sqrt32(f(s[o + 2] / s[o])) : 0;
  out[2] = s[o + 3];
  out[3] = s[o + 4];
  const above = f(s[o + 4] - s[o + 1]);
  const below = f(s[o + 1] - s[o + 3]);
  out[4] = above > below ? above : below;
}

/**
 * Running moments up to the fourth, state = [n, mean, m2, min, max, m3, m4] (the moments state, then
 * the third and fourth central sums, by Terriberry's extension of Welford's update).
 */
export const MOMENTS4_STATE = 7;
export function moments4UpdateF32(s: Float32Array, o: number, x: number): void {
  const n1 = s[o];
  const n = f(n1 + 1);
  if (n1 === 0) {
    s[o + 3] = x;
    s[o + 4] = x;
  }
  const m2 = s[o + 2];
  const m3 = s[o + 5];
  const delta = f(x - s[o + 1]);
  const dn = f(delta / n);
  const dn2 = f(dn * dn);
  const term = f(f(delta * dn) * n1);
  const poly = f(f(f(n * n) - f(3 * n)) + 3);
  s[o + 1] = f(s[o + 1] + dn);
  s[o + 6] = f(f(f(s[o + 6] + f(f(term * dn2) * poly)) + f(f(6 * dn2) * m2)) - f(f(4 * dn) * m3));
  s[o + 5] = f(f(m3 + f(f(term * dn) * f(n - 2))) - f(f(3 * dn) * m2));
  s[o + 2] = f(m2 + term);
  if (x < s[o + 3]) s[o + 3] = x;
  if (x > s[o + 4]) s[o + 4] = x;
  s[o] = n;
}
/** out = [skewness, kurtosis] (population, not excess; 0 for a constant signal). */
export function moments4FinishF32(s: Float32Array, o: number, out: Float32Array): void {
  const n = s[o];
  const m2 = s[o + 2];
  if (!(m2 > 0)) {
    out[0] = 0;
    out[1] = 0;
    return;
  }
  out[0] = f(f(sqrt32(n) * s[o + 5]) / f(m2 * sqrt32(m2)));
  out[1] = f(f(n * s[o + 6]) / f(m2 * m2));
}

/**
 * One sample through `sections` biquad sections whose coefficients start at section `first` of
 * `coeffs`, state = [z1, z2] per section: the per-sample form of biquadF32 (same operations, same order).
 */
export function biquadStepF32(
  s: Float32Array,
  o: number,
  coeffs: Float32Array,
  first: number,
  sections: number,
  x: number,
): number {
  let v = x;
  for (let k = 0; k < sections; k++) {
    const c = 5 * (first + k);
    const z = o + 2 * k;
    const out = f(f(coeffs[c] * v) + s[z]);
    s[z] = f(f(f(coeffs[c + 1] * v) - f(coeffs[c + 3] * out)) + s[z + 1]);
    s[z + 1] = f(f(coeffs[c + 2] * v) - f(coeffs[c + 4] * out));
    v = out;
  }
  return v;
}

/**
 * Band energies by a filter bank: band b is FILTER_BANK_SECTIONS sections (coefficients from section
 * b · FILTER_BANK_SECTIONS), and its energy the running sum of its output squared. State = [energy per
 * band, then z1, z2 per section].
 */
export const FILTER_BANK_SECTIONS = 2;
export function filterBankUpdateF32(
  s: Float32Array,
  o: number,
  coeffs: Float32Array,
  bands: number,
  x: number,
): void {
  for (let b = 0; b < bands; b++) {
    const z = o + bands + 2 * FILTER_BANK_SECTIONS * b;
    const y = biquadStepF32(s, z, coeffs, FILTER_BANK_SECTIONS * b, FILTER_BANK_SECTIONS, x);
    s[o + b] = f(s[o + b] + f(y * y));
  }
}

/**
 * First difference of a per-sample value, state = [started, previous]: x − previous, and 0 for the
 * window's first sample (the state is cleared between windows, like every stream op's).
 */
export const DIFFERENCE_STATE = 2;
export function differenceUpdateF32(s: Float32Array, o: number, x: number): number {
  const d = s[o] !== 0 ? f(x - s[o + 1]) : 0;
  s[o] = 1;
  s[o + 1] = x;
  return d;
}

/** Running correlation of two channels, state = [n, mean a, mean b, caa, cbb, cab]. */
export const COMOMENT_STATE = 6;
export function comomentUpdateF32(s: Float32Array, o: number, a: number, b: number): void {
  const n = f(s[o] + 1);
  const da = f(a - s[o + 1]);
  const db = f(b - s[o + 2]);
  s[o + 1] = f(s[o + 1] + f(da / n));
  s[o + 2] = f(s[o + 2] + f(db / n));
  s[o + 3] = f(s[o + 3] + f(da * f(a - s[o + 1])));
  s[o + 4] = f(s[o + 4] + f(db * f(b - s[o + 2])));
  s[o + 5] = f(s[o + 5] + f(da * f(b - s[o + 2])));
  s[o] = n;
}
export function comomentFinishF32(s: Float32Array, o: number): number {
  const den = f(sqrt32(s[o + 3]) * sqrt32(s[o + 4]));
  return den > 0 ? f(s[o + 5] / den) : 0;
}

/** Goertzel resonators for k bins, state = [s1, s2] per bin; `coeff` holds 2·cos(2π·bin/N). */
export function goertzelUpdateF32(s: Float32Array, o: number, coeff: Float32Array, x: number): void {
  for (let k = 0; k < coeff.length; k++) {
    const s1 = s[o + 2 * k];
    const s0 = f(f(x + f(coeff[k] * s1)) - s[o + 2 * k + 1]);
    s[o + 2 * k + 1] = s1;
    s[o + 2 * k] = s0;
  }
}
/** Power |X_k|² of every bin (clamped at 0). */
export function goertzelFinishF32(s: Float32Array, o: number, coeff: Float32Array, p: Float32Array): void {
  for (let k = 0; k < coeff.length; k++) p[k] = goertzelPower(s[o + 2 * k], s[o + 2 * k + 1], coeff[k]);
}
/** |X|² of one resonator: s1² + s2² − c·s1·s2, clamped at 0. */
function goertzelPower(s1: number, s2: number, c: number): number {
  const v = f(f(f(s1 * s1) + f(s2 * s2)) - f(f(c * s1) * s2));
  return v > 0 ? v : 0;
}
/**
 * End of a segment: adds every bin's power to the sums that follow the resonators in the state
 * (state = [s1, s2] per bin, then one sum per bin) and restarts the resonators.
 */
export function goertzelSegmentF32(s: Float32Array, o: number, coeff: Float32Array): void {
  const bins = coeff.length;
  for (let k = 0; k < bins; k++) {
    s[o + 2 * bins + k] = f(s[o + 2 * bins + k] + goertzelPower(s[o + 2 * k], s[o + 2 * k + 1], coeff[k]));
    s[o + 2 * k] = 0;
    s[o + 2 * k + 1] = 0;
  }
}
