import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { MurmurError, workspaceRoot } from '@murmur/core';
import type { DatasetName } from './recording';

/**
 * The small sample of real data that ships in `datasets/samples/`, so that a fresh clone trains, builds
 * and tests without downloading anything. Only datasets whose licence allows redistribution with
 * attribution are sampled (WISDM: CC BY 4.0, BIDMC: ODC-By 1.0); CWRU and IMS publish no licence and
 * are never copied. The files are whole files of the development copy, unchanged, in the same layout,
 * so the same loaders read them; the index CSVs keep only the rows of the sampled subjects.
 */

export interface SampleSpec {
  /** The subjects (WISDM) or recordings (BIDMC) taken. */
  subjects: readonly string[];
  /** How many the whole dataset has, and what they are: "10 of 51 WISDM subjects". */
  of: number;
  noun: string;
  /** Index CSVs whose first column names the subject: only those rows are kept. */
  indexes: readonly string[];
  /** The files of one subject, relative to the dataset folder. */
  files: (subject: string) => string[];
}

export const sampleSpecs: Partial<Record<DatasetName, SampleSpec>> = {
  // Every development subject with all six activities, less 1637, 1639 and 1640 (sampled at about
  // 1/2.5 of the stated 20 Hz), then every 34/10-th of the 34 left in id order: no choice by accuracy.
  'wearable-activity': {
    subjects: ['1600', '1604', '1608', '1613', '1617', '1624', '1627', '1630', '1634', '1643'],
    of: 51,
    noun: 'WISDM subjects',
    indexes: ['subjects.csv'],
    files: (s) => [`subjects/wisdm_watch_${s}.csv.gz`],
  },
  // The only slow-breathing patient (bidmc_27), both fast ones (bidmc_13, bidmc_32) and three of the 20
  // normal ones, evenly spaced in id order (the 1st, 7th and 14th).
  'ppg-triage': {
    subjects: ['bidmc_02', 'bidmc_13', 'bidmc_19', 'bidmc_27', 'bidmc_32', 'bidmc_42'],
    of: 53,
    noun: 'BIDMC recordings',
    indexes: ['recordings.csv', 'windows_32s.csv'],
    files: (r) => [`signals/${r}.csv.gz`, `breaths/${r}_breaths.csv`, `numerics/${r}_numerics.csv.gz`],
  },
};

/** Where the shipped sample lives. */
export const sampleDir = (): string => join(workspaceRoot(), 'datasets', 'samples');

export const SAMPLE_SUMS = 'SHA256SUMS';

const sha256 = (bytes: Buffer): string => createHash('sha256').update(bytes).digest('hex');

/** The rows of an index CSV whose first field is one of `subjects` (header kept, line order kept). */
function filterIndex(text: string, subjects: ReadonlySet<string>, file: string): string {
  const lines = text.split('\n');
  const header = lines[0];
  if (!header) throw new MurmurError('empty index file', { file });
  const kept = lines.slice(1).filter((l) => subjects.has(l.slice(0, l.indexOf(','))));
  return `${[header, ...kept].join('\n')}\n`;
}

/**
 * Writes the sample of every sampled dataset from a development copy (`fromDir/<name>/`) to `toDir`,
 * and the `SHA256SUMS` of every file written. Throws naming the file when one is missing.
 */
export function writeSample(fromDir: string, toDir: string = sampleDir()): string[] {
  const written: string[] = [];
  const put = (path: string, bytes: Buffer): void => {
    mkdirSync(dirname(join(toDir, path)), { recursive: true });
    writeFileSync(join(toDir, path), bytes);
    written.push(path);
  };
  const read = (file: string): Buffer => {
    if (!existsSync(file)) throw new MurmurError('file not found (needed for the sample)', { file });
    return readFileSync(file);
  };
  for (const [name, spec] of Object.entries(sampleSpecs)) {
    const subjects = new Set(spec.subjects);
    for (const index of spec.indexes) {
      const file = join(fromDir, name, index);
      put(`${name}/${index}`, Buffer.from(filterIndex(read(file).toString('utf8'), subjects, file)));
    }
    for (const subject of spec.subjects)
      for (const f of spec.files(subject)) put(`${name}/${f}`, read(join(fromDir, name, f)));
  }
  written.sort();
  const sums = written.map((p) => `${sha256(readFileSync(join(toDir, p)))}  ${p}\n`).join('');
  writeFileSync(join(toDir, SAMPLE_SUMS), sums);
  return written;
}

/** Every file below `dir`, relative to it, in sorted order. */
function listFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => relative(dir, join(e.parentPath, e.name)))
    .sort();
}

/**
 * Checks the sample against its `SHA256SUMS`: every listed file present with that hash, and no data file
 * that is not listed. Returns the problems found (none: the sample is intact).
 */
export function checkSample(dir: string = sampleDir()): string[] {
  const sumsFile = join(dir, SAMPLE_SUMS);
  if (!existsSync(sumsFile)) return [`${sumsFile}: file not found`];
  const problems: string[] = [];
  const listed = new Set<string>();
  readFileSync(sumsFile, 'utf8')
    .split('\n')
    .forEach((line, i) => {
      if (!line) return;
      const m = /^([0-9a-f]{64}) {2}(\S+)$/.exec(line);
      if (!m) return void problems.push(`${sumsFile}:${i + 1}: not '<sha256>  <path>'`);
      const [, hash, path] = m as unknown as [string, string, string];
      listed.add(path);
      const file = join(dir, path);
      if (!existsSync(file)) problems.push(`${file}: listed in ${SAMPLE_SUMS} but missing`);
      else if (sha256(readFileSync(file)) !== hash)
        problems.push(`${file}: SHA-256 differs from ${SAMPLE_SUMS}`);
    });
  for (const name of Object.keys(sampleSpecs))
    for (const path of existsSync(join(dir, name)) ? listFiles(join(dir, name)) : [])
      if (!listed.has(`${name}/${path}`))
        problems.push(`${join(dir, name, path)}: not listed in ${SAMPLE_SUMS}`);
  return problems;
}
