import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { capture, restoreAfterEach, run } from '../testing';
import { testData } from '@murmur/datasets/testing';

restoreAfterEach();

// The counts of the whole development data of all three datasets.
const everyDataset = (['predictive-maintenance', 'wearable-activity', 'ppg-triage'] as const).map((d) =>
  testData(d, { full: true }),
);
const data = everyDataset.find((d) => d.skip) ?? everyDataset[0]!;

describe('murmur data', () => {
  it('lists nothing found in an empty directory, as a table and as JSON', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'murmur-cli-data-'));
    const io = capture();
    expect(await run('data', 'list', '--data-dir', empty)).toBe(0);
    expect(io.out()).toContain('not found: murmur data fetch wearable-activity');
    const before = io.out().length;
    expect(await run('data', 'list', '--data-dir', empty, '--json')).toBe(0);
    const list = JSON.parse(io.out().slice(before)) as { name: string; found: boolean }[];
    expect(list.map((d) => d.found)).toEqual([false, false, false]);
  });

  it('exits 1 with one line naming a data directory that is missing or not a directory', async () => {
    const root = mkdtempSync(join(tmpdir(), 'murmur-cli-data-'));
    const missing = join(root, 'none');
    const file = join(root, 'a-file');
    writeFileSync(file, '');
    const io = capture();
    expect(await run('data', 'list', '--data-dir', missing)).toBe(1);
    expect(io.err()).toBe(`murmur: ${missing}: data directory (--data-dir) not found\n`);
    expect(io.out()).toBe('');
    let before = io.err().length;
    expect(await run('data', 'list', '--data-dir', file, '--json')).toBe(1);
    expect(io.err().slice(before)).toBe(`murmur: ${file}: data directory (--data-dir) is not a directory\n`);
    before = io.err().length;
    vi.stubEnv('MURMUR_DATA_DIR', missing);
    try {
      expect(await run('data', 'list')).toBe(1);
    } finally {
      vi.unstubAllEnvs();
    }
    expect(io.err().slice(before)).toBe(`murmur: ${missing}: data directory (MURMUR_DATA_DIR) not found\n`);
    expect(io.out()).toBe('');
  });

  it('lists a dataset that cannot be read and exits 1 naming the file and line', async () => {
    const root = mkdtempSync(join(tmpdir(), 'murmur-cli-data-'));
    mkdirSync(join(root, 'ppg-triage'));
    const index = join(root, 'ppg-triage', 'recordings.csv');
    writeFileSync(
      index,
      'record,n_samples,fs_hz,duration_s,ref_resp_rate_bpm,ref_class,monitor_resp_rate_median_bpm\n' +
        'bidmc_01,0x10,125,0.024,15,normal,15\n',
    );
    const io = capture();
    expect(await run('data', 'list', '--data-dir', root)).toBe(1);
    expect(io.out()).toMatch(/ppg-triage .* unreadable: /);
    expect(io.err()).toBe(
      `murmur: dataset ppg-triage cannot be read: ${index}:2, field 'n_samples': expected a number, got '0x10'\n`,
    );
  });

  it.skipIf(data.skip)(
    data.title('lists the real datasets with their counts'),
    async () => {
      const io = capture();
      expect(await run('data', 'list', '--json', '--data-dir', data.dataDir)).toBe(0);
      const list = JSON.parse(io.out()) as {
        name: string;
        recordings: number;
        subjects: number;
        ratesHz: number[];
      }[];
      expect(list.map((d) => [d.name, d.recordings, d.subjects])).toEqual([
        ['predictive-maintenance', 179, 6],
        ['wearable-activity', 227, 38],
        ['ppg-triage', 23, 23],
      ]);
      expect(list[0]!.ratesHz).toEqual([12000, 20480, 48000]);
    },
    60_000,
  );

  it('rejects an unknown dataset or a bad --base-url with exit code 2', async () => {
    const io = capture();
    expect(await run('data', 'fetch', 'no-such-data')).toBe(2);
    expect(io.err()).toContain("unknown dataset 'no-such-data'");
    expect(await run('data', 'fetch', 'ppg-triage', '--base-url', 'ftp://x')).toBe(2);
  });

  it('fails with exit code 1 naming the URL when the mirror lacks a file', async () => {
    const server = createServer((_req, res) => res.writeHead(404).end());
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    try {
      const io = capture();
      const target = mkdtempSync(join(tmpdir(), 'murmur-cli-fetch-'));
      expect(
        await run(
          'data',
          'fetch',
          'ppg-triage',
          '--data-dir',
          target,
          '--base-url',
          `http://127.0.0.1:${port}`,
        ),
      ).toBe(1);
      expect(io.err()).toContain(`http://127.0.0.1:${port}/SHA256SUMS.txt: HTTP 404`);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
