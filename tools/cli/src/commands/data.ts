import { readdirSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import type { CommandModule } from './index';
import { MurmurError, UsageError } from '@murmur/core';
import { isSystemError, systemReason } from '../fs-errors';
import type { DatasetName, DatasetSummary } from '@murmur/datasets';
import { DATA_DIR_HELP, printJson, printTable } from '../output';

const DATASET_NAMES: readonly string[] = ['predictive-maintenance', 'wearable-activity', 'ppg-triage'];

function labelText(labels: Record<string, number>): string {
  return Object.entries(labels)
    .map(([label, n]) => `${label} ${n}`)
    .join(', ');
}

function summaryRows(summaries: DatasetSummary[]): (string | number)[][] {
  return summaries.map((s) => {
    if (!s.found) return [s.name, '-', '-', '-', `not found: murmur data fetch ${s.name}`, '-', '-'];
    const from = `${s.source === 'sample' ? 'shipped sample' : s.source} ${s.dir}`;
    if (s.error) return [s.name, from, '-', '-', `unreadable: ${s.error}`, '-', '-'];
    return [
      s.name,
      from,
      s.recordings,
      s.subjects,
      labelText(s.labels),
      s.hours.toFixed(2),
      s.ratesHz.join(', '),
    ];
  });
}

/** Prints the datasets found as a table (where from, recordings, subjects, labels, hours, rates). */
export function printDatasets(summaries: DatasetSummary[]): void {
  printTable(
    ['dataset', 'from', 'recordings', 'subjects', 'labels (recordings)', 'hours', 'rates (Hz)'],
    summaryRows(summaries),
  );
}

/**
 * The data directory given by `--data-dir` or MURMUR_DATA_DIR must be a directory that can be listed: one
 * that is missing or unreadable is a failure naming it, not an empty list.
 */
export function requireDataDir(flag: string | undefined): void {
  const given = flag ?? (process.env['MURMUR_DATA_DIR'] || undefined);
  if (given === undefined) return;
  const how = flag === undefined ? 'MURMUR_DATA_DIR' : '--data-dir';
  const dir = resolve(given);
  try {
    if (!statSync(dir).isDirectory())
      throw new MurmurError(`data directory (${how}) is not a directory`, { file: dir });
    readdirSync(dir);
  } catch (err) {
    if (!isSystemError(err)) throw err;
    const why = err.code === 'ENOENT' ? 'not found' : `cannot be read: ${systemReason(err)}`;
    throw new MurmurError(`data directory (${how}) ${why}`, { file: dir });
  }
}

function datasetName(name: string): DatasetName {
  if (!DATASET_NAMES.includes(name))
    throw new UsageError(`unknown dataset '${name}' (one of: ${DATASET_NAMES.join(', ')})`);
  return name as DatasetName;
}

export function registerData(program: Command): void {
  const data = program
    .command('data')
    .description('datasets: list what is found, fetch and convert the originals');
  data
    .command('list')
    .description(
      'datasets found (--data-dir, MURMUR_DATA_DIR, datasets/cache, the shipped sample): recordings, subjects, labels, hours, rates',
    )
    .option('--data-dir <dir>', DATA_DIR_HELP)
    .option('--json', 'print JSON')
    .action(async (opts: { dataDir?: string; json?: boolean }) => {
      requireDataDir(opts.dataDir);
      const { summarizeDatasets } = await import('@murmur/datasets');
      const summaries = await summarizeDatasets(opts.dataDir);
      if (opts.json) printJson(summaries);
      else printDatasets(summaries);
      // A dataset that is there but cannot be read is a failure, after the list of what could be.
      for (const s of summaries.filter((d) => d.error !== undefined))
        process.stderr.write(`murmur: dataset ${s.name} cannot be read: ${s.error}\n`);
      if (summaries.some((d) => d.error !== undefined)) process.exitCode = 1;
    });
  data
    .command('fetch')
    .description(
      'download the originals listed in datasets/catalog/<name>.json, verify their SHA-256 and convert them',
    )
    .argument('<name>', DATASET_NAMES.join(' | '))
    .option('--data-dir <dir>', DATA_DIR_HELP)
    .option('--base-url <url>', 'fetch every file from <url>/<path> instead of the catalog URLs (a mirror)')
    .action(async (name: string, opts: { dataDir?: string; baseUrl?: string }) => {
      const dataset = datasetName(name);
      if (opts.baseUrl !== undefined && !/^https?:\/\//.test(opts.baseUrl)) {
        throw new UsageError(`--base-url must be an http(s) URL, got '${opts.baseUrl}'`);
      }
      const { fetchDataset } = await import('@murmur/datasets');
      const r = await fetchDataset(dataset, { dataDir: opts.dataDir, baseUrl: opts.baseUrl });
      process.stdout.write(
        `${dataset}: ${r.downloaded} downloaded, ${r.reused} already present, ${r.locked} new hashes locked; ` +
          `converted ${r.converted} into ${r.dir}\n`,
      );
    });
}

export const command: CommandModule = { order: 30, register: registerData };
