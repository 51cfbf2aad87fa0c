import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
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

  describe('a CSV cell that is not a plain decimal number', () => {
    /** A wearable-activity dataset of one subject; `cell` is the ax value of the second sample (line 3). */
    const dataset = (cell: string): { root: string; file: string } => {
      const root = mkdtempSync(join(tmpdir(), 'murmur-cli-csv-'));
      mkdirSync(join(root, 'wearable-activity', 'subjects'), { recursive: true });
      writeFileSync(
        join(root, 'wearable-activity', 'subjects.csv'),
        'subject,file,walking,jogging,stairs,sitting,standing,kicking,total_samples\n' +
          '1600,subjects/s.csv,3,0,0,0,0,0,3\n',
      );
      const file = join(root, 'wearable-activity', 'subjects', 's.csv');
      writeFileSync(
        file,
        'subject,label,t_s,ax,ay,az\n' +
          '1600,walking,0,1,2,3\n' +
          `1600,walking,0.05,${cell},2,3\n` +
          '1600,walking,0.1,1,2,3\n',
      );
      return { root, file };
    };

    it.each([
      ['0x10', "expected a number, got '0x10'"],
      [' 1.5 ', "expected a number, got ' 1.5 '"],
      ['1e', "expected a number, got '1e'"],
      ['Infinity', "expected a number, got 'Infinity'"],
      ['', 'empty cell, expected a number'],
    ])('%j: exit 1 naming the file, line and column', async (cell, message) => {
      const { root, file } = dataset(cell);
      const io = capture();
      expect(await run('features', '--app', 'wearable-activity', '--data-dir', root)).toBe(1);
      expect(io.err()).toBe(`murmur: ${file}:3, field 'ax': ${message}\n`);
      expect(io.out()).toBe('');
    });

    it('reads the same file with plain decimals', async () => {
      const { root } = dataset('-1.5e-1');
      const io = capture();
      expect(await run('features', '--app', 'wearable-activity', '--data-dir', root), io.err()).toBe(0);
    });

    it('an unknown label is blamed on its own line of the subject file', async () => {
      const { root, file } = dataset('1');
      writeFileSync(
        file,
        'subject,label,t_s,ax,ay,az\n1600,walking,0,1,2,3\n1600,walking,0.05,1,2,3\n1600,swimming,0.1,1,2,3\n',
      );
      const io = capture();
      expect(await run('features', '--app', 'wearable-activity', '--data-dir', root)).toBe(1);
      expect(io.err()).toMatch(new RegExp(`^murmur: ${file}:4, field 'label': unknown activity 'swimming'`));
    });
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
