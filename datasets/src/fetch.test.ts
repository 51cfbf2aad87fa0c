import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MurmurError } from '@murmur/core';
import { lockPath, readLock } from './catalog';
import { fetchDataset } from './fetch';
import { loadDataset } from './load';
import { referenceBreathRate } from './ppg-triage';
import { synthPpg } from './synthetic';
import { makeZip, MatWriter, sha256, startFixtureServer, type FixtureServer } from './testing/fixtures';

const tmp = (prefix: string): string => mkdtempSync(join(tmpdir(), `murmur-${prefix}-`));

function writeCatalog(dir: string, catalog: object): void {
  writeFileSync(join(dir, `${(catalog as { name: string }).name}.json`), JSON.stringify(catalog));
}

const common = { title: 'fixture', homepage: 'https://example.org/', licence: 'test', citation: ['test'] };

// --- BIDMC originals -------------------------------------------------------------------------
const ppg = synthPpg({ breathRateBpm: 15, seed: 9, seconds: 60 });
const five = (v: number): string => String(Number(v.toFixed(5)));
const signalsCsv = [
  'Time [s], RESP, PLETH, V, AVR, II',
  ...Array.from(ppg.channels[0]!, (p, i) => `${i / 125},${five(ppg.channels[1]![i]!)},${five(p)},0,0,0`),
].join('\n');
const numericsCsv = [
  'Time [s], HR, PULSE, RESP, SpO2',
  ...Array.from({ length: 61 }, (_, t) => `${t},80,79,${t % 10 === 3 ? '' : 15},98`),
].join('\n');
const [ann1, ann2] = ppg.events!.map((e) => e.timesS.map((t) => Math.round(t * 125)));
const breathsCsv = [
  'breaths ann1 [signal sample no], breaths ann2 [signal sample no]',
  ...ann2!.map((s2, i) => `${ann1![i] ?? ''},${s2}`),
].join('\n');
const bidmcFiles: Record<string, string> = {
  'bidmc_csv/bidmc_01_Signals.csv': signalsCsv,
  'bidmc_csv/bidmc_01_Numerics.csv': numericsCsv,
  'bidmc_csv/bidmc_01_Breaths.csv': breathsCsv,
};
const sums = (override: Record<string, string> = {}): string =>
  Object.entries(bidmcFiles)
    .map(([path, body]) => `${override[path] ?? sha256(body)} ${path}`)
    .join('\n');
const ppgCatalog = {
  name: 'ppg-triage',
  ...common,
  sources: [
    {
      id: 'physionet-bidmc-csv',
      baseUrl: 'https://physionet.org/files/bidmc/1.0.0/',
      checksums: 'SHA256SUMS.txt',
      files: Object.keys(bidmcFiles).map((path) => ({ path })),
    },
  ],
  conversion: { format: 'bidmc-csv', description: 'fixture' },
};

