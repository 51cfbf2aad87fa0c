import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { loadDataset } from './load';
import { cwruBearingOrders } from './predictive-maintenance';
import { breathClassLabel, referenceBreathRate } from './ppg-triage';
import { syntheticDataset, synthActivity, synthBearing, synthPpg } from './synthetic';
import { frameAll } from './window';

afterEach(() => vi.restoreAllMocks());

/** Magnitude of the DFT of `x` at frequency f (Hz). */
function dftMag(x: ArrayLike<number>, rateHz: number, f: number): number {
  let re = 0;
  let im = 0;
  for (let i = 0; i < x.length; i++) {
    const a = (2 * Math.PI * f * i) / rateHz;
    re += x[i]! * Math.cos(a);
    im -= x[i]! * Math.sin(a);
  }
  return Math.hypot(re, im) / x.length;
}

/** Envelope spectrum peak test: |x| (rectified), DC removed, DFT magnitude at f over the median of nearby bins. */
function envelopeLine(x: Float32Array, rateHz: number, f: number): number {
  const env = Array.from(x, Math.abs);
  const mean = env.reduce((a, b) => a + b, 0) / env.length;
  const e = env.map((v) => v - mean);
  const around = [-9, -7, -5, 5, 7, 9].map((d) => dftMag(e, rateHz, f + d)).sort((a, b) => a - b);
  return dftMag(e, rateHz, f) / around[3]!;
}

describe('synthetic generators', () => {
  it('are deterministic for a seed', () => {
    const a = synthBearing({ condition: 'ball', seed: 5, seconds: 0.2 });
    expect(synthBearing({ condition: 'ball', seed: 5, seconds: 0.2 })).toEqual(a);
    expect(synthBearing({ condition: 'ball', seed: 6, seconds: 0.2 }).channels[0]).not.toEqual(a.channels[0]);
  });

  it('puts bearing defect impacts at BPFO / BPFI / 2xBSF', () => {
    const fr = 1797 / 60;
    const freqs = {
      outer_race: fr * cwruBearingOrders.bpfo,
      inner_race: fr * cwruBearingOrders.bpfi,
      ball: 2 * fr * cwruBearingOrders.bsf,
    };
    for (const [condition, f] of Object.entries(freqs)) {
      const rec = synthBearing({ condition: condition as 'ball', seed: 1, seconds: 1 });
      expect(rec.channels[0]).toHaveLength(12000);
      expect(envelopeLine(rec.channels[0]!, 12000, f), condition).toBeGreaterThan(5);
    }
    const normal = synthBearing({ condition: 'normal', seed: 1, seconds: 1 });
    expect(envelopeLine(normal.channels[0]!, 12000, freqs.outer_race)).toBeLessThan(3);
  });

  it('makes wrist activities with gravity and activity-specific motion', () => {
    const sit = synthActivity({ activity: 'sitting', seed: 1, seconds: 20 });
    const jog = synthActivity({ activity: 'jogging', seed: 1, seconds: 20 });
    const mag = (r: typeof sit, i: number): number =>
      Math.hypot(r.channels[0]![i]!, r.channels[1]![i]!, r.channels[2]![i]!);
    const meanMag = (r: typeof sit): number =>
      Array.from({ length: 400 }, (_, i) => mag(r, i)).reduce((a, b) => a + b) / 400;
    expect(meanMag(sit)).toBeCloseTo(9.81, 0);
    const std = (x: Float32Array): number => {
      const m = x.reduce((a, b) => a + b, 0) / x.length;
      return Math.sqrt(x.reduce((a, b) => a + (b - m) ** 2, 0) / x.length);
    };
    expect(std(jog.channels[0]!)).toBeGreaterThan(10 * std(sit.channels[0]!));
    expect(jog).toMatchObject({ rateHz: 20, units: ['m/s2', 'm/s2', 'm/s2'], label: 'jogging' });
  });

  it('makes PPG whose annotated breaths give the chosen rate', () => {
    for (const rate of [9, 16, 26]) {
      const rec = synthPpg({ breathRateBpm: rate, seed: rate, seconds: 120 });
      expect(referenceBreathRate(rec, 0, 120)!).toBeCloseTo(rate, 0);
      // The respiratory modulation shows up in the PPG spectrum at the breathing rate.
      const p = rec.channels[0]!;
      expect(dftMag(p, 125, rate / 60)).toBeGreaterThan(5 * dftMag(p, 125, rate / 60 + 0.1));
    }
  });

  it('gives whole synthetic datasets shaped like the real ones', () => {
    const pm = syntheticDataset('predictive-maintenance');
    expect(new Set(pm.map((r) => r.subject))).toEqual(new Set(['cwru_0hp', 'cwru_2hp', 'cwru_3hp']));
    expect(new Set(pm.map((r) => r.label))).toEqual(new Set(['normal', 'inner_race', 'ball', 'outer_race']));
    const wa = syntheticDataset('wearable-activity');
    expect(wa).toHaveLength(48);
    const ppg = syntheticDataset('ppg-triage');
    const labels = new Set(
      frameAll(ppg, { length: 4000, hop: 4000, label: breathClassLabel }).map((w) => w.label),
    );
    expect(labels).toEqual(new Set(['slow', 'normal', 'fast']));
    expect(syntheticDataset('ppg-triage')[3]!.channels[0]).toEqual(ppg[3]!.channels[0]);
  });
});

describe('synthetic fallback', () => {
  const empty = mkdtempSync(join(tmpdir(), 'murmur-nodata-'));

  it('throws by default when the data is missing', async () => {
    await expect(loadDataset('wearable-activity', { dataDir: empty })).rejects.toThrow(/not found/);
  });

  it('returns synthetic data with a loud warning when allowed', async () => {
    let err = '';
    vi.spyOn(process.stderr, 'write').mockImplementation((chunk: unknown) => ((err += String(chunk)), true));
    const recs = await loadDataset('wearable-activity', { dataDir: empty, allowSynthetic: true });
    expect(recs.every((r) => r.meta['synthetic'] === true)).toBe(true);
    expect(err).toMatch(/WARNING: dataset 'wearable-activity' not found.*SYNTHETIC/);
  });
});
