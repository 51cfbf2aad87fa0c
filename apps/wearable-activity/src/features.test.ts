import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadDataset, type Recording } from '@murmur/datasets';
import { buildHost, compileGraph, computeAll, floatBits, interleave, type HostProgram } from '@murmur/dsp';
import { featureGraph } from './features';
import { testData } from '@murmur/datasets/testing';

const data = testData('wearable-activity');
const g = compileGraph(featureGraph);

describe('wearable-activity feature graph', () => {
  it('fits the Arduino Uno budget: no sample window stored, state + scratch + features ≤ 1,200 bytes', () => {
    expect(g.memory.ringFloats).toBe(0);
    expect(g.memory.ramBytes).toBeLessThanOrEqual(1200);
    expect(g.features).toHaveLength(30);
  });
});

describe.skipIf(data.skip)(data.title('wearable-activity features on WISDM'), () => {
  let recs: Recording[];
  let host: HostProgram;
  beforeAll(async () => {
    recs = await loadDataset('wearable-activity', { dataDir: data.dataDir });
    host = buildHost([g]);
  }, 120_000);
  afterAll(() => host?.dispose());

  it('C and TS agree to the bit on every activity of several subjects', () => {
    const subjects = [...new Set(recs.map((r) => r.subject))].slice(0, 3);
    const sample = recs.filter((r) => subjects.includes(r.subject));
    expect(new Set(sample.map((r) => r.label)).size).toBe(6);
    for (const rec of sample) {
      const ts = computeAll(g, rec.channels);
      const c = host.run(g.graph.name, interleave(rec.channels), 9);
      expect(c.length).toBe(ts.length);
      ts.forEach((w, i) => expect(Array.from(c[i], floatBits)).toEqual(Array.from(w.features, floatBits)));
    }
  });

  /** Median of one feature over the windows of an activity, for the first 10 subjects. */
  const median = (feature: string, label: string): number => {
    const at = g.features.findIndex((f) => f.name === feature);
    const subjects = [...new Set(recs.map((r) => r.subject))].slice(0, 10);
    const v = recs
      .filter((r) => r.label === label && subjects.includes(r.subject))
      .flatMap((r) => computeAll(g, r.channels).map((w) => w.features[at]))
      .sort((a, b) => a - b);
    return v[v.length >> 1];
  };

  it('separates still from moving activities by the magnitude spread', () => {
    expect(median('mag_std', 'jogging')).toBeGreaterThan(10 * median('mag_std', 'sitting'));
    expect(median('mag_std', 'walking')).toBeGreaterThan(5 * median('mag_std', 'standing'));
  });

  it('finds the arm swing of a stride, and walking more regular than climbing stairs', () => {
    const period = (label: string): number => median('jerk_mag_acf_period', label);
    const strength = (label: string): number => median('jerk_mag_acf_strength', label);
    expect(period('walking')).toBeGreaterThan(0.8);
    expect(period('walking')).toBeLessThan(1.3);
    expect(period('jogging')).toBeLessThan(period('walking'));
    expect(strength('walking')).toBeGreaterThan(1.5 * strength('stairs'));
    expect(strength('jogging')).toBeGreaterThan(3 * strength('sitting'));
  });
});
