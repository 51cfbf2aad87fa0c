import { describe, expect, it } from 'vitest';
import { createRng } from '@murmur/core';
import { cFloat } from '@murmur/core';
import { f, floatBits, ln32, LN_FLOOR } from './f32';
import * as k from './kernels';
import { biquadCoefficients, goertzelCoefficients, twiddleTables, windowTable } from './tables';

function power(x: Float32Array): Float32Array {
  const { cos, sin } = twiddleTables(x.length);
  const p = new Float32Array(x.length / 2 + 1);
  k.powerSpectrumF32(x, p, cos, sin, new Float32Array(x.length));
  return p;
}

describe('float32 helpers', () => {
  it('ln32 is within 2 ulp-ish of the true logarithm over many decades', () => {
    const rng = createRng(3);
    for (let i = 0; i < 2000; i++) {
      const x = f(Math.exp(rng.next() * 160 - 80));
      expect(Math.abs(ln32(x) - Math.log(x))).toBeLessThan(4e-7 * Math.max(1, Math.abs(Math.log(x))));
    }
    expect(ln32(1)).toBe(0);
    expect(ln32(0)).toBe(LN_FLOOR);
    expect(ln32(-3)).toBe(LN_FLOOR);
    expect(ln32(1e-40)).toBe(LN_FLOOR);
  });

  it('emits exact hexadecimal float literals', () => {
    expect(cFloat(1)).toBe('0x1.000000p0f');
    expect(cFloat(-0.75)).toBe('-0x1.800000p-1f');
    expect(cFloat(0)).toBe('0.0f');
    const v = f(0.1);
    const m = /^0x1\.([0-9a-f]{6})p(-?\d+)f$/.exec(cFloat(v))!;
    expect(f((1 + parseInt(m[1], 16) / 2 ** 24) * 2 ** Number(m[2]))).toBe(v);
    expect(() => cFloat(Infinity)).toThrow();
  });
});

describe('FFT power spectrum (known answers)', () => {
  it('an impulse has a flat unit spectrum', () => {
    for (const n of [64, 256, 2048]) {
      const x = new Float32Array(n);
      x[0] = 1;
      expect(Array.from(power(x))).toEqual(Array(n / 2 + 1).fill(1));
    }
  });

  it('a pure tone on bin 5 puts (N/2)² · A² there and almost nothing elsewhere', () => {
    const n = 128;
    const x = Float32Array.from({ length: n }, (_, i) => 2 * Math.cos((2 * Math.PI * 5 * i) / n));
    const p = power(x);
    expect(p[5] / (64 * 64 * 4)).toBeCloseTo(1, 5);
    const rest = p.reduce((s, v, i) => (i === 5 ? s : s + v), 0);
    expect(rest).toBeLessThan(1e-6 * p[5]);
  });

  it('a constant puts N²·c² at DC and a Nyquist-rate alternation at n/2', () => {
    const n = 64;
    expect(power(new Float32Array(n).fill(0.5))[0]).toBe(n * n * 0.25);
    const alt = Float32Array.from({ length: n }, (_, i) => (i % 2 ? -1 : 1));
    const p = power(alt);
    expect(p[n / 2]).toBe(n * n);
    expect(p[0]).toBe(0);
  });

  it("agrees with Parseval's theorem on noise", () => {
    const rng = createRng(9);
    const n = 512;
    const x = Float32Array.from({ length: n }, () => rng.normal());
    const p = power(x);
    let energy = 0;
    for (const v of x) energy += v * v;
    let spec = p[0] + p[n / 2];
    for (let i = 1; i < n / 2; i++) spec += 2 * p[i];
    expect(spec / n / energy).toBeCloseTo(1, 4);
  });

  it('Goertzel bins equal the FFT bins', () => {
    const rng = createRng(4);
    const n = 128;
    const x = Float32Array.from({ length: n }, () => rng.normal() + 3);
    const p = power(x);
    const coeff = goertzelCoefficients(n, 1, 20);
    const s = new Float32Array(2 * coeff.length);
    for (const v of x) k.goertzelUpdateF32(s, 0, coeff, v);
    const g = new Float32Array(coeff.length);
    k.goertzelFinishF32(s, 0, coeff, g);
    for (let b = 1; b < 20; b++) expect(Math.abs(g[b - 1] - p[b])).toBeLessThan(1e-3 * (p[b] + 1));
  });

  it('segmented Goertzel sums the FFT power of every segment (Welch, no overlap)', () => {
    const rng = createRng(5);
    const seg = 32;
    const x = Float32Array.from({ length: 3 * seg }, () => rng.normal() + 1);
    const coeff = goertzelCoefficients(seg, 1, 16);
    const s = new Float32Array(3 * coeff.length);
    x.forEach((v, i) => {
      k.goertzelUpdateF32(s, 0, coeff, v);
      if ((i + 1) % seg === 0) k.goertzelSegmentF32(s, 0, coeff);
    });
    for (let b = 1; b < 16; b++) {
      let want = 0;
      for (let j = 0; j < 3; j++) want += power(x.subarray(j * seg, (j + 1) * seg))[b];
      expect(Math.abs(s[2 * coeff.length + b - 1] - want)).toBeLessThan(1e-3 * (want + 1));
    }
    // The resonators restart at each segment end.
    expect(s.subarray(0, 2 * coeff.length).every((v) => v === 0)).toBe(true);
  });
});

