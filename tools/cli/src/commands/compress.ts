import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import type { CommandModule } from './index';
import { UsageError, workspaceRoot } from '@murmur/core';
import type { RecipeResult } from '@murmur/compress';
import { boardOption } from '../board-option';
import { requireOutputDir } from '../fs-errors';
import { DATA_DIR_HELP, printJson, printTable } from '../output';

/**
 * Flash and RAM the rest of the firmware is assumed to take when no measured figure is given: feature
 * extraction, payload encoder, radio glue and the inference code itself (the generated C is a few kB).
 */
export const DEFAULT_FOOTPRINT = { flash: 12 * 1024, ram: 1024 };

const int = (name: string, v: string | undefined, fallback: number): number => {
  if (v === undefined) return fallback;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0)
    throw new UsageError(`${name} must be a non-negative integer, got '${v}'`);
  return n;
};

const pct = (v: number): string => (Number.isNaN(v) ? '–' : `${(100 * v).toFixed(1)} %`);
/** ` (83.4–90.5)`: an accuracy's 95 % interval in per cent, or nothing. */
const ci = (c: readonly [number, number] | undefined): string =>
  !c || Number.isNaN(c[0]) ? '' : ` (${(100 * c[0]).toFixed(1)}–${(100 * c[1]).toFixed(1)})`;
const signed = (v: number): string =>
  Number.isNaN(v) ? '–' : `${v > 0 ? '+' : v < 0 ? '−' : '±'}${Math.abs(v).toFixed(1)}`;

/**
 * Table rows: float reference first, then every recipe with its bytes, its cross-validated accuracy and
 * drop against float (95 % intervals; blank where the selection did not need it), its accuracy on the
 * validation subjects (a held-out check, never chosen by) and its fit and Pareto marks.
 */
export function recipeRows(
  floatRow: {
    bytes: number;
    accuracy: number;
    accuracyCi?: [number, number];
    cv?: { accuracy: number; accuracyCi: [number, number] };
  },
  results: (RecipeResult & { validationCi?: [number, number] })[],
  marks: { pareto: Set<string>; fitting: Set<string>; chosen?: string },
): (string | number)[][] {
  return [
    [
      'float32',
      'float32',
      floatRow.bytes,
      '1.0×',
      '-',
      floatRow.cv ? `${pct(floatRow.cv.accuracy)}${ci(floatRow.cv.accuracyCi)}` : '',
      '-',
      `${pct(floatRow.accuracy)}${ci(floatRow.accuracyCi)}`,
      '',
    ],
    ...results.map((r) => [
      r.recipe,
      r.formats,
      r.weightBytes,
      `${r.ratio.toFixed(1)}×`,
      r.activationBytes,
      r.cv ? `${pct(r.cv.accuracy)}${ci(r.cv.accuracyCi)}` : '',
      r.cv ? `${signed(-r.cv.dropPp)} (${signed(-r.cv.dropCi[1])} to ${signed(-r.cv.dropCi[0])})` : '',
      `${pct(r.accuracy)}${ci(r.validationCi)}`,
      [
        r.recipe === marks.chosen ? 'CHOSEN' : '',
        marks.pareto.has(r.recipe) ? 'pareto' : '',
        marks.fitting.has(r.recipe) ? 'fits' : 'too big',
      ]
        .filter(Boolean)
        .join(' '),
    ]),
  ];
}