describe('fetchDataset against a local HTTP server', () => {
  let server: FixtureServer;
  const catalogDir = tmp('catalog');
  const quiet = { quiet: true, catalogDir };

  beforeAll(async () => {
    server = await startFixtureServer({ ...bidmcFiles, 'SHA256SUMS.txt': sums() });
    writeCatalog(catalogDir, ppgCatalog);
  });
  afterAll(() => server.close());

  it('downloads, verifies against the published SHA256SUMS and converts BIDMC so the loader reads it', async () => {
    const dataDir = tmp('data');
    const result = await fetchDataset('ppg-triage', { ...quiet, dataDir, baseUrl: server.baseUrl });
    expect(result).toMatchObject({ downloaded: 4, reused: 0, converted: 1 });
    const [rec] = await loadDataset('ppg-triage', { dataDir });
    expect(rec).toMatchObject({
      id: 'bidmc_01',
      subject: 'bidmc_01',
      rateHz: 125,
      channelNames: ['pleth', 'resp'],
    });
    expect(rec!.channels[0]).toHaveLength(7501);
    expect(rec!.channels[0]![100]).toBeCloseTo(ppg.channels[0]![100]!, 4);
    expect(rec!.meta['ref_resp_rate_bpm']).toBeCloseTo(referenceBreathRate(ppg, 0, Infinity)!, 1);
    expect(rec!.meta['monitor_resp_rate_median_bpm']).toBe(15);
    const windows = readFileSync(join(dataDir, 'ppg-triage', 'windows_32s.csv'), 'utf8')
      .trim()
      .split('\n');
    expect(windows.slice(1).map((l) => l.split(',').slice(0, 3).join(','))).toEqual([
      'bidmc_01,0,32',
      'bidmc_01,16,48',
    ]);
    // A second run finds everything in place and verified.
    expect(await fetchDataset('ppg-triage', { ...quiet, dataDir, baseUrl: server.baseUrl })).toMatchObject({
      downloaded: 0,
      reused: 4,
    });
  });

  it('rejects a checksum mismatch, naming the file and both hashes, and does not keep the file', async () => {
    const dataDir = tmp('data');
    // A fresh catalog folder: no lock yet for the checksum list itself.
    const freshCatalog = tmp('catalog');
    writeCatalog(freshCatalog, ppgCatalog);
    const wrong = 'ab'.repeat(32);
    server.files.set('SHA256SUMS.txt', Buffer.from(sums({ 'bidmc_csv/bidmc_01_Numerics.csv': wrong })));
    try {
      const err = await fetchDataset('ppg-triage', {
        quiet: true,
        catalogDir: freshCatalog,
        dataDir,
        baseUrl: server.baseUrl,
      }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(MurmurError);
      const message = (err as Error).message;
      expect(message).toContain('bidmc_01_Numerics.csv');
      expect(message).toContain(wrong);
      expect(message).toContain(sha256(numericsCsv));
      const local = join(
        dataDir,
        'ppg-triage',
        'originals',
        'physionet-bidmc-csv',
        'bidmc_csv',
        'bidmc_01_Numerics.csv',
      );
      expect(existsSync(local)).toBe(false);
      expect(existsSync(`${local}.part`)).toBe(false);
    } finally {
      server.files.set('SHA256SUMS.txt', Buffer.from(sums()));
    }
  });

  it('keeps the checksum list itself in the lock file', () => {
    expect(Object.keys(readLock('ppg-triage', catalogDir).files)).toEqual([
      'physionet-bidmc-csv/SHA256SUMS.txt',
    ]);
  });

  it('resumes an interrupted download and a .part left by an earlier run with HTTP Range', async () => {
    const dataDir = tmp('data');
    const dir = join(dataDir, 'ppg-triage', 'originals', 'physionet-bidmc-csv', 'bidmc_csv');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'bidmc_01_Numerics.csv.part'), numericsCsv.slice(0, 300));
    server.cutAfter.set('bidmc_csv/bidmc_01_Signals.csv', 4096);
    server.requests.length = 0;
    await fetchDataset('ppg-triage', { ...quiet, dataDir, baseUrl: server.baseUrl });
    const seen = server.requests.map((r) => `${r.path} ${r.range ?? '-'}`);
    expect(seen).toContain('bidmc_csv/bidmc_01_Signals.csv -');
    expect(seen).toContain('bidmc_csv/bidmc_01_Signals.csv bytes=4096-');
    expect(seen).toContain('bidmc_csv/bidmc_01_Numerics.csv bytes=300-');
    expect(readFileSync(join(dir, 'bidmc_01_Signals.csv'), 'utf8')).toBe(signalsCsv);
    expect(readFileSync(join(dir, 'bidmc_01_Numerics.csv'), 'utf8')).toBe(numericsCsv);
  });

  it('fails with the URL when the server has no such file', async () => {
    const dataDir = tmp('data');
    server.files.delete('bidmc_csv/bidmc_01_Breaths.csv');
    try {
      await expect(
        fetchDataset('ppg-triage', { ...quiet, dataDir, baseUrl: server.baseUrl }),
      ).rejects.toThrow(/bidmc_01_Breaths.csv: HTTP 404/);
    } finally {
      server.files.set('bidmc_csv/bidmc_01_Breaths.csv', Buffer.from(breathsCsv));
    }
  });
});

