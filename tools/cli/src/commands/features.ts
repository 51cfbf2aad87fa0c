import type { Command } from 'commander';
import { createProgress } from '@murmur/core';
import type { CommandModule } from './index';
import { requireOutputFile, writeOutputFile } from '../fs-errors';
import { DATA_DIR_HELP } from '../output';

interface FeaturesOptions {
  app: string;
  dataDir?: string;
  out?: string;
}

/** Computes the app's feature vector for every window of its dataset and writes them as CSV. */
export async function runFeatures(opts: FeaturesOptions): Promise<void> {
  const { loadApp } = await import('@murmur/app');
  const appFeatures = (await loadApp(opts.app)).features;
  if (opts.out) requireOutputFile(opts.out, '--out');
  const { loadDataset } = await import('@murmur/datasets');
  const { extractAppFeatures, float32Text } = await import('@murmur/dsp');
  const recordings = await loadDataset(appFeatures.dataset, { dataDir: opts.dataDir });
  const progress = createProgress({
    total: recordings.length,
    label: `features ${opts.app}`,
    unit: 'recordings',
  });
  const table = extractAppFeatures(appFeatures, recordings, (done) => progress.update(done));
  progress.done(`${table.rows.length} windows`);
  const csvField = (s: string): string => (/[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);
  const lines = [
    ['subject', 'label', 'recording', 'window', ...table.features.map((f) => f.name)].join(','),
    ...table.rows.map((r) =>
      [
        csvField(r.subject),
        csvField(r.label ?? ''),
        csvField(r.recording),
        r.window,
        ...Array.from(r.features, float32Text),
      ].join(','),
    ),
  ];
  const text = `${lines.join('\n')}\n`;
  if (opts.out) {
    writeOutputFile(opts.out, text);
    process.stderr.write(
      `wrote ${table.rows.length} windows × ${table.features.length} features to ${opts.out}\n`,
    );
  } else process.stdout.write(text);
  for (const s of table.skipped) process.stderr.write(`skipped ${s.recording}: ${s.reason}\n`);
}

export function registerFeatures(program: Command): void {
  program
    .command('features')
    .description(
      "compute an app's feature vector for every window of its dataset (CSV: subject, label, recording, window, features)",
    )
    .requiredOption('--app <app>', 'the app (apps/<app>)')
    .option('--data-dir <dir>', DATA_DIR_HELP)
    .option('--out <file.csv>', 'write the CSV to this file (default: standard output)')
    .action(runFeatures);
}

export const command: CommandModule = { order: 35, register: registerFeatures };
