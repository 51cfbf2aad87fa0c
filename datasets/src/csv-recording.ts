import { writeFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { MurmurError } from '@murmur/core';
import { CsvCursor } from './csv';
import { readMaybeGzip } from './files';
import { float32Text } from './float-text';
import type { Recording } from './recording';

/**
 * Plain CSV import/export of one recording: a header row, one row per sample, one column per channel,
 * and optionally a time column. A channel's unit may ride in its header as `name [unit]`.
 * Time columns: `t`, `t_s`, `time`, `time_s` (seconds) or `t_ms`, `time_ms`, `timestamp_ms` (milliseconds).
 */

const SECONDS_COLUMNS = ['t', 't_s', 'time', 'time_s'];
const MILLISECONDS_COLUMNS = ['t_ms', 'time_ms', 'timestamp_ms'];

export interface CsvImportOptions {
  /** File name for error messages (and the default id). */
  file?: string;
  /** Sampling rate; required unless the file has a time column to infer it from. */
  rateHz?: number;
  /** Name of the time column when it is not one of the standard names (values in seconds). */
  timeColumn?: string;
  id?: string;
  subject?: string;
  label?: string;
}

function splitUnit(header: string): { name: string; unit: string } {
  const m = /^(.*?)\s*\[(.*)\]$/.exec(header);
  return m ? { name: m[1]!, unit: m[2]!.trim() } : { name: header, unit: '' };
}

/** Rate from time stamps: 1 / median step; steps must be positive (errors name the line). */
function inferRate(times: number[], file: string, timeLine: (i: number) => number): number {
  if (times.length < 2)
    throw new MurmurError('need at least two rows to infer the sampling rate from the time column', { file });
  const steps: number[] = [];
  for (let i = 1; i < times.length; i++) {
    const step = times[i]! - times[i - 1]!;
    if (!(step > 0)) {
      throw new MurmurError(`time does not increase (${times[i - 1]} then ${times[i]})`, {
        file,
        line: timeLine(i),
      });
    }
    steps.push(step);
  }
  steps.sort((a, b) => a - b);
  const rate = 1 / steps[steps.length >> 1]!;
  const rounded = Math.round(rate * 1000) / 1000;
  return Math.abs(rate - rounded) <= rate * 1e-6 ? rounded : rate;
}

/** Parses a CSV recording from its bytes. */
export function parseCsvRecording(bytes: Uint8Array, opts: CsvImportOptions = {}): Recording {
  const file = opts.file ?? '(csv)';
  const cursor = new CsvCursor(bytes, file);
  const header = cursor.readHeader();
  if (header.length === 1 && header[0] === '')
    throw new MurmurError('empty CSV file (no header row)', { file });
  const lower = header.map((h) => splitUnit(h).name.toLowerCase());
  let timeIndex = opts.timeColumn ? header.findIndex((h) => splitUnit(h).name === opts.timeColumn) : -1;
  if (opts.timeColumn && timeIndex < 0) {
    throw new MurmurError(`no time column '${opts.timeColumn}' (header: ${header.join(',')})`, {
      file,
      line: 1,
    });
  }
  let timeScale = 1;
  if (timeIndex < 0) {
    timeIndex = lower.findIndex((h) => SECONDS_COLUMNS.includes(h));
    if (timeIndex < 0) {
      timeIndex = lower.findIndex((h) => MILLISECONDS_COLUMNS.includes(h));
      timeScale = 1e-3;
    }
  }
  const channelIdx = header.map((_, i) => i).filter((i) => i !== timeIndex);
  if (channelIdx.length === 0)
    throw new MurmurError('no channel columns besides the time column', { file, line: 1 });
  const columns: number[][] = channelIdx.map(() => []);
  const times: number[] = [];
  const lines: number[] = [];
  while (!cursor.atEnd()) {
    lines.push(cursor.line);
    let k = 0;
    for (let i = 0; i < header.length; i++) {
      const value = cursor.number(header[i]!, i === header.length - 1);
      if (i === timeIndex) times.push(value * timeScale);
      else columns[k++]!.push(value);
    }
    cursor.endRow();
  }
  if (lines.length === 0) throw new MurmurError('no data rows', { file });
  let rateHz = opts.rateHz;
  if (rateHz === undefined) {
    if (timeIndex < 0) {
      throw new MurmurError(
        `no sampling rate: give one, or add a time column (${[...SECONDS_COLUMNS, ...MILLISECONDS_COLUMNS].join(', ')})`,
        { file },
      );
    }
    rateHz = inferRate(times, file, (i) => lines[i]!);
  }
  if (!(rateHz > 0) || !Number.isFinite(rateHz))
    throw new MurmurError(`bad sampling rate ${rateHz}`, { file });
  const id = opts.id ?? basename(file).replace(/\.csv(\.gz)?$/i, '');
  return {
    id,
    subject: opts.subject ?? id,
    label: opts.label,
    rateHz,
    channels: columns.map((c) => Float32Array.from(c)),
    channelNames: channelIdx.map((i) => splitUnit(header[i]!).name),
    units: channelIdx.map((i) => splitUnit(header[i]!).unit),
    meta: { source: 'csv' },
  };
}

/** Reads a CSV recording file (`.csv` or `.csv.gz`). */
export async function readCsvRecording(
  file: string,
  opts: Omit<CsvImportOptions, 'file'> = {},
): Promise<Recording> {
  return parseCsvRecording(await readMaybeGzip(file), { ...opts, file });
}

export interface CsvExportOptions {
  /** Write a `t_s` column first (default true). */
  time?: boolean;
}

/** Formats a recording as CSV: `t_s` (optional), then `name [unit]` per channel; floats in shortest form. */
export function formatCsvRecording(rec: Recording, opts: CsvExportOptions = {}): string {
  const time = opts.time ?? true;
  const names = rec.channelNames.map((name, c) => (rec.units[c] ? `${name} [${rec.units[c]}]` : name));
  const out: string[] = [(time ? ['t_s', ...names] : names).join(',')];
  const n = rec.channels[0]?.length ?? 0;
  for (let i = 0; i < n; i++) {
    const cells = rec.channels.map((c) => float32Text(c[i]!));
    if (time) cells.unshift(String(Number((i / rec.rateHz).toPrecision(12))));
    out.push(cells.join(','));
  }
  return `${out.join('\n')}\n`;
}

/** Writes a recording as a CSV file. */
export async function writeCsvRecording(
  file: string,
  rec: Recording,
  opts: CsvExportOptions = {},
): Promise<void> {
  await writeFile(file, formatCsvRecording(rec, opts));
}
