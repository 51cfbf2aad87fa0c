import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { MurmurError } from '@murmur/core';
import { CsvCursor } from './csv';
import { BIDMC_RATE_HZ, breathClass, referenceBreathRate } from './ppg-triage';
import type { Recording } from './recording';

/**
 * Conversion of the PhysioNet BIDMC CSV export (`bidmc_csv/bidmc_NN_{Signals,Numerics,Breaths}.csv`)
 * to the `ppg-triage/` layout: signals, numerics, breaths, recordings.csv and windows_32s.csv.
 */

/** `Time [s]` → `time`, ` PLETH` → `pleth`. */
const columnKey = (header: string): string =>
  header
    .replace(/\[.*\]/, '')
    .trim()
    .toLowerCase();

/** Reads a CSV of numbers into columns keyed by `columnKey`; empty cells are NaN. */
async function readColumns(file: string): Promise<Map<string, number[]>> {
  let bytes: Buffer;
  try {
    bytes = await readFile(file);
  } catch (err) {
    throw new MurmurError('file not found', { file }, { cause: err });
  }
  const cursor = new CsvCursor(bytes, file);
  const header = cursor.readHeader();
  const cols = header.map(() => [] as number[]);
  while (!cursor.atEnd()) {
    header.forEach((name, c) => cols[c]!.push(cursor.number(name, c === header.length - 1, true)));
    cursor.endRow();
  }
  return new Map(header.map((h, c) => [columnKey(h), cols[c]!]));
}

function column(cols: Map<string, number[]>, key: string, file: string): number[] {
  const col = cols.get(key);
  if (!col)
    throw new MurmurError(`missing column '${key}' (has ${[...cols.keys()].join(', ')})`, { file, line: 1 });
  return col;
}

const cell = (v: number | undefined): string => (v === undefined || Number.isNaN(v) ? '' : String(v));
const round = (v: number, digits: number): number => Number(v.toFixed(digits));

function median(values: number[]): number | null {
  const v = values.filter((x) => !Number.isNaN(x)).sort((a, b) => a - b);
  if (v.length === 0) return null;
  const mid = v.length >> 1;
  return v.length % 2 ? v[mid]! : (v[mid - 1]! + v[mid]!) / 2;
}

/** Converts every record found in `<originals>/bidmc_csv/` into `outDir`; returns the record ids. */
export async function convertBidmc(originals: string, outDir: string): Promise<string[]> {
  const src = join(originals, 'bidmc_csv');
  const ids: string[] = [];
  for (let n = 1; n <= 99; n++) {
    const nn = String(n).padStart(2, '0');
    if (existsSync(join(src, `bidmc_${nn}_Signals.csv`))) ids.push(nn);
  }
  if (ids.length === 0) throw new MurmurError('no bidmc_NN_Signals.csv files found', { file: src });
  for (const sub of ['signals', 'numerics', 'breaths']) await mkdir(join(outDir, sub), { recursive: true });
  const recordingsCsv = [
    'record,n_samples,fs_hz,duration_s,ref_resp_rate_bpm,ref_class,monitor_resp_rate_median_bpm',
  ];
  const windowsCsv = ['record,start_s,end_s,ref_resp_rate_bpm,ref_class'];
  const records: string[] = [];
  for (const nn of ids) {
    const record = `bidmc_${nn}`;
    const signalsFile = join(src, `${record}_Signals.csv`);
    const signals = await readColumns(signalsFile);
    const pleth = column(signals, 'pleth', signalsFile);
    const resp = column(signals, 'resp', signalsFile);
    const n = pleth.length;
    const sig = ['t_s,pleth,resp'];
    for (let i = 0; i < n; i++) sig.push(`${round(i / BIDMC_RATE_HZ, 3)},${cell(pleth[i])},${cell(resp[i])}`);
    await writeFile(join(outDir, 'signals', `${record}.csv.gz`), gzipSync(`${sig.join('\n')}\n`));

    const numericsFile = join(src, `${record}_Numerics.csv`);
    const numerics = await readColumns(numericsFile);
    const time = column(numerics, 'time', numericsFile);
    const parts = ['hr', 'pulse', 'resp', 'spo2'].map((k) => numerics.get(k) ?? []);
    const num = ['t_s,hr_bpm,pulse_bpm,resp_rate_bpm,spo2_pct'];
    time.forEach((t, i) => num.push([cell(t), ...parts.map((p) => cell(p[i]))].join(',')));
    await writeFile(join(outDir, 'numerics', `${record}_numerics.csv.gz`), gzipSync(`${num.join('\n')}\n`));

    const breathsFile = join(src, `${record}_Breaths.csv`);
    const breathCols = await readColumns(breathsFile);
    const annotators = [...breathCols.entries()]
      .filter(([k]) => /ann[12]/.test(k))
      .sort(([a], [b]) => (a < b ? -1 : 1));
    if (annotators.length !== 2)
      throw new MurmurError('expected columns for annotators 1 and 2', { file: breathsFile, line: 1 });
    const events: Recording['events'] = [];
    const br = ['annotator,sample,t_s'];
    annotators.forEach(([, samples], a) => {
      const kept = samples.filter((s) => !Number.isNaN(s));
      for (const s of kept) br.push(`${a + 1},${s},${round(s / BIDMC_RATE_HZ, 3)}`);
      events.push({ name: `breaths_ann${a + 1}`, timesS: kept.map((s) => s / BIDMC_RATE_HZ) });
    });
    await writeFile(join(outDir, 'breaths', `${record}_breaths.csv`), `${br.join('\n')}\n`);

    const rec = { events } as Recording;
    const duration = n / BIDMC_RATE_HZ;
    const rate = referenceBreathRate(rec, 0, Infinity);
    const monitor = median(parts[2]!);
    recordingsCsv.push(
      [
        record,
        n,
        BIDMC_RATE_HZ,
        round(duration, 3),
        rate === null ? '' : round(rate, 2),
        rate === null ? '' : breathClass(rate),
        monitor === null ? '' : round(monitor, 2),
      ].join(','),
    );
    for (let start = 0; start + 32 <= duration; start += 16) {
      const r = referenceBreathRate(rec, start, start + 32);
      if (r !== null) windowsCsv.push(`${record},${start},${start + 32},${round(r, 2)},${breathClass(r)}`);
    }
    records.push(record);
  }
  await writeFile(join(outDir, 'recordings.csv'), `${recordingsCsv.join('\n')}\n`);
  await writeFile(join(outDir, 'windows_32s.csv'), `${windowsCsv.join('\n')}\n`);
  return records;
}
