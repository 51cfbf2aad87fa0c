import { describe, expect, it } from 'vitest';
import { MurmurError } from '@murmur/core';
import type { AppFeatureTable, FeatureRow } from '@murmur/dsp';
import { compileGraph } from '@murmur/dsp';
import { app } from './index';
import { anomalyMetrics, faultSizeFolds, faultSizeOf, loadFolds } from './evaluation';
import { featureGraph } from './features';

const keys = ['0hp', '2hp'].flatMap((load) => [
  { group: `cwru_${load}`, recording: `cwru_de12k_${load}_ball_007` },
  { group: `cwru_${load}`, recording: `cwru_de12k_${load}_outer_race_021` },
  { group: `cwru_${load}`, recording: `cwru_de12k_${load}_normal_part1_DERIVED_decimated` },
]);

describe('cross-validation schemes', () => {
  it('leave one load out: one fold per subject', () => {
    const folds = loadFolds(keys);
    expect(folds.map((f) => f.name)).toEqual(['cwru_0hp', 'cwru_2hp']);
    expect(keys.filter(folds[1]!.test).every((k) => k.group === 'cwru_2hp')).toBe(true);
  });

  it('leave one fault size out: tests on the fault windows of one diameter, never on healthy ones', () => {
    expect(faultSizeOf('cwru_de12k_3hp_inner_race_014')).toBe('014');
    expect(faultSizeOf('cwru_de12k_0hp_normal_part1_DERIVED_decimated')).toBeUndefined();
    const folds = faultSizeFolds(keys);
    expect(folds.map((f) => f.name)).toEqual(['0.007 in', '0.021 in']);
    expect(keys.filter(folds[0]!.test).map((k) => k.recording)).toEqual([
      'cwru_de12k_0hp_ball_007',
      'cwru_de12k_2hp_ball_007',
    ]);
    expect(keys.some((k) => k.recording.includes('normal') && folds.some((f) => f.test(k)))).toBe(false);
  });

  it('refuses data with a single load or fault size, naming the field', () => {
    expect(() => loadFolds(keys.slice(0, 3))).toThrow(MurmurError);
    expect(() => faultSizeFolds(keys.filter((k) => !k.recording.includes('021')))).toThrow(/fault diameters/);
  });
});

describe('anomaly ROC-AUC', () => {
  const features = compileGraph(featureGraph).features;
  const rms = features.findIndex((f) => f.name === 'x_std');
  const row = (subject: string, label: string, window: number, level: number): FeatureRow => {
    const x = new Float32Array(features.length).map((_, i) =>
      i === rms ? level : 1 + 0.01 * ((window * 7 + i) % 5),
    );
    return { recording: `${subject}_${label}`, subject, label, window, start: window * 2048, features: x };
  };
  const table = (rows: FeatureRow[]): AppFeatureTable => ({ features, rows, skipped: [] });

  it('commissions on the first half of the healthy windows and separates faults by their deviation', () => {
    const healthy = Array.from({ length: 10 }, (_, w) => row('cwru_0hp', 'normal', w, 0.1 + 0.001 * (w % 3)));
    const faults = Array.from({ length: 6 }, (_, w) => row('cwru_0hp', 'ball', w, 0.5));
    const other = Array.from({ length: 4 }, (_, w) => row('cwru_2hp', 'inner_race', w, 0.4));
    const m = anomalyMetrics({
      dataDir: '',
      recordings: [],
      table: table([...faults, ...healthy, ...other]),
      classes: app.classes,
    });
    expect(m['anomalyRocAuc']).toBe(1);
    expect(m['anomalyRocAucSameSubject']).toBe(1);
    const anomaly = m['anomaly'] as { subjects: Record<string, unknown>[]; skipped: string[] };
    expect(anomaly.subjects[0]).toMatchObject({
      subject: 'cwru_0hp',
      commissioningWindows: 5,
      healthyScored: 5,
      faultScored: 6,
    });
    expect(anomaly.skipped).toEqual(['cwru_2hp: 0 healthy windows']);
  });

  it('is NaN, with the reason, when no subject has enough healthy windows', () => {
    const rows = [row('cwru_0hp', 'normal', 0, 0.1), row('cwru_0hp', 'ball', 0, 0.5)];
    const m = anomalyMetrics({ dataDir: '', recordings: [], table: table(rows), classes: app.classes });
    expect(m['anomalyRocAuc']).toBeNaN();
    expect((m['anomaly'] as { skipped: string[] }).skipped).toEqual(['cwru_0hp: 1 healthy windows']);
  });
});
