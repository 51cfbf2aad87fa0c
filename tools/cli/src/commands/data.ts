import { existsSync, readdirSync } from 'node:fs';
import type { Command } from 'commander';
import type { CommandModule } from './index';
import { resolveDataDir } from '@murmur/datasets';
import { printJson } from '../output';

/** Prints the datasets found in the data directory. */
export async function printDatasets(dataDir?: string): Promise<void> {
  const dir = resolveDataDir(dataDir);
  const names = existsSync(dir) ? readdirSync(dir).sort() : [];
  process.stdout.write(`${dir}: ${names.length ? names.join(', ') : 'no datasets'}\n`);
}

export function registerData(program: Command): void {
  const data = program.command('data').description('datasets: list what is found, fetch originals');
  data
    .command('list')
    .description('datasets found in the data directory')
    .option('--data-dir <dir>', 'dataset directory (default: $MURMUR_DATA_DIR, then datasets/cache)')
    .option('--json', 'print JSON')
    .action(async (opts: { dataDir?: string; json?: boolean }) => {
      if (opts.json) printJson({ dataDir: resolveDataDir(opts.dataDir) });
      else await printDatasets(opts.dataDir);
    });
}

export const command: CommandModule = { order: 30, register: registerData };