describe('fetch of the WISDM zip with a lock file', () => {
  const codes = ['A', 'B', 'C', 'D', 'E', 'F', 'M'];
  const accel = (subject: number): string =>
    codes
      .flatMap((code, c) =>
        Array.from(
          { length: 100 },
          (_, i) => `${subject},${code},${1e12 + i * 5e7},${c + i / 100},-${i / 7},9.8${i % 10};`,
        ),
      )
      .join('\n');
  const inner = makeZip({
    'wisdm-dataset/raw/watch/accel/data_1600_accel_watch.txt': accel(1600),
    'wisdm-dataset/raw/watch/accel/data_1601_accel_watch.txt': accel(1601),
    'wisdm-dataset/raw/phone/accel/data_1600_accel_phone.txt': accel(1600),
  });
  const outer = makeZip({ 'wisdm-dataset.zip': inner, 'readme.txt': 'WISDM' }, true);
  const zipName = 'wisdm+smartphone+and+smartwatch+activity+and+biometrics+dataset.zip';

  it('converts the nested zip, records the hash in the lock file and verifies it later', async () => {
    const catalogDir = tmp('catalog');
    writeCatalog(catalogDir, {
      name: 'wearable-activity',
      ...common,
      sources: [
        {
          id: 'uci-wisdm-zip',
          baseUrl: 'https://archive.ics.uci.edu/static/public/507/',
          files: [{ path: zipName }],
        },
      ],
      conversion: {
        format: 'wisdm-watch-accel',
        description: 'fixture',
        activities: { A: 'walking', B: 'jogging', C: 'stairs', D: 'sitting', E: 'standing', M: 'kicking' },
      },
    });
    const server = await startFixtureServer({ [zipName]: outer });
    try {
      const dataDir = tmp('data');
      const opts = { quiet: true, catalogDir, dataDir, baseUrl: server.baseUrl };
      expect(await fetchDataset('wearable-activity', opts)).toMatchObject({
        downloaded: 1,
        locked: 1,
        converted: 2,
      });
      expect(readLock('wearable-activity', catalogDir).files[`uci-wisdm-zip/${zipName}`]).toEqual({
        sha256: sha256(outer),
        bytes: outer.length,
      });
      const recs = await loadDataset('wearable-activity', { dataDir });
      expect(recs).toHaveLength(12);
      const walking = recs.find((r) => r.id === 'wisdm_1601_walking')!;
      expect(walking.channels[0]).toHaveLength(100);
      expect(walking.channels[0]![50]).toBeCloseTo(0.5, 6);
      expect(recs.find((r) => r.id === 'wisdm_1600_kicking')!.channels[2]![3]).toBeCloseTo(9.83, 5);

      // The published file changes: a fresh download no longer matches the lock.
      const changed = makeZip({ 'wisdm-dataset.zip': inner, 'readme.txt': 'WISDM v2' }, true);
      server.files.set(zipName, changed);
      const fresh = tmp('data');
      await expect(fetchDataset('wearable-activity', { ...opts, dataDir: fresh })).rejects.toThrow(
        new RegExp(`checksum mismatch: expected SHA-256 ${sha256(outer)}, got ${sha256(changed)}`),
      );
      expect(existsSync(lockPath('wearable-activity', catalogDir))).toBe(true);
    } finally {
      await server.close();
    }
  });
});

