import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadDataset, type Recording } from '@murmur/datasets';
import { buildHost, compileGraph, computeAll, floatBits, interleave, type HostProgram } from '@murmur/dsp';
import { featureGraph } from './features';

const dataDir = process.env.MURMUR_DATA_DIR;
const g = compileGraph(featureGraph);

describe('wearable-activity feature graph', () => {
  it('fits the Arduino Uno budget: no sample window stored, state + scratch + features ≤ 900 bytes', () => {
    expect(g.memory.ringFloats).toBe(0);
    expect(g.memory.ramBytes).toBeLessThanOrEqual(900);
    expect(g.features).toHaveLength(28);
  });
});

describe.skipIf(!dataDir)('wearable-activity features on WISDM', () => {
  let recs: Recording[];
  let host: HostProgram;
  beforeAll(async () => {
    recs = await loadDataset('wearable-activity', { dataDir });
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
  }, 60_000);

  it('separates still from moving activities by the magnitude spread', () => {
    const std = g.features.findIndex((f) => f.name === 'mag_std');
    const subjects = [...new Set(recs.map((r) => r.subject))].slice(0, 10);
    const median = (label: string): number => {
      const v = recs
        .filter((r) => r.label === label && subjects.includes(r.subject))
        .flatMap((r) => computeAll(g, r.channels).map((w) => w.features[std]))
        .sort((a, b) => a - b);
      return v[v.length >> 1];
    };
    expect(median('jogging')).toBeGreaterThan(10 * median('sitting'));
    expect(median('walking')).toBeGreaterThan(5 * median('standing'));
  }, 60_000);
});
