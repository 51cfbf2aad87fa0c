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

/** Table rows: float reference first, then every recipe with its fit and Pareto marks. */
export function recipeRows(
  floatRow: { bytes: number; accuracy: number },
  results: RecipeResult[],
  marks: { pareto: Set<string>; fitting: Set<string>; chosen?: string },
): (string | number)[][] {
  const pct = (v: number): string => `${(100 * v).toFixed(1)} %`;
  return [
    ['float32', 'float32', floatRow.bytes, '1.0×', '-', pct(floatRow.accuracy), '-', ''],
    ...results.map((r) => [
      r.recipe,
      r.formats,
      r.weightBytes,
      `${r.ratio.toFixed(1)}×`,
      r.activationBytes,
      pct(r.accuracy),
      `${r.dropPp >= 0 ? '' : '+'}${(-r.dropPp).toFixed(1)} pp`,
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
      "evaluate compression recipes for the app's model on a board and choose the most accurate one that fits",
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
        const {
          float: floatRow,
          results,
          budget,
        } = await pipeline.evaluateRecipes(appConfig, trained, board, footprint, {
          margin,
          quiet: opts.json,
          recipes,
          cacheDir: join(modelDir, 'recipes'),
        });
        const pareto = new Set(c.paretoFront(results).map((r) => r.recipe));
        const fitting = new Set(results.filter((r) => c.fits(r, budget)).map((r) => r.recipe));
        const strip = (r: RecipeResult): Omit<RecipeResult, 'compressed'> => {
          const { compressed: _compressed, ...rest } = r;
          return rest;
        };
        let choice: ReturnType<typeof c.chooseRecipe> | undefined;
        let failure: unknown;
        try {
          choice = c.chooseRecipe(results, budget);
        } catch (e) {
          failure = e;
        }
        if (opts.json) {
          printJson({
            app,
            board: board.id,
            budget,
            float: floatRow,
            recipes: results.map(strip),
            pareto: [...pareto],
            chosen: choice?.chosen.recipe ?? null,
            error: failure ? (failure as Error).message : undefined,
          });
        } else {
          process.stdout.write(
            `${app} on ${board.id}: ${budget.flash} B flash and ${budget.ram} B RAM left for the model ` +
              `(${board.memory.flash.size} B / ${board.memory.ram.size} B, minus ${footprint.flash} B / ${footprint.ram} B for the rest and a ${Math.round(margin * 100)} % margin)\n` +
              `accuracy on ${validation.x.length} windows of ${validationSubjects.length} validation subjects\n\n`,
          );
          printTable(
            [
              'recipe',
              'weight formats',
              'weight bytes',
              'ratio',
              'activation RAM',
              'accuracy',
              'vs float',
              '',
            ],
            recipeRows(floatRow, results, { pareto, fitting, chosen: choice?.chosen.recipe }),
          );
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
          process.stdout.write(
            `\nchosen: ${choice!.chosen.recipe} → ${join(out, 'model.compressed.json')}\n`,
          );
      },
    );
}

export const command: CommandModule = { order: 41, register: registerCompress };
