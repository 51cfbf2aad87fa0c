import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadDataset } from './load';
import { checkSample, SAMPLE_SUMS, sampleDir, sampleSpecs, writeSample } from './sample';
import { testData } from './testing/data';

const sample = sampleDir();

describe('the shipped sample (datasets/samples)', () => {
  it('matches its SHA-256 manifest, file for file', () => {
    expect(checkSample(sample)).toEqual([]);
  });

  it('is small: a few MB, and no copy of CWRU or IMS', () => {
    const listed = readFileSync(join(sample, SAMPLE_SUMS), 'utf8').trim().split('\n');
    const bytes = listed.reduce((n, line) => n + readFileSync(join(sample, line.slice(66))).length, 0);
    expect(bytes).toBeLessThan(5_000_000);
    expect(existsSync(join(sample, 'predictive-maintenance'))).toBe(false);
    expect(listed.every((l) => / {2}(wearable-activity|ppg-triage)\//.test(l))).toBe(true);
  });

  it('catches a changed, a missing and an unlisted file', async () => {
    const copy = mkdtempSync(join(tmpdir(), 'murmur-sample-'));
    const { cpSync, rmSync, writeFileSync } = await import('node:fs');
    cpSync(sample, copy, { recursive: true });
    writeFileSync(join(copy, 'ppg-triage', 'recordings.csv'), 'record\n');
    rmSync(join(copy, 'wearable-activity', 'subjects', 'wisdm_watch_1600.csv.gz'));
    writeFileSync(join(copy, 'ppg-triage', 'extra.csv'), '');
    const problems = checkSample(copy).join('\n');
    expect(problems).toContain('recordings.csv: SHA-256 differs');
    expect(problems).toContain('wisdm_watch_1600.csv.gz: listed in SHA256SUMS but missing');
    expect(problems).toContain('extra.csv: not listed in SHA256SUMS');
  });

  it('loads with the same loaders: 10 WISDM subjects with all six activities, 6 BIDMC patients of every class', async () => {
    const wisdm = await loadDataset('wearable-activity', { dataDir: sample, quiet: true });
    expect([...new Set(wisdm.map((r) => r.subject))]).toEqual(sampleSpecs['wearable-activity']!.subjects);
    expect(wisdm).toHaveLength(60);
    expect(new Set(wisdm.map((r) => r.label)).size).toBe(6);
    const bidmc = await loadDataset('ppg-triage', { dataDir: sample, quiet: true });
    expect(bidmc.map((r) => r.id)).toEqual(sampleSpecs['ppg-triage']!.subjects);
    expect(bidmc.map((r) => r.label).sort()).toEqual(['fast', 'fast', 'normal', 'normal', 'normal', 'slow']);
    expect(bidmc.every((r) => r.events!.every((e) => e.timesS.length > 20))).toBe(true);
  });

  const full = testData('wearable-activity', { full: true });
  const fullPpg = testData('ppg-triage', { full: true });
  const both = full.skip ? full : fullPpg;
  it.skipIf(both.skip)(both.title('is exactly what writeSample takes from the development data'), () => {
    const out = mkdtempSync(join(tmpdir(), 'murmur-sample-'));
    writeSample(both.dataDir, out);
    expect(readFileSync(join(out, SAMPLE_SUMS), 'utf8')).toBe(
      readFileSync(join(sample, SAMPLE_SUMS), 'utf8'),
    );
  });
});
