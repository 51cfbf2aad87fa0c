import type { Command } from 'commander';
import type { CommandModule } from './index';
import { UsageError } from '@murmur/core';
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
export async function printDatasets(dataDir?: string): Promise<void> {
  const { summarizeDatasets } = await import('@murmur/datasets');
  const summaries = await summarizeDatasets(dataDir);
  printTable(
    ['dataset', 'from', 'recordings', 'subjects', 'labels (recordings)', 'hours', 'rates (Hz)'],
    summaryRows(summaries),
  );
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
      if (opts.json) {
        const { summarizeDatasets } = await import('@murmur/datasets');
        printJson(await summarizeDatasets(opts.dataDir));
      } else await printDatasets(opts.dataDir);
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
