import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { convertBidmc } from './convert-ppg';
import { testData } from './testing/data';

const data = testData('ppg-triage', { full: true });

/**
 * Rebuilds PhysioNet-style originals (bidmc_NN_{Signals,Numerics,Breaths}.csv) from the shared copy of a
 * few records and checks that the conversion gives back the same files, reference rates and windows.
 */
describe.skipIf(data.skip)(data.title('BIDMC conversion against the shared copy'), () => {
  const shared = join(data.dataDir, 'ppg-triage');
  const records = ['bidmc_13', 'bidmc_19'];

  it('reproduces signals, breaths, recordings.csv and windows_32s.csv', async () => {
    const originals = mkdtempSync(join(tmpdir(), 'murmur-bidmc-'));
    const out = mkdtempSync(join(tmpdir(), 'murmur-bidmc-out-'));
    const src = join(originals, 'bidmc_csv');
    mkdirSync(src);
    const gz = (file: string): string[] =>
      gunzipSync(readFileSync(join(shared, file)))
        .toString()
        .trim()
        .split('\n');
    for (const record of records) {
      const signals = gz(`signals/${record}.csv.gz`).slice(1);
      writeFileSync(
        join(src, `${record}_Signals.csv`),
        [
          'Time [s], RESP, PLETH, V, AVR, II',
          ...signals.map((l) => {
            const [t, p, r] = l.split(',');
            return `${t},${r},${p},0,0,0`;
          }),
        ].join('\n'),
      );
      const numerics = gz(`numerics/${record}_numerics.csv.gz`).slice(1);
      writeFileSync(
        join(src, `${record}_Numerics.csv`),
        ['Time [s], HR, PULSE, RESP, SpO2', ...numerics].join('\n'),
      );
      const breaths = readFileSync(join(shared, 'breaths', `${record}_breaths.csv`), 'utf8')
        .trim()
        .split('\n')
        .slice(1);
      const cols = [1, 2].map((a) =>
        breaths.filter((l) => l.startsWith(`${a},`)).map((l) => l.split(',')[1]!),
      );
      const rows = Array.from(
        { length: Math.max(cols[0]!.length, cols[1]!.length) },
        (_, i) => `${cols[0]![i] ?? ''},${cols[1]![i] ?? ''}`,
      );
      writeFileSync(
        join(src, `${record}_Breaths.csv`),
        ['breaths ann1 [signal sample no], breaths ann2 [signal sample no]', ...rows].join('\n'),
      );
    }
    expect(await convertBidmc(originals, out)).toEqual(records);
    const lines = (file: string): string[] => readFileSync(file, 'utf8').trim().split('\n');
    const sharedRecordings = lines(join(shared, 'recordings.csv')).filter((l) =>
      records.some((r) => l.startsWith(`${r},`)),
    );
    expect(lines(join(out, 'recordings.csv')).slice(1)).toEqual(sharedRecordings);
    const sharedWindows = lines(join(shared, 'windows_32s.csv')).filter((l) =>
      records.some((r) => l.startsWith(`${r},`)),
    );
    expect(lines(join(out, 'windows_32s.csv')).slice(1)).toEqual(sharedWindows);
    for (const record of records) {
      expect(lines(join(out, 'breaths', `${record}_breaths.csv`))).toEqual(
        lines(join(shared, 'breaths', `${record}_breaths.csv`)),
      );
      // The shared copy rounds t_s to 5 significant digits; the conversion writes sample / 125 exactly.
      const values = (rows: string[]): string[] => rows.map((l) => l.slice(l.indexOf(',') + 1));
      const got = values(
        gunzipSync(readFileSync(join(out, 'signals', `${record}.csv.gz`)))
          .toString()
          .trim()
          .split('\n'),
      );
      const want = values(gz(`signals/${record}.csv.gz`));
      expect(got.length).toBe(want.length);
      const firstDifference = got.findIndex((row, i) => row !== want[i]);
      expect(firstDifference, `${record}: ${got[firstDifference]} vs ${want[firstDifference]}`).toBe(-1);
    }
  });
});