describe('biquad (known answers)', () => {
  const gainAt = (kind: 'lowpass' | 'highpass' | 'bandpass', hz: number, q: number): number => {
    const rate = 1000;
    const n = 8000;
    const x = Float32Array.from({ length: n }, (_, i) => Math.sin((2 * Math.PI * hz * i) / rate));
    const y = new Float32Array(n);
    k.biquadF32(x, y, biquadCoefficients([{ kind, hz, q }], rate));
    let peak = 0;
    for (let i = n / 2; i < n; i++) peak = Math.max(peak, Math.abs(y[i]));
    return peak;
  };
  it('Butterworth low- and high-pass sections are -3 dB at the cut-off', () => {
    expect(gainAt('lowpass', 50, Math.SQRT1_2)).toBeCloseTo(Math.SQRT1_2, 2);
    expect(gainAt('highpass', 50, Math.SQRT1_2)).toBeCloseTo(Math.SQRT1_2, 2);
  });
  it('a band-pass section has unit gain at its centre', () => {
    expect(gainAt('bandpass', 80, 2)).toBeCloseTo(1, 2);
  });
  it('rejects cut-offs at or above Nyquist with the field at fault', () => {
    expect(() => biquadCoefficients([{ kind: 'lowpass', hz: 600, q: 1 }], 1000)).toThrow(/sections\[0\]\.hz/);
  });
});

