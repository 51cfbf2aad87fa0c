import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import type { MurmurApp } from '@murmur/app';
import type { SchemeResult } from '@murmur/pipeline';
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
  recipes?: string;
  json?: boolean;
}

const pct = (v: number | null | undefined): string =>
  v === null || v === undefined || Number.isNaN(v) ? '–' : `${(100 * v).toFixed(1)} %`;

/** `87.2 % (84.9–89.3)`: a figure with its 95 % interval when there is one. */
const withCi = (v: number, ci: readonly [number, number] | undefined, f1 = false): string => {
  const fmt = (x: number): string => (f1 ? x.toFixed(3) : (100 * x).toFixed(1));
  const value = f1 ? v.toFixed(3) : pct(v);
  return ci && !Number.isNaN(ci[0]) ? `${value} (${fmt(ci[0])}–${fmt(ci[1])})` : value;
};
const signedPp = (v: number): string => `${v > 0 ? '+' : v < 0 ? '−' : '±'}${Math.abs(v).toFixed(1)}`;

/** One cross-validation scheme: float, int8, the recipe the build's rule chooses and the ≥ 10× one; recall. */
function printScheme(app: MurmurApp, name: string, s: SchemeResult): void {
  const tag = (recipe: string): string =>
    [
      recipe === s.chosen ? `chosen: smallest within ${s.maxDropPp} pp` : '',
      recipe === s.tenfold ? 'smallest ≥ 10×' : '',
    ]
      .filter(Boolean)
      .join(', ');
  process.stdout.write(
    `\n${app.id} — ${name}: ${s.folds.length} folds; every window held out once: ${s.float.windows} windows of ${s.float.subjects} subjects. ` +
      `95 % intervals: ${s.float.method}.\n`,
  );
  printTable(
    [
      'model',
      'bytes',
      'vs float32',
      'accuracy (95 % CI)',
      'macro-F1 (95 % CI)',
      'drop vs float, pp (95 % CI)',
      '',
    ],
    [
      [
        'float',
        s.floatBytes,
        '1.0×',
        withCi(s.float.accuracy, s.float.accuracyCi),
        withCi(s.float.macroF1, s.float.macroF1Ci, true),
        '',
        '',
      ],
      ...s.recipes.map((r) => [
        r.recipe,
        r.weightBytes,
        `${r.ratio.toFixed(2)}×`,
        withCi(r.cv.accuracy, r.cv.accuracyCi),
        withCi(r.cv.macroF1, r.cv.macroF1Ci, true),
        `${signedPp(r.cv.dropPp)} (${signedPp(r.cv.dropCi[0])} to ${signedPp(r.cv.dropCi[1])})`,
        tag(r.recipe),
      ]),
    ],
  );
  const shown = [
    ['float', s.float.recall],
    ...s.recipes
      .filter((r) => r.recipe === 'int8' || r.recipe === s.chosen || r.recipe === s.tenfold)
      .map((r) => [r.recipe, r.report.recall] as const),
  ] as const;
  printTable(
    ['recall', ...app.classes],
    shown.map(([model, recall]) => [model, ...app.classes.map((c) => pct(recall[c]))]),
  );
  if (s.cache.read)
    process.stdout.write(`(${s.cache.read} fold models from the cache, ${s.cache.made} made)\n`);
}

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
    .option('--recipes <names>', 'with --cv: comma-separated recipes to cross-validate (default: all)')
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
          recipes: opts.recipes?.split(',').map((r) => r.trim()),
        });
        // The app's own figures (a rate estimator's nested CV, a baseline's false alarms): ./pipeline/task.ts.
        const { task } = app.taskMetrics
          ? await pipeline.appTaskMetrics(app, { dataDir: opts.dataDir, quiet: opts.json })
          : { task: undefined };
        if (opts.json) return printJson({ app: app.id, crossValidation: schemes, ...(task ? { task } : {}) });
        if (!app.model) process.stdout.write(`${app.id} ships no model: no model to cross-validate\n`);
        for (const [name, s] of Object.entries(schemes)) printScheme(app, name, s);
        if (task) process.stdout.write(`\ntask: ${JSON.stringify(task)}\n`);
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
        {
          accuracy: number;
          macroF1: number;
          windows: number;
          groups?: number;
          accuracyCi?: [number, number];
          macroF1Ci?: [number, number];
          recall: Record<string, number | null>;
        },
      ][] = [];
      if (result.float) rows.push(['float', result.float]);
      if (result.compressed) rows.push([`compressed (${result.compressed.recipe})`, result.compressed]);
      if (result.firmware) rows.push([`firmware (${result.firmware.emulator})`, result.firmware]);
      process.stdout.write(
        `${app.id} on ${board.id}: ${result.recordings.evaluated} recordings of ${result.dataDir}` +
          (result.trainingSubjectsExcluded.length
            ? ` (subjects the model was trained on left out: ${result.trainingSubjectsExcluded.length})`
            : '') +
          '\n',
      );
      printTable(
        [
          'model',
          'windows',
          'subjects',
          'accuracy (95 % CI)',
          'macro-F1 (95 % CI)',
          ...app.classes.map((c) => `recall ${c}`),
        ],
        rows.map(([name, r]) => [
          name,
          r.windows,
          r.groups ?? '',
          withCi(r.accuracy, r.accuracyCi),
          withCi(r.macroF1, r.macroF1Ci, true),
          ...app.classes.map((c) => pct(r.recall[c])),
        ]),
      );
      if (result.float?.method) process.stdout.write(`95 % intervals: ${result.float.method}\n`);
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
