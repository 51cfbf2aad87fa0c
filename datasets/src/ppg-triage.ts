import { join } from 'node:path';
import { MurmurError } from '@murmur/core';
import { CsvCursor } from './csv';
import { mapLimit, readCsvTable, readMaybeGzip, requireDir } from './files';
import { resolveDataSource } from './datadir';
import type { Recording } from './recording';
import type { WindowLabeler } from './window';

/**
 * Loader for `ppg-triage/`: BIDMC PPG and Respiration recordings (125 Hz PLETH and RESP in normalised
 * units) with the breath annotations of two annotators as events `breaths_ann1` / `breaths_ann2`.
 */

export const PPG_TRIAGE = 'ppg-triage';
export const BIDMC_RATE_HZ = 125;
export const breathClasses = ['slow', 'normal', 'fast'] as const;
export type BreathClass = (typeof breathClasses)[number];

const SIGNAL_COLUMNS = ['t_s', 'pleth', 'resp'];
const NUMERIC_COLUMNS = ['t_s', 'hr_bpm', 'pulse_bpm', 'resp_rate_bpm', 'spo2_pct'] as const;

/** The monitor's 1 Hz numerics of one record; empty fields are NaN. */
export interface PpgNumerics {
  record: string;
  tS: Float64Array;
  hr_bpm: Float32Array;
  pulse_bpm: Float32Array;
  resp_rate_bpm: Float32Array;
  spo2_pct: Float32Array;
}

/** Breath class by rate in breaths/min: < 12 slow, 12–20 normal, > 20 fast. */
export function breathClass(rateBpm: number): BreathClass {
  if (rateBpm < 12) return 'slow';
  if (rateBpm > 20) return 'fast';
  return 'normal';
}

/**
 * 60 / mean inter-breath interval of the breath times in [startS, endS), or null with fewer than two.
 * The mean of consecutive differences is taken in the order the annotation file lists the breaths,
 * which is how the dataset's reference rates were computed (see `referenceBreathRate`).
 */
function annotatorRate(timesS: readonly number[], startS: number, endS: number): number | null {
  let first = NaN;
  let last = NaN;
  let n = 0;
  for (const t of timesS) {
    if (t < startS || t >= endS) continue;
    if (n === 0) first = t;
    last = t;
    n++;
  }
  return n >= 2 ? (60 * (n - 1)) / (last - first) : null;
}

/**
 * The reference breathing rate (breaths/min) of a window, exactly as the dataset's `windows_32s.csv`
 * and `recordings.csv` define it: per annotator, 60 / mean inter-breath interval of the annotated
 * breaths with startS <= t < endS, then averaged over the annotators that have at least two breaths
 * there; null if none has. Intervals follow the order of the annotation file, which is not always
 * sorted in BIDMC (bidmc_19, annotator 2, lists one breath late); this keeps the labels identical to
 * the published ones.
 */
export function referenceBreathRate(rec: Recording, startS: number, endS: number): number | null {
  const rates: number[] = [];
  for (const ev of rec.events ?? []) {
    if (!ev.name.startsWith('breaths_')) continue;
    const r = annotatorRate(ev.timesS, startS, endS);
    if (r !== null) rates.push(r);
  }
  return rates.length ? rates.reduce((a, b) => a + b, 0) / rates.length : null;
}

async function readSignals(file: string, expected: number): Promise<[Float32Array, Float32Array]> {
  const cursor = new CsvCursor(await readMaybeGzip(file), file);
  cursor.header(SIGNAL_COLUMNS);
  const pleth = new Float32Array(expected);
  const resp = new Float32Array(expected);
  let n = 0;
  while (!cursor.atEnd()) {
    cursor.number('t_s');
    const p = cursor.number('pleth', false, true);
    const r = cursor.number('resp', true, true);
    if (n < expected) {
      pleth[n] = p;
      resp[n] = r;
    }
    n++;
    cursor.endRow();
  }
  if (n !== expected)
    throw new MurmurError(`holds ${n} samples but recordings.csv says n_samples = ${expected}`, { file });
  return [pleth, resp];
}

