import { basename, join } from 'node:path';
import { MurmurError } from '@murmur/core';
import { CsvCursor, type CsvRow } from './csv';
import { mapLimit, readCsvTable, readMaybeGzip, requireDir } from './files';
import { resolveDataSource } from './datadir';
import type { Recording } from './recording';

/**
 * Loader for `predictive-maintenance/`: CWRU drive-end bearing vibration (12 kHz faults, 48 kHz normal
 * baseline with a DERIVED 12 kHz decimated copy) plus healthy NASA IMS snapshots at 20,480 Hz.
 * Every row of `index.csv` becomes one Recording with a single `accel` channel in g.
 */

export const PREDICTIVE_MAINTENANCE = 'predictive-maintenance';

const INDEX_COLUMNS = [
  'file',
  'label',
  'fault_diameter_in',
  'load_hp',
  'motor_rpm',
  'fs_hz',
  'n_samples',
  'duration_s',
  'sensor',
  'cwru_file_no',
  'source',
  'segment',
];

/** The bearing states the recordings are labelled with. */
export const bearingStates = ['normal', 'inner_race', 'ball', 'outer_race'] as const;

/** Bearing defect frequencies of the CWRU drive-end bearing (SKF 6205-2RS) as multiples of shaft speed. */
export const cwruBearingOrders = { bpfi: 5.4152, bpfo: 3.5848, bsf: 2.357, ftf: 0.3983 } as const;

/** Reads one single-column `accel_g` file into a Float32Array, checking its length against the index. */
async function readAccel(file: string, expected: number): Promise<Float32Array> {
  const cursor = new CsvCursor(await readMaybeGzip(file), file);
  cursor.header(['accel_g']);
  const out = new Float32Array(expected);
  let n = 0;
  while (!cursor.atEnd()) {
    const value = cursor.number('accel_g', true);
    if (n < expected) out[n] = value;
    n++;
    cursor.endRow();
  }
  if (n !== expected) {
    throw new MurmurError(`holds ${n} samples but index.csv says n_samples = ${expected}`, { file });
  }
  return out;
}

function subjectOf(row: CsvRow, machine: 'cwru' | 'ims', loadHp: number | null): string {
  if (machine === 'cwru') {
    if (loadHp === null) throw row.error('a CWRU row needs a motor load', 'load_hp');
    return `cwru_${loadHp}hp`;
  }
  const m = /^ims_bearing(\d+)_ch\d+$/.exec(row.str('sensor'));
  if (!m) throw row.error(`expected 'ims_bearing<N>_ch<C>', got '${row.str('sensor')}'`, 'sensor');
  return `ims_bearing${m[1]}`;
}

/** Loads every recording listed in `<dataDir>/predictive-maintenance/index.csv`. */
export async function loadPredictiveMaintenance(
  dataDir: string = resolveDataSource(PREDICTIVE_MAINTENANCE).dataDir,
): Promise<Recording[]> {
  const root = join(dataDir, PREDICTIVE_MAINTENANCE);
  await requireDir(root, 'dataset predictive-maintenance');
  const index = (await readCsvTable(join(root, 'index.csv'))).require(...INDEX_COLUMNS);
  return mapLimit(index.rows, 8, async (row) => {
    const file = row.str('file');
    const label = row.str('label');
    if (!(bearingStates as readonly string[]).includes(label))
      throw row.error(`unknown bearing state '${label}' (one of: ${bearingStates.join(', ')})`, 'label');
    const sensor = row.str('sensor');
    const machine = sensor.startsWith('ims_') ? 'ims' : 'cwru';
    const loadHp = row.numOrNull('load_hp');
    const rateHz = row.num('fs_hz');
    const nSamples = row.int('n_samples');
    const segment = row.str('segment');
    const accel = await readAccel(join(root, file), nSamples);
    return {
      id: basename(file).replace(/\.csv(\.gz)?$/, ''),
      subject: subjectOf(row, machine, loadHp),
      label,
      rateHz,
      channels: [accel],
      channelNames: ['accel'],
      units: ['g'],
      meta: {
        machine,
        fault_diameter_in: row.numOrNull('fault_diameter_in'),
        load_hp: loadHp,
        motor_rpm: row.num('motor_rpm'),
        fs_hz: rateHz,
        sensor,
        cwru_file_no: row.numOrNull('cwru_file_no'),
        source: row.str('source'),
        segment,
        derived: segment.includes('DERIVED'),
        unitsDocumented: machine === 'cwru',
      },
    } satisfies Recording;
  });
}
