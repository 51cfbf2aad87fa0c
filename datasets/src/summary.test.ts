import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { summarizeDatasets, summarizeRecordings } from './summary';
import { syntheticDataset } from './synthetic';

describe('dataset summaries', () => {
  it('counts recordings, subjects, labels, hours and rates', () => {
    const s = summarizeRecordings('wearable-activity', '/x', syntheticDataset('wearable-activity'));
    expect(s).toMatchObject({ recordings: 48, subjects: 8, ratesHz: [20], channels: ['ax', 'ay', 'az'] });
    expect(s.labels['walking']).toBe(8);
    expect(s.hours).toBeCloseTo((48 * 120) / 3600, 6);
  });

  it('reports absent datasets as not found and unreadable ones with their error', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'murmur-sum-'));
    mkdirSync(join(dir, 'ppg-triage'));
    writeFileSync(join(dir, 'ppg-triage', 'recordings.csv'), 'record\nbidmc_01\n');
    const all = await summarizeDatasets(dir);
    expect(all.map((s) => [s.name, s.found])).toEqual([
      ['predictive-maintenance', false],
      ['wearable-activity', false],
      ['ppg-triage', true],
    ]);
    expect(all[2]!.error).toMatch(/recordings.csv.*missing column 'n_samples'/);
  });
});
