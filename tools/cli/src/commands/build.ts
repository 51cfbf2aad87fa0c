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
        const { formatAccuracy, formatSupport } = await import('@murmur/pipeline');
        const { describeDrop } = await import('@murmur/compress');
        const choice = result.compression?.choice;
        const selection = result.compression?.selection;
        const chosen = choice?.chosen;
        const cv = chosen?.cv;
        printTable(
          ['', ''],
          [
            ...(chosen && selection
              ? [
                  [
                    'recipe',
                    `${chosen.recipe}: ${chosen.weightBytes} B of weights (${chosen.ratio.toFixed(1)}× smaller than float32)`,
                  ],
                  [
                    'why',
                    choice.withinTolerance
                      ? `the smallest recipe that fits whose accuracy drop against float is within ${choice.maxDropPp} pp`
                      : `no recipe that fits is within ${choice.maxDropPp} pp of float; this one drops least`,
                  ],
                  ...(cv
                    ? [
                        [
                          'cross-validated',
                          `${formatAccuracy(cv.accuracy, cv.accuracyCi)} vs float ${formatAccuracy(cv.floatAccuracy, selection.float?.accuracyCi ?? [NaN, NaN])}; drop ${describeDrop(chosen)}${selection.note ? `; ${selection.note}` : ''}`,
                        ],
                      ]
                    : []),
                  ...(choice.smallerRejected.length
                    ? [
                        [
                          'smaller, rejected',
                          choice.smallerRejected
                            .map((r) => `${r.recipe} ${r.weightBytes} B: drop ${describeDrop(r)}`)
                            .join('; '),
                        ],
                      ]
                    : []),
                  [
                    'validation subjects',
                    `${formatAccuracy(result.compression!.heldOut.chosen.accuracy, result.compression!.heldOut.chosen.accuracyCi)} (float ${formatAccuracy(result.compression!.heldOut.float.accuracy, result.compression!.heldOut.float.accuracyCi)}) on ${formatSupport(result.compression!.heldOut.chosen)} held out from training (a check; nothing is chosen on them)`,
                  ],
                ]
              : []),
            [
              'verified',
              `${v.windowsEqual}/${v.windows} windows and ${v.uplinksEqual}/${v.uplinks} uplinks byte-equal on ${board.id}`,
            ],
            ...(result.evaluation
              ? [
                  [
                    'firmware accuracy',
                    `${formatAccuracy(result.evaluation.accuracy, result.evaluation.accuracyCi ?? [NaN, NaN])} on ${result.evaluation.windows} windows of ${result.evaluation.subjects.length} validation subjects (${result.evaluation.emulator})`,
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