describe('fetch of CWRU MAT-files and IMS snapshots', () => {
  it('converts both into one predictive-maintenance folder', async () => {
    const mat = (no: number, values: number[]): Buffer => {
      const w = new MatWriter();
      const id = `X${String(no).padStart(3, '0')}`;
      w.add(w.matrix(`${id}_DE_time`, [values.length, 1], values));
      w.add(
        w.matrix(
          `${id}_FE_time`,
          [values.length, 1],
          values.map((v) => -v),
        ),
      );
      w.add(w.matrix(`${id}RPM`, [1, 1], [1796], { storeAs: 'uint16' }));
      return w.bytes();
    };
    const fault = Array.from({ length: 4096 }, (_, i) => Math.sin(i / 3) * 0.25 + i * 1e-7);
    const normal = Array.from({ length: 8192 }, (_, i) => Math.cos(i / 5) * 0.05);
    const ims = Array.from({ length: 2048 }, (_, i) =>
      Array.from({ length: 8 }, (_, c) => (((i * (c + 1)) % 7) - 3) / 1000 - 0.09)
        .map((v) => v.toFixed(3))
        .join('\t'),
    ).join('\n');
    const server = await startFixtureServer({
      '105.mat': mat(105, fault),
      '97.mat': mat(97, normal),
      '2003.10.22.12.06.24': ims,
    });
    const catalogDir = tmp('catalog');
    writeCatalog(catalogDir, {
      name: 'predictive-maintenance',
      ...common,
      sources: [
        {
          id: 'cwru-mat',
          baseUrl: 'https://engineering.case.edu/sites/default/files/',
          files: [
            {
              path: '97.mat',
              meta: {
                label: 'normal',
                fault_diameter_in: 0,
                load_hp: 0,
                motor_rpm: 1797,
                fs_hz: 48000,
                cwru_file_no: 97,
              },
            },
            {
              path: '105.mat',
              meta: {
                label: 'inner_race',
                fault_diameter_in: 0.007,
                load_hp: 0,
                motor_rpm: 1797,
                fs_hz: 12000,
                cwru_file_no: 105,
              },
            },
          ],
        },
        {
          id: 'ims-set1',
          baseUrl: 'https://example.org/ims/',
          files: [{ path: '2003.10.22.12.06.24', meta: { label: 'normal', motor_rpm: 2000, fs_hz: 20480 } }],
        },
      ],
      conversion: { format: 'cwru-ims', description: 'fixture', imsChannels: { '1': 1, '2': 3 } },
    });
    try {
      const dataDir = tmp('data');
      const result = await fetchDataset('predictive-maintenance', {
        quiet: true,
        catalogDir,
        dataDir,
        baseUrl: server.baseUrl,
      });
      expect(result).toMatchObject({ downloaded: 3, converted: 4 });
      const recs = await loadDataset('predictive-maintenance', { dataDir });
      expect(recs.map((r) => r.id)).toEqual([
        'cwru_de48k_0hp_normal',
        'cwru_de12k_0hp_inner_race_007',
        'ims_test1_bearing1_ch1_20031022_120624',
        'ims_test1_bearing2_ch3_20031022_120624',
      ]);
      const ir = recs[1]!;
      expect(ir).toMatchObject({ subject: 'cwru_0hp', label: 'inner_race', rateHz: 12000 });
      expect(ir.meta).toMatchObject({ cwru_file_no: 105, fault_diameter_in: 0.007, machine: 'cwru' });
      expect(ir.channels[0]![7]).toBeCloseTo(fault[7]!, 6);
      expect(recs[0]!.rateHz).toBe(48000);
      const b2 = recs[3]!;
      expect(b2).toMatchObject({ subject: 'ims_bearing2', rateHz: 20480 });
      expect(b2.meta).toMatchObject({ machine: 'ims', load_hp: null, unitsDocumented: false });
      expect(b2.channels[0]![5]).toBeCloseTo(Number(ims.split('\n')[5]!.split('\t')[2]), 6);
    } finally {
      await server.close();
    }
  });
});
