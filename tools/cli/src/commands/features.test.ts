import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { capture, restoreAfterEach, run } from '../testing';
import { testData } from '@murmur/datasets/testing';

restoreAfterEach();

const data = testData('ppg-triage', { full: true });

describe('murmur features', () => {
  it('exits 2 for an unknown app or a missing --app', async () => {
    const io = capture();
    expect(await run('features', '--app', 'toaster')).toBe(2);
    expect(io.err()).toContain("unknown app 'toaster'");
    expect(await run('features')).toBe(2);
  });

  it.skipIf(data.skip)(
    data.title('writes one CSV row per labelled PPG window with the graph features'),
    async () => {
      const out = join(mkdtempSync(join(tmpdir(), 'murmur-cli-features-')), 'ppg.csv');
      const io = capture();
      expect(await run('features', '--app', 'ppg-triage', '--data-dir', data.dataDir, '--out', out)).toBe(0);
      const lines = readFileSync(out, 'utf8').trim().split('\n');
      const header = lines[0].split(',');
      expect(header.slice(0, 4)).toEqual(['subject', 'label', 'recording', 'window']);
      expect(header).toContain('rr_rate');
      expect(header).toContain('hr_rate');
      // 23 recordings × 15 windows of 32 s, one after the other.
      expect(lines.length - 1).toBe(345);
      expect(lines[1].split(',')).toHaveLength(header.length);
      expect(['slow', 'normal', 'fast']).toContain(lines[1].split(',')[1]);
      expect(io.err()).toContain('wrote 345 windows');
    },
    120_000,
  );
});
