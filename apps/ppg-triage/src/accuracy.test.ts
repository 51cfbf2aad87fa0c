import { beforeAll, describe, expect, it } from 'vitest';
import { loadDataset, type Recording } from '@murmur/datasets';
import { extractAppFeatures, type AppFeatureTable } from '@murmur/dsp';
import { app } from '../app.config';
import { RESP_ESTIMATOR, RR_QUALITY_THRESHOLD } from './features';
import { testData } from '@murmur/datasets/testing';

const data = testData('ppg-triage', { full: true });

interface Report {
  windows: number;
  accuracy: number;
  macroF1: number;
  recall: Record<string, number>;
  confusion: number[][];
}

/**
 * The device's breathing class comes from the estimated respiratory rate (the uplink policy's class rule,
 * nothing trained), so every recording is a held-out recording: the figures are over all 23 development
 * recordings (BIDMC, 32 s windows one after the other).
 */
describe.skipIf(data.skip)(data.title('ppg-triage accuracy on the BIDMC development recordings'), () => {
  let recordings: Recording[];
  let table: AppFeatureTable;
  let task: Record<string, any>;
  beforeAll(async () => {
    recordings = await loadDataset('ppg-triage', { dataDir: data.dataDir });
    table = extractAppFeatures(app.features, recordings);
    task = await app.taskMetrics!({ dataDir: data.dataDir, recordings, table, classes: app.classes });
  }, 120_000);

  it('estimates the respiratory rate within the 2.5 breaths/min goal (MAE), rejected windows included', () => {
    expect(task['windows']).toBe(345);
    expect(task['recordings']).toBe(23);
    expect(task['rrMae'].all).toBeLessThan(2.0); // measured 1.63 (the RIIV-only estimator: 1.92)
    expect(task['rrMae'].trusted).toBeLessThan(1.5);
    expect(task['rrMae'].rejected).toBeGreaterThan(3 * task['rrMae'].trusted);
    const [lo, hi] = task['interval95'].maeAll;
    expect(lo).toBeLessThan(task['rrMae'].all);
    expect(hi).toBeGreaterThan(task['rrMae'].all);
  });

  it('counts the windows it rejects as low quality (about one in eleven)', () => {
    const rejected = task['rejected'];
    expect(rejected.windows).toBe(30);
    expect(rejected.share).toBeCloseTo(30 / 345, 6);
    expect(Object.values(rejected.byReferenceClass as Record<string, number>).reduce((a, b) => a + b)).toBe(
      30,
    );
    expect((task['breathing'] as Report).windows + rejected.windows).toBe(345);
  });

  it('classifies breathing on trusted windows with macro-F1 ≥ 0.70 (goal 0.80 not reached: floor 0.75)', () => {
    const b = task['breathing'] as Report;
    expect(b.macroF1).toBeGreaterThan(0.75);
    for (const c of app.classes) expect(b.recall[c]).toBeGreaterThan(0.7);
    // Always answering "normal" would score 85 % here; the rule must beat it.
    const normal = b.confusion[1]!.reduce((a, x) => a + x, 0) / b.windows;
    expect(b.accuracy).toBeGreaterThan(normal);
  });

  it('reports the same rule on every window, rejected ones included (macro-F1 floor 0.70, measured 0.714)', () => {
    const b = task['breathingWithoutQualityGate'] as Report;
    expect(b.windows).toBe(345);
    expect(b.macroF1).toBeGreaterThan(0.7);
  });

  it("measures the heart rate within 1 beat/min of the monitor's pulse rate", () => {
    expect(task['hrMae'].windows).toBe(345);
    expect(task['hrMae'].mae).toBeLessThan(1);
  });

  it('chooses the estimator and threshold it ships by nested leave-one-recording-out CV, which meets the targets', () => {
    const cv = task['nestedCv'];
    expect(cv.chosen).toEqual({ estimator: RESP_ESTIMATOR, threshold: RR_QUALITY_THRESHOLD });
    expect(cv.rule.windows).toBe(345);
    expect(cv.rule.recordings).toBe(23);
    expect(cv.rule.maeAll).toBeLessThanOrEqual(2.5); // measured 1.71
    expect(cv.rule.macroF1).toBeGreaterThanOrEqual(0.7); // measured 0.769
    expect(cv.rule.rejected).toBeLessThanOrEqual(0.2); // measured 8.7 %
    // The learned gate in place of the threshold does not beat it (why the firmware has no model).
    expect(cv.learnedGate.macroF1).toBeLessThan(cv.rule.macroF1);
  });
});