describe('statistics (closed forms)', () => {
  const stats = (x: ArrayLike<number>): Record<string, number> => {
    const out = new Float32Array(k.STAT_NAMES.length);
    k.statsF32(Float32Array.from(x), out);
    return Object.fromEntries(k.STAT_NAMES.map((n, i) => [n, out[i]]));
  };
  it('square wave: std 1, kurtosis 1, skewness 0, crest 1, a crossing every sample', () => {
    const s = stats(Array.from({ length: 100 }, (_, i) => (i % 2 ? -1 : 1)));
    expect(s).toMatchObject({
      mean: 0,
      std: 1,
      rms: 1,
      kurtosis: 1,
      skewness: 0,
      crest: 1,
      zcr: 1,
      mcr: 1,
      p2p: 2,
      peak: 1,
    });
  });
  it('sine: crest √2, kurtosis 1.5, rms 1/√2', () => {
    const s = stats(Array.from({ length: 1000 }, (_, i) => Math.sin((2 * Math.PI * i) / 100)));
    expect(s.crest).toBeCloseTo(Math.SQRT2, 3);
    expect(s.kurtosis).toBeCloseTo(1.5, 3);
    expect(s.rms).toBeCloseTo(Math.SQRT1_2, 4);
  });
  it('1..n: mean (n+1)/2, variance (n²−1)/12', () => {
    const n = 101;
    const s = stats(Array.from({ length: n }, (_, i) => i + 1));
    expect(s.mean).toBe(51);
    expect(s.std).toBeCloseTo(Math.sqrt((n * n - 1) / 12), 4);
    expect(s.skewness).toBeCloseTo(0, 5);
  });
  it('running moments and correlation match the block versions', () => {
    const rng = createRng(5);
    const a = Float32Array.from({ length: 128 }, () => rng.normal() + 9.8);
    const b = Float32Array.from(a, (v) => 0.5 * v + rng.normal() * 0.1);
    const ms = new Float32Array(k.MOMENTS_STATE);
    const cs = new Float32Array(k.COMOMENT_STATE);
    a.forEach((v, i) => {
      k.momentsUpdateF32(ms, 0, v);
      k.comomentUpdateF32(cs, 0, v, b[i]);
    });
    const m = new Float32Array(5);
    k.momentsFinishF32(ms, 0, m);
    const s = stats(a);
    expect(m[0]).toBeCloseTo(s.mean, 4);
    expect(m[1]).toBeCloseTo(s.std, 4);
    expect([m[2], m[3]]).toEqual([s.min, s.max]);
    expect(m[4]).toBe(Math.max(f(s.max - m[0]), f(m[0] - s.min)));
    expect(k.comomentFinishF32(cs, 0)).toBeCloseTo(k.correlationF32(a, b), 5);
  });
  it('running moments to the fourth order match the block skewness and kurtosis on skewed, peaky data', () => {
    const rng = createRng(6);
    // Impacts on noise: what a bearing defect looks like (kurtosis well above 3).
    const a = Float32Array.from({ length: 2048 }, (_, i) => 0.3 + rng.normal() + (i % 97 === 0 ? 8 : 0));
    const ms = new Float32Array(k.MOMENTS4_STATE);
    a.forEach((v) => k.moments4UpdateF32(ms, 0, v));
    const m = new Float32Array(5);
    const higher = new Float32Array(2);
    k.momentsFinishF32(ms, 0, m);
    k.moments4FinishF32(ms, 0, higher);
    const s = stats(a);
    expect(s.kurtosis).toBeGreaterThan(5);
    expect(m[1]).toBeCloseTo(s.std, 4);
    expect(m[4]).toBeCloseTo(Math.max(s.max - s.mean, s.mean - s.min), 4);
    expect(higher[0]).toBeCloseTo(s.skewness, 3);
    expect(higher[1]).toBeCloseTo(s.kurtosis, 2);
    const flat = new Float32Array(k.MOMENTS4_STATE);
    for (let i = 0; i < 10; i++) k.moments4UpdateF32(flat, 0, 2.5);
    k.moments4FinishF32(flat, 0, higher);
    expect([...higher]).toEqual([0, 0]);
  });
  it('a biquad run sample by sample is the block biquad, bit for bit', () => {
    const rng = createRng(7);
    const x = Float32Array.from({ length: 500 }, () => rng.normal() * 3);
    const coeffs = biquadCoefficients(
      [
        { kind: 'bandpass', hz: 40, q: 1 },
        { kind: 'lowpass', hz: 100, q: Math.SQRT1_2 },
      ],
      1000,
    );
    const block = new Float32Array(x.length);
    k.biquadF32(x, block, coeffs);
    const st = new Float32Array(4);
    const running = Float32Array.from(x, (v) => k.biquadStepF32(st, 0, coeffs, 0, 2, v));
    expect([...running].map(floatBits)).toEqual([...block].map(floatBits));
  });
  it("the filter bank puts a tone's energy in its own band and splits it at a shared edge", () => {
    const rate = 12000;
    const bands: [number, number][] = [
      [100, 400],
      [400, 1600],
      [1600, 5000],
    ];
    const coeffs = biquadCoefficients(
      bands.flatMap(([lo, hi]) => [
        { kind: 'highpass' as const, hz: lo, q: Math.SQRT1_2 },
        { kind: 'lowpass' as const, hz: hi, q: Math.SQRT1_2 },
      ]),
      rate,
    );
    const energies = (hz: number): number[] => {
      const st = new Float32Array(bands.length * (1 + 2 * k.FILTER_BANK_SECTIONS));
      for (let i = 0; i < 4096; i++)
        k.filterBankUpdateF32(st, 0, coeffs, 3, Math.sin((2 * Math.PI * hz * i) / rate));
      const total = st[0] + st[1] + st[2];
      return [...st.subarray(0, 3)].map((e) => e / total);
    };
    expect(energies(200)[0]).toBeGreaterThan(0.8);
    expect(energies(800)[1]).toBeGreaterThan(0.8);
    expect(energies(3000)[2]).toBeGreaterThan(0.8);
    // A tone at a shared edge is split about evenly (each side is -3 dB there).
    const edge = energies(400);
    expect(edge[0] / edge[1]).toBeGreaterThan(0.6);
    expect(edge[0] / edge[1]).toBeLessThan(1.6);
  });
  it('running difference: 0 for the first sample, then x[i] − x[i−1]', () => {
    const x = [3, 5, 4.5, -1, -1];
    const st = new Float32Array(k.DIFFERENCE_STATE);
    expect(x.map((v) => k.differenceUpdateF32(st, 0, v))).toEqual([0, 2, -0.5, -5.5, 0]);
  });
  it('detrend removes a line exactly enough', () => {
    const x = Float32Array.from({ length: 64 }, (_, i) => 3 + 0.25 * i);
    const y = new Float32Array(64);
    k.detrendF32(x, y);
    expect(Math.max(...y.map(Math.abs))).toBeLessThan(1e-5);
  });
  it('autocorrelation finds the period of a sine', () => {
    const x = Float32Array.from({ length: 400 }, (_, i) => Math.sin((2 * Math.PI * i) / 37));
    const out = new Float32Array(2);
    k.autocorrPeriodF32(x, 10, 60, 100, new Float32Array(k.autocorrSums(10, 60)), out);
    expect(out[0]).toBe(f(0.37));
    expect(out[1]).toBeGreaterThan(0.85);
  });
  it('the running autocorrelation holds the block kernel sums, bit for bit', () => {
    const rng = createRng(11);
    const x = Float32Array.from({ length: 300 }, (_, i) =>
      f(Math.sin((2 * Math.PI * i) / 23) + 0.5 * (rng.next() - 0.5)),
    );
    const [minLag, maxLag] = [4, 40];
    const sums = new Float32Array(k.autocorrSums(minLag, maxLag));
    const block = new Float32Array(2);
    k.autocorrPeriodF32(x, minLag, maxLag, 20, sums, block);
    const s = new Float32Array(sums.length + maxLag);
    x.forEach((v, i) => k.autocorrUpdateF32(s, 0, i, minLag, maxLag, v));
    expect(s.subarray(0, sums.length)).toEqual(sums);
    const running = new Float32Array(2);
    k.autocorrFinishF32(s, 0, minLag, maxLag, 20, running);
    expect(running).toEqual(block);
    expect(block[0]).toBe(f(23 / 20));
  });
});

