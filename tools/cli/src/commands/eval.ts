import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import type { CommandModule } from './index';
import { boardOption } from '../board-option';
import { DATA_DIR_HELP, printJson, printTable } from '../output';

interface EvalOptions {
  app?: string;
  board: string;
  buildDir?: string;
  dataDir?: string;
  firmwareWindows: string;
  cv?: boolean;
  scheme?: string[];
  json?: boolean;
}

const pct = (v: number | null | undefined): string =>
  v === null || v === undefined || Number.isNaN(v) ? '–' : `${(100 * v).toFixed(1)} %`;

export function registerEval(program: Command): void {
  program
    .command('eval')
    .description(
      "accuracy of a built app on a dataset directory (float, compressed and firmware in the emulator, plus the app's task figures), or --cv: cross-validated on the development data",
    )
    .option('--app <app>', 'the app (apps/<app>)')
    .option('--board <board>', 'board id the app was built for (boards/<board>.json)', 'native')
    .option('--build-dir <dir>', "the build's output folder (default: dist/apps/<app>/<board>)")
    .option('--data-dir <dir>', DATA_DIR_HELP)
    .option('--firmware-windows <n>', 'run the firmware on at most this many windows (0: skip)', '2000')
    .option('--cv', "cross-validate by subject/recording with the app's schemes instead (no build needed)")
    .option('--scheme <name...>', 'with --cv: only these schemes')
    .option('--json', 'print the result as JSON')
    .action(async (opts: EvalOptions) => {
      const { UsageError, workspaceRoot } = await import('@murmur/core');
      const pipeline = await import('@murmur/pipeline');
      const app = await (await import('@murmur/app')).loadApp(opts.app);
      if (opts.cv) {
        const schemes = await pipeline.crossValidateApp(app, {
          dataDir: opts.dataDir,
          quiet: opts.json,
          schemes: opts.scheme,
        });
        if (opts.json) return printJson({ app: app.id, crossValidation: schemes });
        for (const [name, s] of Object.entries(schemes)) {
          process.stdout.write(
            `\n${app.id} — ${name}: ${s.folds.length} folds, ${s.float.windows} windows held out once each\n`,
          );
          printTable(
            ['', 'accuracy', 'macro-F1', ...app.classes.map((c) => `recall ${c}`)],
            [
              [
                'float',
                pct(s.float.accuracy),
                s.float.macroF1.toFixed(3),
                ...app.classes.map((c) => pct(s.float.recall[c])),
              ],
              [
                s.recipe,
                pct(s.compressed.accuracy),
                s.compressed.macroF1.toFixed(3),
                ...app.classes.map((c) => pct(s.compressed.recall[c])),
              ],
            ],
          );
        }
        return;
      }
      const firmwareWindows = Number(opts.firmwareWindows);
      if (!Number.isInteger(firmwareWindows) || firmwareWindows < 0)
        throw new UsageError(
          `--firmware-windows must be a non-negative integer, got '${opts.firmwareWindows}'`,
        );
      const board = await boardOption(opts.board);
      const dir = opts.buildDir ?? join(workspaceRoot(), 'dist', 'apps', app.id, board.id);
      const result = await pipeline.evaluateApp(app, board, {
        buildDir: dir,
        dataDir: opts.dataDir,
        firmwareWindows,
        quiet: opts.json,
      });
      mkdirSync(dir, { recursive: true });
      writeFileSync(join(dir, 'eval.json'), `${JSON.stringify(result, null, 2)}\n`);
      if (opts.json) return printJson(result);
      const rows: [
        string,
        { accuracy: number; macroF1: number; windows: number; recall: Record<string, number | null> },
      ][] = [
        ['float', result.float],
        [`compressed (${result.compressed.recipe})`, result.compressed],
      ];
      if (result.firmware) rows.push([`firmware (${result.firmware.emulator})`, result.firmware]);
      process.stdout.write(
        `${app.id} on ${board.id}: ${result.recordings.evaluated} recordings of ${result.dataDir}` +
          (result.trainingSubjectsExcluded.length
            ? ` (subjects the model was trained on left out: ${result.trainingSubjectsExcluded.length})`
            : '') +
          '\n',
      );
      printTable(
        ['model', 'windows', 'accuracy', 'macro-F1', ...app.classes.map((c) => `recall ${c}`)],
        rows.map(([name, r]) => [
          name,
          r.windows,
          pct(r.accuracy),
          r.macroF1.toFixed(3),
          ...app.classes.map((c) => pct(r.recall[c])),
        ]),
      );
      if (result.firmware)
        process.stdout.write(
          `firmware: ${result.firmware.windowsEqual}/${result.firmware.windowsRun} windows equal to the TS reference in ${result.firmware.runs} runs, ${result.firmware.agreesWithCompressed}/${result.firmware.windows} scored windows with the compressed model's class${result.firmware.note ? `; ${result.firmware.note}` : ''}\n`,
        );
      if (result.uplinkClass) process.stdout.write(`note: ${result.uplinkClass}\n`);
      if (result.task) process.stdout.write(`task: ${JSON.stringify(result.task)}\n`);
      process.stdout.write(`written: ${join(dir, 'eval.json')}\n`);
      if (result.firmware && result.firmware.windowsEqual !== result.firmware.windowsRun) {
        const { MurmurError } = await import('@murmur/core');
        throw new MurmurError(
          `the firmware disagrees with the TS reference on ${result.firmware.windowsRun - result.firmware.windowsEqual} windows`,
        );
      }
    });
}

export const command: CommandModule = { order: 56, register: registerEval };