async function readBreaths(file: string): Promise<[number[], number[]]> {
  const table = (await readCsvTable(file)).require('annotator', 'sample', 't_s');
  const byAnnotator: [number[], number[]] = [[], []];
  for (const row of table.rows) {
    const annotator = row.int('annotator');
    if (annotator !== 1 && annotator !== 2)
      throw row.error(`annotator must be 1 or 2, got ${annotator}`, 'annotator');
    byAnnotator[annotator - 1].push(row.int('sample') / BIDMC_RATE_HZ);
  }
  return byAnnotator;
}

/** Loads every record listed in `<dataDir>/ppg-triage/recordings.csv` (default data directory: see `resolveDataDir`). */
export async function loadPpgTriage(
  dataDir: string = resolveDataSource(PPG_TRIAGE).dataDir,
): Promise<Recording[]> {
  const root = join(dataDir, PPG_TRIAGE);
  await requireDir(root, 'dataset ppg-triage');
  const index = (await readCsvTable(join(root, 'recordings.csv'))).require(
    'record',
    'n_samples',
    'fs_hz',
    'ref_resp_rate_bpm',
    'ref_class',
    'monitor_resp_rate_median_bpm',
  );
  return mapLimit(index.rows, 8, async (row): Promise<Recording> => {
    const record = row.str('record');
    const refClass = row.str('ref_class');
    if (!(breathClasses as readonly string[]).includes(refClass))
      throw row.error(`unknown class '${refClass}' (one of: ${breathClasses.join(', ')})`, 'ref_class');
    const rateHz = row.num('fs_hz');
    if (rateHz !== BIDMC_RATE_HZ) throw row.error(`expected ${BIDMC_RATE_HZ} Hz, got ${rateHz}`, 'fs_hz');
    const [pleth, resp] = await readSignals(join(root, 'signals', `${record}.csv.gz`), row.int('n_samples'));
    const [ann1, ann2] = await readBreaths(join(root, 'breaths', `${record}_breaths.csv`));
    return {
      id: record,
      subject: record,
      label: refClass,
      rateHz,
      channels: [pleth, resp],
      channelNames: ['pleth', 'resp'],
      units: ['nu', 'nu'],
      // Breath times in the order the annotation file lists them (not always sorted, see referenceBreathRate).
      events: [
        { name: 'breaths_ann1', timesS: ann1 },
        { name: 'breaths_ann2', timesS: ann2 },
      ],
      meta: {
        ref_resp_rate_bpm: row.num('ref_resp_rate_bpm'),
        ref_class: refClass,
        monitor_resp_rate_median_bpm: row.numOrNull('monitor_resp_rate_median_bpm', ''),
      },
    };
  });
}

/** Loads the 1 Hz monitor numerics of one record (`numerics/<record>_numerics.csv.gz`). */
export async function loadPpgNumerics(
  record: string,
  dataDir: string = resolveDataSource(PPG_TRIAGE).dataDir,
): Promise<PpgNumerics> {
  const file = join(dataDir, PPG_TRIAGE, 'numerics', `${record}_numerics.csv.gz`);
  const cursor = new CsvCursor(await readMaybeGzip(file), file);
  cursor.header(NUMERIC_COLUMNS);
  const cols: number[][] = NUMERIC_COLUMNS.map(() => []);
  while (!cursor.atEnd()) {
    NUMERIC_COLUMNS.forEach((name, c) =>
      cols[c]!.push(cursor.number(name, c === NUMERIC_COLUMNS.length - 1, c > 0)),
    );
    cursor.endRow();
  }
  return {
    record,
    tS: Float64Array.from(cols[0]!),
    hr_bpm: Float32Array.from(cols[1]!),
    pulse_bpm: Float32Array.from(cols[2]!),
    resp_rate_bpm: Float32Array.from(cols[3]!),
    spo2_pct: Float32Array.from(cols[4]!),
  };
}

/**
 * Window labeler for `frameWindows`: the breath class of the window's reference rate, or null (window
 * dropped) when neither annotator marked two breaths inside it.
 */
export const breathClassLabel: WindowLabeler = (rec, start, length) => {
  const rate = referenceBreathRate(rec, start / rec.rateHz, (start + length) / rec.rateHz);
  return rate === null ? null : breathClass(rate);
};