export function registerCompress(program: Command): void {
  program
    .command('compress')
    .description(
      "evaluate compression recipes for the app's model on a board and choose the smallest that fits within the app's tolerance of float (cross-validated by subject)",
    )
    .option('--app <app>', 'the app (apps/<app>)')
    .option('--board <board>', 'board id (boards/<board>.json)')
    .option('--data-dir <dir>', DATA_DIR_HELP)
    .option(
      '--model <dir>',
      'trained float model (default: dist/apps/<app>/model; trained first when missing)',
    )
    .option('--out <dir>', 'where to write the chosen compressed model (default: dist/apps/<app>/<board>)')
    .option('--recipes <names>', 'comma-separated recipe names (default: all)')
    .option(
      '--reserve-flash <bytes>',
      'flash taken by the rest of the firmware',
      String(DEFAULT_FOOTPRINT.flash),
    )
    .option(
      '--reserve-ram <bytes>',
      'RAM taken by the rest of the firmware (static + stack)',
      String(DEFAULT_FOOTPRINT.ram),
    )
    .option('--margin <fraction>', 'safety margin kept free on flash and RAM', '0.1')
    .option('--json', 'print the results as JSON')
    .action(
      async (opts: {
        app?: string;
        board?: string;
        dataDir?: string;
        model?: string;
        out?: string;
        recipes?: string;
        reserveFlash?: string;
        reserveRam?: string;
        margin?: string;
        json?: boolean;
      }) => {
        const { loadApp } = await import('@murmur/app');
        const appConfig = await loadApp(opts.app);
        const app = appConfig.id;
        if (!opts.board) throw new UsageError('missing --board (see murmur boards)');
        const board = await boardOption(opts.board);
        if (opts.out !== undefined) requireOutputDir(opts.out, '--out');
        const margin = Number(opts.margin);
        if (!(margin >= 0 && margin < 1))
          throw new UsageError(`--margin must be in [0, 1), got '${opts.margin}'`);
        const footprint = {
          flash: int('--reserve-flash', opts.reserveFlash, 0),
          ram: int('--reserve-ram', opts.reserveRam, 0),
        };
        const c = await import('@murmur/compress');
        const pipeline = await import('@murmur/pipeline');
        const recipes = opts.recipes?.split(',').map((name) => {
          const r = c.defaultRecipes.find((d) => d.name === name.trim());
          if (!r)
            throw new UsageError(
              `unknown recipe '${name}' (one of: ${c.defaultRecipes.map((d) => d.name).join(', ')})`,
            );
          return r.name;
        });
        const modelDir = opts.model ?? pipeline.defaultModelDir(app);
        if (!opts.json && !existsSync(join(modelDir, 'model.json')))
          process.stderr.write(`no trained model in ${modelDir}: training one first\n`);
        const trained = await pipeline.ensureModel(appConfig, {
          dataDir: opts.dataDir,
          modelDir,
          quiet: opts.json,
        });
        const validation = trained.validation;
        const validationSubjects = trained.validationSubjects;
        const strip = (r: RecipeResult): Omit<RecipeResult, 'compressed'> => {
          const { compressed: _compressed, ...rest } = r;
          return rest;
        };
        let outcome: Awaited<ReturnType<typeof pipeline.compressForBoard>> | undefined;
        let failure: unknown;
        try {
          outcome = await pipeline.compressForBoard(appConfig, trained, board, footprint, {
            margin,
            quiet: true,
            recipes,
            cacheDir: join(modelDir, 'recipes'),
            cvCacheDir: join(modelDir, 'cv'),
          });
        } catch (e) {
          failure = e;
        }
        // Without a fitting recipe there is no choice, but the recipes and the budget are still worth showing.
        const evaluation =
          outcome ??
          (await pipeline.evaluateRecipes(appConfig, trained, board, footprint, {
            margin,
            quiet: true,
            recipes,
            cacheDir: join(modelDir, 'recipes'),
          }));
        const { float: floatRow, results, budget } = evaluation;
        const choice = outcome?.choice;
        const selection = outcome?.selection;
        const pareto = new Set(c.paretoFront(results).map((r) => r.recipe));
        const fitting = new Set(results.filter((r) => c.fits(r, budget)).map((r) => r.recipe));
        const { estimate } = pipeline;
        const { predictClasses } = await import('@murmur/nn');
        const { classifyInt8 } = await import('@murmur/kernels');
        /** The 95 % interval (subject bootstrap) of predictions on the validation subjects. */
        const held = (predicted: number[]): [number, number] =>
          estimate(validation.y, predicted, validation.groups, trained.rows.classes.length).accuracyCi;
        if (opts.json) {
          printJson({
            app,
            board: board.id,
            budget,
            maxDropPp: appConfig.compression.maxDropPp,
            float: { ...floatRow, cv: selection?.float ?? null },
            validation: { windows: validation.x.length, subjects: validationSubjects.length },
            selection: selection ?? null,
            recipes: results.map(strip),
            pareto: [...pareto],
            chosen: choice?.chosen.recipe ?? null,
            reason: choice?.reason ?? null,
            error: failure ? (failure as Error).message : undefined,
          });
        } else {
          process.stdout.write(
            `${app} on ${board.id}: ${budget.flash} B flash and ${budget.ram} B RAM left for the model ` +
              `(${board.memory.flash.size} B / ${board.memory.ram.size} B, minus ${footprint.flash} B / ${footprint.ram} B for the rest and a ${Math.round(margin * 100)} % margin)\n` +
              `choice: the smallest recipe that fits whose accuracy drop against float, cross-validated by subject on the training subjects, is within ${appConfig.compression.maxDropPp} pp (cross-validated from the smallest up until one is)\n` +
              (selection
                ? `CV: the '${selection.scheme}' scheme in ${selection.folds} folds, ${selection.windows} windows of ${selection.subjects} training subjects${selection.note ? ` (${selection.note})` : ''}${selection.float ? `; 95 % intervals: ${selection.float.method}` : ''}\n`
                : '') +
              `validation: ${validation.x.length} windows of ${validationSubjects.length} subjects held out from training, a check that nothing is chosen on\n\n`,
          );
          printTable(
            [
              'recipe',
              'weight formats',
              'weight bytes',
              'ratio',
              'activation RAM',
              'CV accuracy (95 % CI)',
              'CV vs float (95 % CI)',
              'validation',
              '',
            ],
            recipeRows(
              {
                ...floatRow,
                accuracyCi: held(predictClasses(trained.model, validation.x)),
                cv: selection?.float,
              },
              results.map((r) => ({
                ...r,
                validationCi: held(validation.x.map((x) => classifyInt8(r.compressed, x).index)),
              })),
              { pareto, fitting, chosen: choice?.chosen.recipe },
            ),
          );
          if (choice) process.stdout.write(`\n${choice.reason}\n`);
        }
        if (failure) throw failure;
        const out = opts.out ?? join(workspaceRoot(), 'dist', 'apps', app, board.id);
        const { mkdirSync, writeFileSync } = await import('node:fs');
        mkdirSync(out, { recursive: true });
        writeFileSync(
          join(out, 'model.compressed.json'),
          (await import('@murmur/kernels')).compressedToJson(choice!.chosen.compressed),
        );
        if (!opts.json)
          process.stdout.write(`chosen: ${choice!.chosen.recipe} → ${join(out, 'model.compressed.json')}\n`);
      },
    );
}

export const command: CommandModule = { order: 41, register: registerCompress };
