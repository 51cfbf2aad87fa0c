import type { Command } from 'commander';
import type { CommandModule } from './index';
import { boardOption } from '../board-option';
import { requireOutputDir } from '../fs-errors';
import { DATA_DIR_HELP, printJson, printTable } from '../output';

export function registerBuild(program: Command): void {
  program
    .command('build')
    .description(
      'build an app for a board: model, compression under the board budget, C library, emulator verification, codecs, report',
    )
    .option('--app <app>', 'the app (apps/<app>)')
    .option('--board <board>', 'board id (boards/<board>.json)', 'native')
    .option('--out <dir>', 'output folder (default: dist/apps/<app>/<board>)')
    .option('--data-dir <dir>', DATA_DIR_HELP)
    .option('--json', 'print the report JSON')
    .action(async (opts: { app?: string; board: string; out?: string; dataDir?: string; json?: boolean }) => {
      const { loadApp } = await import('@murmur/app');
      const { buildApp, writeReport, imageMemory } = await import('@murmur/pipeline');
      const app = await loadApp(opts.app);
      const board = await boardOption(opts.board);
      if (opts.out !== undefined) requireOutputDir(opts.out, '--out');
      const result = await buildApp({
        app,
        board,
        outDir: opts.out,
        dataDir: opts.dataDir,
        quiet: opts.json,
      });
      const paths = writeReport(app, board, result);
      if (opts.json) {
        const { readFileSync } = await import('node:fs');
        printJson(JSON.parse(readFileSync(paths.json, 'utf8')));
      } else {
        const v = result.verify;
        const memory = imageMemory(result);
        const chosen = result.compression.choice.chosen;
        printTable(
          ['', ''],
          [
            [
              'recipe',
              `${chosen.recipe} (${chosen.weightBytes} B of weights, ${(100 * chosen.accuracy).toFixed(1)} % on validation subjects)`,
            ],
            [
              'verified',
              `${v.windowsEqual}/${v.windows} windows and ${v.uplinksEqual}/${v.uplinks} uplinks byte-equal on ${board.id}`,
            ],
            ...(result.evaluation
              ? [
                  [
                    'firmware accuracy',
                    `${(100 * result.evaluation.accuracy).toFixed(1)} % on ${result.evaluation.windows} windows of the validation subjects (${result.evaluation.emulator})`,
                  ],
                ]
              : []),
            ...(memory
              ? [
                  [
                    'memory',
                    `flash ${memory.flash} B, RAM ${memory.ram} B (stack ${memory.stack} B) of the ${memory.image} image`,
                  ],
                ]
              : []),
            ['cost per window', `${Math.round(v.cost.features.mean + v.cost.model.mean)} ${v.unit}`],
            ['stages', result.stages.map((s) => `${s.stage} ${s.seconds.toFixed(1)} s`).join(', ')],
            ['output', result.outDir],
            ['report', paths.html],
          ],
        );
      }
      if (disagrees(result)) {
        const { MurmurError } = await import('@murmur/core');
        throw new MurmurError(
          `the firmware disagrees with the TS reference: ${result.verify.mismatches.join('; ')}`,
        );
      }
    });
}

const disagrees = (r: {
  verify: { windows: number; windowsEqual: number; uplinks: number; uplinksEqual: number };
}): boolean => r.verify.windowsEqual !== r.verify.windows || r.verify.uplinksEqual !== r.verify.uplinks;

export const command: CommandModule = { order: 50, register: registerBuild };