describe('defect-line prominence (known answers)', () => {
  it('a line 8 times its flat neighbourhood gives ln 8; a flat spectrum 0; no level 0', () => {
    const p = new Float32Array(40).fill(2);
    p[10] = 16;
    p[20] = 16;
    const out = new Float32Array(2);
    // order 0: harmonics at bins 10 and 20 (peak ±1, neighbourhood ±4); order 1: flat around bin 30.
    k.defectProminenceF32(
      p,
      Uint16Array.from([6, 9, 12, 15, 16, 19, 22, 25, 26, 29, 32, 35, 0, 0, 0, 0]),
      2,
      out,
    );
    expect(out[0]).toBeCloseTo(Math.log(8), 6);
    expect(out[1]).toBe(0);
  });
});

describe('pulses and respiratory series', () => {
  it('detects a 72/min pulse train and its heart rate; resamples the intervals', () => {
    const rate = 125;
    const n = 32 * rate;
    const x = Float32Array.from(
      { length: n },
      (_, i) => (0.5 + 0.5 * Math.sin((2 * Math.PI * 1.2 * i) / rate)) ** 8,
    );
    const cap = 120;
    const beats = new Float32Array(1 + 3 * cap);
    k.beatsF32(x, x, 0.5, 40, cap, beats);
    expect(beats[0]).toBeGreaterThanOrEqual(37);
    const hr = new Float32Array(2);
    k.heartRateF32(beats, rate, new Float32Array(cap), hr);
    expect(hr[0]).toBeCloseTo(72, 0);
    const rifv = new Float32Array(128);
    k.respSeriesF32(beats, cap, 2, rate / 4, rifv);
    for (const v of rifv.subarray(8, 120)) expect(v).toBeCloseTo(rate / 1.2, -0.5);
  });
  it('peak frequency interpolates between bins', () => {
    const n = 256;
    const x = Float32Array.from({ length: n }, (_, i) => Math.cos((2 * Math.PI * 10.3 * i) / n));
    const w = windowTable('hann', n);
    const y = new Float32Array(n);
    k.multiplyF32(x, w, y);
    const out = new Float32Array(2);
    k.peakFrequencyF32(power(y), 2, 60, 1, 0, 1, out);
    expect(Math.abs(out[0] - 10.3)).toBeLessThan(0.15);
  });
  it('interpolated beat times are not quantised to the sample period', () => {
    // 25 Hz, a pulse of 77/min (period 19.48 samples): sample-index beats step by 19 or 20 samples.
    const rate = 25;
    const n = 32 * rate;
    const hz = 77 / 60;
    const x = Float32Array.from({ length: n }, (_, i) => Math.cos(2 * Math.PI * hz * (i / rate)));
    const cap = 120;
    const spread = (interpolate: boolean): number => {
      const beats = new Float32Array(1 + 3 * cap);
      k.beatsF32(x, x, 0.3, 8, cap, beats, interpolate);
      const ibi = Array.from({ length: beats[0] - 1 }, (_, j) => beats[2 + j] - beats[1 + j]);
      return Math.max(...ibi.map((v) => Math.abs(v - rate / hz)));
    };
    expect(spread(false)).toBeGreaterThan(0.4);
    expect(spread(true)).toBeLessThan(0.05);
  });
  it('a local-maximum peak ignores the slope of a stronger component below the range', () => {
    // Falling from bin 0 (drift) into the range, with a smaller true peak at bin 20.
    const p = Float32Array.from({ length: 64 }, (_, i) => 100 / (1 + i) + (i === 20 ? 5 : 0));
    const out = new Float32Array(2);
    k.peakFrequencyF32(p, 5, 40, 1, 0, 1, out);
    expect(out[0]).toBe(5);
    k.peakFrequencyF32(p, 5, 40, 1, 0, 1, out, true);
    expect(Math.round(out[0])).toBe(20);
    expect(out[1]).toBeGreaterThan(0);
    // No local maximum in the range: the largest bin, quality 0.
    k.peakFrequencyF32(
      Float32Array.from({ length: 64 }, (_, i) => 64 - i),
      5,
      40,
      1,
      0,
      1,
      out,
      true,
    );
    expect(Array.from(out)).toEqual([5, 0]);
  });
  it('mixes spectra scaled to unit power in the range, so mixes chain', () => {
    const a = Float32Array.from([9, 1, 2, 1, 0]);
    const b = Float32Array.from([0, 0, 4, 4, 8]);
    const c = Float32Array.from([1, 3, 1, 0, 0]);
    const ab = new Float32Array(5);
    k.mixSpectraF32([a, b], Float32Array.from([1, 1]), 1, 3, 2, ab);
    expect(ab[1]! + ab[2]! + ab[3]!).toBeCloseTo(1, 6);
    expect(ab[2]).toBeCloseTo(0.5 * (2 / 4) + 0.5 * (4 / 8), 6);
    const chained = new Float32Array(5);
    k.mixSpectraF32([ab, c], Float32Array.from([2, 1]), 1, 3, 3, chained);
    const once = new Float32Array(5);
    k.mixSpectraF32([a, b, c], Float32Array.from([1, 1, 1]), 1, 3, 3, once);
    for (let j = 0; j < 5; j++) expect(chained[j]).toBeCloseTo(once[j]!, 6);
    // A spectrum with no power in the range adds nothing.
    k.mixSpectraF32([a, new Float32Array(5)], Float32Array.from([1, 1]), 1, 3, 2, ab);
    expect(ab[2]).toBeCloseTo(0.5 * (2 / 4), 6);
  });
  it('sort and fuse', () => {
    const v = Float32Array.from([3, 1, 2, 5, 4]);
    k.sortF32(v, 5);
    expect(Array.from(v)).toEqual([1, 2, 3, 4, 5]);
    const out = new Float32Array(2);
    k.fuseF32(Float32Array.from([15, 0.5, 15, 0.1, 15, 0.2]), 3, out);
    expect(Array.from(out)).toEqual([15, 0.5]);
    k.fuseF32(Float32Array.from([10, 0.5, 30, 0.9]), 2, out);
    expect(out[0]).toBe(10);
    expect(out[1]).toBe(f(0.25));
  });
});

describe('tables', () => {
  it('windows and twiddles are exact at the quarter points', () => {
    const { cos, sin } = twiddleTables(16);
    expect([cos[0], cos[4], sin[4]]).toEqual([1, 0, 1]);
    expect(windowTable('hann', 8)[0]).toBe(0);
    expect(windowTable('hamming', 8)[4]).toBe(1);
    expect(floatBits(windowTable('hann', 8)[4])).toBe(floatBits(1));
  });
});
