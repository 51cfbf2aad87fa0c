import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { MurmurError } from '@murmur/core';
import type { CatalogFile } from './catalog';
import { readMat } from './mat';

/**
 * Conversion of the vibration originals to the `predictive-maintenance/` layout: CWRU MAT-files (the
 * drive-end matrix `X<NNN>_DE_time`) and IMS Set No. 1 ASCII snapshots (8 tab-separated channels),
 * each to a one-column `accel_g` csv.gz, plus index.csv.
 */

const INDEX_HEADER =
  'file,label,fault_diameter_in,load_hp,motor_rpm,fs_hz,n_samples,duration_s,sensor,cwru_file_no,source,segment';

const num = (meta: CatalogFile['meta'], key: string, where: string): number => {
  const v = meta?.[key];
  if (typeof v !== 'number')
    throw new MurmurError(`catalog file entry needs a numeric meta.${key}`, { file: where });
  return v;
};

async function readOriginal(file: string): Promise<Buffer> {
  try {
    return await readFile(file);
  } catch (err) {
    throw new MurmurError('file not found', { file }, { cause: err });
  }
}

async function writeAccel(outDir: string, name: string, values: string[]): Promise<void> {
  await writeFile(join(outDir, 'recordings', name), gzipSync(`accel_g\n${values.join('\n')}\n`));
}

/** Converts one CWRU MAT-file; returns its index.csv row. */
export async function convertCwruFile(matFile: string, entry: CatalogFile, outDir: string): Promise<string> {
  const meta = entry.meta;
  const no = num(meta, 'cwru_file_no', matFile);
  const load = num(meta, 'load_hp', matFile);
  const fs = num(meta, 'fs_hz', matFile);
  const diameter = num(meta, 'fault_diameter_in', matFile);
  const label = String(meta?.['label'] ?? '');
  const vars = readMat(await readOriginal(matFile), matFile);
  const wanted = `X${String(no).padStart(3, '0')}_DE_time`;
  const de = vars.filter((v) => v.name.endsWith('_DE_time'));
  const v = de.find((x) => x.name === wanted) ?? (de.length === 1 ? de[0] : undefined);
  if (!v) {
    throw new MurmurError(
      `no drive-end matrix '${wanted}' (variables: ${vars.map((x) => x.name).join(', ') || 'none'})`,
      {
        file: matFile,
      },
    );
  }
  const values = Array.from(v.data, (x) => String(Number(x.toFixed(6))));
  const name =
    label === 'normal'
      ? `cwru_de${fs / 1000}k_${load}hp_normal.csv.gz`
      : `cwru_de${fs / 1000}k_${load}hp_${label}_${String(Math.round(diameter * 1000)).padStart(3, '0')}.csv.gz`;
  await writeAccel(outDir, name, values);
  const n = values.length;
  return [
    `recordings/${name}`,
    label,
    diameter,
    load,
    num(meta, 'motor_rpm', matFile),
    fs,
    n,
    Number((n / fs).toFixed(3)),
    'drive_end_accelerometer',
    no,
    `"${entry.path} ${v.name}"`,
    'full',
  ].join(',');
}

/** Converts one IMS snapshot (`YYYY.MM.DD.hh.mm.ss`), one file per bearing; returns index.csv rows. */
export async function convertImsFile(
  file: string,
  entry: CatalogFile,
  outDir: string,
  channels: Record<string, number>,
): Promise<string[]> {
  const text = (await readOriginal(file)).toString('latin1');
  const stamp = /(\d{4})\.(\d{2})\.(\d{2})\.(\d{2})\.(\d{2})\.(\d{2})$/.exec(entry.path);
  if (!stamp) throw new MurmurError('expected an IMS snapshot name YYYY.MM.DD.hh.mm.ss', { file });
  const when = `${stamp[1]}${stamp[2]}${stamp[3]}_${stamp[4]}${stamp[5]}${stamp[6]}`;
  const columns: string[][] = [];
  text.split('\n').forEach((raw, i) => {
    const line = raw.trim();
    if (line === '') return;
    const cells = line.split(/\s+/);
    if (cells.some((c) => !Number.isFinite(Number(c))))
      throw new MurmurError(`expected numbers, got '${line}'`, { file, line: i + 1 });
    cells.forEach((c, k) => (columns[k] ??= []).push(c));
  });
  const fs = num(entry.meta, 'fs_hz', file);
  const rows: string[] = [];
  for (const [bearing, channel] of Object.entries(channels)) {
    const values = columns[channel - 1];
    if (!values)
      throw new MurmurError(`has ${columns.length} channels, channel ${channel} is missing`, { file });
    const name = `ims_test1_bearing${bearing}_ch${channel}_${when}.csv.gz`;
    await writeAccel(outDir, name, values);
    rows.push(
      [
        `recordings/${name}`,
        String(entry.meta?.['label'] ?? 'normal'),
        0,
        'NA',
        num(entry.meta, 'motor_rpm', file),
        fs,
        values.length,
        Number((values.length / fs).toFixed(3)),
        `ims_bearing${bearing}_ch${channel}`,
        'NA',
        `"IMS 1st_test/${entry.path} channel ${channel}"`,
        'full',
      ].join(','),
    );
  }
  return rows;
}

/** Writes index.csv for the converted rows. */
export async function writeVibrationIndex(outDir: string, rows: string[]): Promise<void> {
  await writeFile(join(outDir, 'index.csv'), `${[INDEX_HEADER, ...rows].join('\n')}\n`);
}

export async function ensureRecordingsDir(outDir: string): Promise<void> {
  await mkdir(join(outDir, 'recordings'), { recursive: true });
}
