import type { Command } from 'commander';
import type { CommandModule } from './index';
import { loadBoards } from '@murmur/boards';
import { printBoards } from './boards';
import { printDatasets } from './data';

/** The main job `npm start` runs after set-up. */
export function registerStart(program: Command): void {
  program
    .command('start')
    .description('the main job of `npm start`: show the boards and the datasets found')
    .option('--data-dir <dir>', 'dataset directory (default: $MURMUR_DATA_DIR, then datasets/cache)')
    .action(async (opts: { dataDir?: string }) => {
      process.stdout.write('Boards (boards/*.json):\n\n');
      printBoards(loadBoards());
      process.stdout.write('\nDatasets:\n\n');
      await printDatasets(opts.dataDir);
    });
}

export const command: CommandModule = { order: 10, register: registerStart };
