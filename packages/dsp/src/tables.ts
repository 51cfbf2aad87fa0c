/**
 * Constant tables computed once in TypeScript (in double precision, then rounded to float32) and
 * emitted as C constants: window functions, FFT twiddles, biquad coefficients, Goertzel coefficients.
 */
import { MurmurError } from '@murmur/core';

export type WindowShape = 'hann' | 'hamming';

/** Periodic Hann or Hamming window of n points. */
export function windowTable(shape: WindowShape, n: number): Float32Array {
  const a = shape === 'hann' ? 0.5 : 0.54;
  const w = new Float32Array(n);
  for (let i = 0; i < n; i++) w[i] = a - (1 - a) * Math.cos((2 * Math.PI * i) / n);
  return w;
}

/** cos(2πk/n) and sin(2πk/n) for k = 0..n/2−1 (the real FFT of n points). */
export function twiddleTables(n: number): { cos: Float32Array; sin: Float32Array } {
  const cos = new Float32Array(n / 2);
  const sin = new Float32Array(n / 2);
  for (let k = 0; k < n / 2; k++) {
    // Exact values at multiples of π/4 avoid tiny non-zero residues.
    const angle = (2 * Math.PI * k) / n;
    cos[k] = (4 * k) % n === 0 ? [1, 0, -1, 0][(4 * k) / n] : Math.cos(angle);
    sin[k] = (4 * k) % n === 0 ? [0, 1, 0, -1][(4 * k) / n] : Math.sin(angle);
  }
  return { cos, sin };
}

export type BiquadKind = 'lowpass' | 'highpass' | 'bandpass';

/** One second-order section: RBJ cookbook design (bandpass: 0 dB peak gain). */
export interface BiquadDesign {
  kind: BiquadKind;
  /** Cut-off (lowpass/highpass) or centre (bandpass) frequency, Hz. */
  hz: number;
  /** Quality factor (0.7071 gives a Butterworth section). */
  q: number;
}

/** [b0 b1 b2 a1 a2] per section, normalised by a0, for a sample rate of `rateHz`. */
export function biquadCoefficients(
  sections: BiquadDesign[],
  rateHz: number,
  field = 'sections',
): Float32Array {
  const out = new Float32Array(5 * sections.length);
  sections.forEach((s, i) => {
    if (!(s.hz > 0 && s.hz < rateHz / 2)) {
      throw new MurmurError(`biquad frequency ${s.hz} Hz must lie in (0, ${rateHz / 2}) Hz`, {
        field: `${field}[${i}].hz`,
      });
    }
    if (!(s.q > 0)) throw new MurmurError(`biquad q must be > 0, got ${s.q}`, { field: `${field}[${i}].q` });
    const w0 = (2 * Math.PI * s.hz) / rateHz;
    const cw = Math.cos(w0);
    const alpha = Math.sin(w0) / (2 * s.q);
    const a0 = 1 + alpha;
    let b: [number, number, number];
    if (s.kind === 'lowpass') b = [(1 - cw) / 2, 1 - cw, (1 - cw) / 2];
    else if (s.kind === 'highpass') b = [(1 + cw) / 2, -(1 + cw), (1 + cw) / 2];
    else b = [alpha, 0, -alpha];
    out.set([b[0] / a0, b[1] / a0, b[2] / a0, (-2 * cw) / a0, (1 - alpha) / a0], 5 * i);
  });
  return out;
}

/** Goertzel coefficients 2·cos(2πk/n) for bins k in [lo, hi). */
export function goertzelCoefficients(n: number, lo: number, hi: number): Float32Array {
  const c = new Float32Array(hi - lo);
  for (let k = lo; k < hi; k++) c[k - lo] = 2 * Math.cos((2 * Math.PI * k) / n);
  return c;
}
