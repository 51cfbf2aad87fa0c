import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadDataset, loadPpgNumerics, referenceBreathRate, type Recording } from '@murmur/datasets';
import { buildHost, compileGraph, computeAll, floatBits, interleave, type HostProgram } from '@murmur/dsp';
import { testData } from '@murmur/datasets/testing';
import { featureGraph, RR_QUALITY_THRESHOLD } from './features';

const data = testData('ppg-triage');
// The error figures below are measured on the whole development data (345 windows of 23 patients).
const full = testData('ppg-triage', { full: true });
const g = compileGraph(featureGraph);
const index = (name: string): number => g.features.findIndex((f) => f.name === name);

describe('ppg-triage feature graph', () => {
  it('fits a 16 KB micro:bit (no window of raw samples: the pulse and the PPG kept at 25 Hz) and names its features', () => {
    expect(g.features.map((f) => f.name)).toEqual(
      expect.arrayContaining(['hr_rate', 'rr_rate', 'rr_quality']),
    );
    expect(g.memory.ringFloats).toBe(0);
    expect(g.vectors['pulse']!.type).toMatchObject({ kind: 'signal', rateHz: 25 });
    expect(g.memory.ramBytes).toBeLessThan(13.5 * 1024);
  });

  it('keeps the breathing peak when slow baseline waves (Mayer waves, 0.08–0.12 Hz) are much stronger', () => {
    // 32 s of synthetic PPG: pulses at 80/min whose baseline, amplitude and timing follow 15 breaths/min,
    // plus a baseline wave below the band ten times as strong as the respiratory one (the RIIV-only
    // estimator with the largest bin of 0.1–0.7 Hz read 6.1 and 7.2 breaths/min at 0.1 and 0.12 Hz).
    const rate = 125;
    for (const mayerHz of [0.08, 0.1, 0.12]) {
      let phase = 0;
      const x = Float32Array.from({ length: 32 * rate }, (_, i) => {
        const t = i / rate;
        const breath = Math.sin(2 * Math.PI * 0.25 * t);
        phase += (2 * Math.PI * (80 / 60) * (1 + 0.04 * breath)) / rate;
        const pulse = (1 + 0.15 * breath) * Math.max(0, Math.sin(phase)) ** 3;
        return 2 + pulse + 0.1 * breath + Math.sin(2 * Math.PI * mayerHz * t + 1);
      });
      const [w] = computeAll(g, [x]);
      expect(Math.abs(w!.features[index('rr_rate')]! - 15)).toBeLessThan(1);
      expect(w!.features[index('rr_quality')]!).toBeGreaterThanOrEqual(RR_QUALITY_THRESHOLD);
    }
  });
});

describe.skipIf(data.skip)(data.title('ppg-triage features on BIDMC'), () => {
  let recs: Recording[];
  let host: HostProgram;
  const windows: { rec: Recording; start: number; features: Float32Array }[] = [];
  beforeAll(async () => {
    recs = await loadDataset('ppg-triage', { dataDir: data.dataDir });
    for (const rec of recs) for (const w of computeAll(g, [rec.channels[0]])) windows.push({ rec, ...w });
    host = buildHost([g]);
  }, 120_000);
  afterAll(() => host?.dispose());

  it('C and TS agree to the bit on whole recordings', () => {
    for (const rec of recs.slice(0, 3)) {
      const ts = computeAll(g, [rec.channels[0]]);
      const c = host.run(g.graph.name, interleave([rec.channels[0]]), 5);
      expect(c.length).toBe(ts.length);
      ts.forEach((w, i) => expect(Array.from(c[i], floatBits)).toEqual(Array.from(w.features, floatBits)));
    }
  });

  it.skipIf(full.skip)(
    full.title('estimates the respiratory rate within 2.5 breaths/min MAE of the annotated breaths'),
    () => {
      const errors = windows.flatMap(({ rec, start, features }) => {
        const ref = referenceBreathRate(rec, start / 125, (start + g.graph.window) / 125);
        return ref === null
          ? []
          : [{ err: Math.abs(features[index('rr_rate')] - ref), q: features[index('rr_quality')] }];
      });
      expect(errors.length).toBe(345);
      const mae = (xs: { err: number }[]): number => xs.reduce((s, x) => s + x.err, 0) / xs.length;
      expect(mae(errors)).toBeLessThan(2.5);
      // The quality index flags the worse windows: rejected ones err far more than accepted ones.
      const accepted = errors.filter((e) => e.q >= RR_QUALITY_THRESHOLD);
      const rejected = errors.filter((e) => e.q < RR_QUALITY_THRESHOLD);
      expect(rejected.length / errors.length).toBeLessThan(0.25);
      expect(mae(accepted)).toBeLessThan(mae(errors));
      expect(mae(rejected)).toBeGreaterThan(2 * mae(accepted));
    },
    30_000,
  );

  it.skipIf(full.skip)(
    full.title("measures the heart rate within 3 beats/min of the monitor's pulse rate"),
    async () => {
      let sum = 0;
      let n = 0;
      for (const rec of recs) {
        const num = await loadPpgNumerics(rec.id, data.dataDir);
        for (const w of windows.filter((x) => x.rec === rec)) {
          const t0 = w.start / 125;
          const pulse = Array.from(num.pulse_bpm).filter(
            (v, i) => num.tS[i] >= t0 && num.tS[i] < t0 + 32 && v > 0,
          );
          if (!pulse.length) continue;
          pulse.sort((a, b) => a - b);
          sum += Math.abs(w.features[index('hr_rate')] - pulse[pulse.length >> 1]);
          n++;
        }
      }
      expect(n).toBeGreaterThan(300);
      expect(sum / n).toBeLessThan(3);
    },
    60_000,
  );
});
