import { join } from 'node:path';
import type { Command } from 'commander';
import type { CommandModule } from './index';
import { MurmurError, UsageError, workspaceRoot } from '@murmur/core';
import { boardOption } from '../board-option';
import { requireOutputDir } from '../fs-errors';
import { DATA_DIR_HELP, printJson, printTable } from '../output';

/** Flash and RAM assumed for the rest of the firmware (as `murmur compress` assumes by default). */
const FOOTPRINT = { flash: 12 * 1024, ram: 1024 };

const pct = (v: number): string => `${(100 * v).toFixed(1)} %`;

export function registerTrees(program: Command): void {
  program
    .command('trees')
    .description(
      "decision tree, random forest and gradient-boosted trees on the app's features: subject-wise cross-validation, sizes on a board, C for the most accurate that fits",
    )
    .option('--app <app>', 'the app (apps/<app>)')
    .option('--board <board>', 'board id (boards/<board>.json)')
    .option('--data-dir <dir>', DATA_DIR_HELP)
    .option('--specs <names>', 'comma-separated candidate names (default: all)')
    .option('--layout <layout>', 'C layout of the chosen model: table or ifelse', 'table')
    .option('--folds <k>', 'subject folds (default: the app’s `subjects` scheme, else 5)')
    .option(
      '--out <dir>',
      'where to write the chosen model and its C (default: dist/apps/<app>/<board>/trees)',
    )
    .option('--json', 'print the results as JSON')
    .action(
      async (opts: {
        app?: string;
        board?: string;
        dataDir?: string;
        specs?: string;
        layout?: string;
        folds?: string;
        out?: string;
        json?: boolean;
      }) => {
        const { loadApp, appRows, appModelSpec } = await import('@murmur/app');
        const app = await loadApp(opts.app);
        const board = await boardOption(opts.board ?? app.defaultBoard ?? 'native');
        if (opts.out !== undefined) requireOutputDir(opts.out, '--out');
        if (opts.layout !== 'table' && opts.layout !== 'ifelse')
          throw new UsageError(`--layout must be table or ifelse, got '${opts.layout}'`);
        const layout = opts.layout;
        const trees = await import('@murmur/trees');
        const specs = opts.specs
          ? opts.specs.split(',').map((name) => {
              const s = trees.defaultTreeSpecs.find((d) => d.name === name.trim());
              if (!s)
                throw new UsageError(
                  `unknown tree candidate '${name}' (one of: ${trees.defaultTreeSpecs.map((d) => d.name).join(', ')})`,
                );
              return s;
            })
          : trees.defaultTreeSpecs;
        const scheme = app.crossValidation?.['subjects'];
        const k = opts.folds !== undefined ? Number(opts.folds) : typeof scheme === 'number' ? scheme : 5;
        if (!Number.isInteger(k) || k < 2)
          throw new UsageError(`--folds must be an integer ≥ 2, got '${opts.folds}'`);
        const rows = await appRows(app, { dataDir: opts.dataDir });
        const seed = appModelSpec(app).settings.seed;
        const { groupFolds } = await import('@murmur/nn');
        const folds = groupFolds(rows.groups, k, seed);
        const { isAvrCore } = await import('@murmur/boards');
        const arch = isAvrCore(board.mcu.core) ? 'avr' : 'arm';
        const { memoryBudget } = await import('@murmur/compress');
        const budget = memoryBudget(board, FOOTPRINT, 0.1);
        const candidates = trees.evaluateTreeCandidates(rows, folds, specs, { seed, arch });
        const fits = (c: (typeof candidates)[number]): boolean =>
          c.weightBytes <= budget.flash && c.activationBytes <= budget.ram;
        const fitting = candidates.filter(fits);
        const chosen = [...fitting].sort(
          (a, b) => b.accuracy - a.accuracy || a.weightBytes - b.weightBytes,
        )[0];

        const out = opts.out ?? join(workspaceRoot(), 'dist', 'apps', app.id, board.id, 'trees');
        let written: string[] = [];
        if (chosen) {
          const { mkdirSync, writeFileSync } = await import('node:fs');
          mkdirSync(out, { recursive: true });
          const code = trees.generateTreeCode(chosen.trained.model, {
            prefix: `${app.id.replace(/[^A-Za-z0-9]/g, '_')}_trees`,
            layout,
            from: `${app.id}: ${chosen.recipe}, trained on ${rows.x.length} windows of ${new Set(rows.groups).size} subjects`,
          });
          writeFileSync(join(out, code.headerName), code.header);
          writeFileSync(join(out, code.sourceName), code.source);
          writeFileSync(join(out, 'model.trees.json'), trees.treeModelToJson(chosen.trained.model));
          written = [code.headerName, code.sourceName, 'model.trees.json'].map((f) => join(out, f));
        }
        if (opts.json) {
          printJson({
            app: app.id,
            board: board.id,
            budget,
            folds: folds.map((f) => f.name),
            candidates: candidates.map(({ trained, ...c }) => ({
              ...c,
              size: trained.size,
              params: trained.spec.params,
            })),
            chosen: chosen?.recipe ?? null,
            written,
          });
          return;
        }
        const windows = rows.x.length;
        const subjects = new Set(rows.groups).size;
        process.stdout.write(
          `${app.id} on ${board.id}: ${budget.flash} B flash and ${budget.ram} B RAM for the model ` +
            `(after ${FOOTPRINT.flash} B / ${FOOTPRINT.ram} B for the rest and a 10 % margin)\n` +
            `integer (device) model, ${folds.length} subject folds: ${windows} windows of ${subjects} subjects, ` +
            `95 % intervals by subject-level bootstrap\n\n`,
        );
        printTable(
          [
            'candidate',
            'model',
            'nodes',
            `flash (${arch})`,
            'RAM',
            'accuracy [95 % CI]',
            'macro-F1 [95 % CI]',
            'integer vs float',
            '',
          ],
          candidates.map((c) => [
            c.recipe,
            c.formats,
            c.trained.size.nodes,
            c.weightBytes,
            c.activationBytes,
            `${pct(c.accuracy)} [${pct(c.interval.accuracy.low)}, ${pct(c.interval.accuracy.high)}]`,
            `${c.macroF1.toFixed(3)} [${c.interval.macroF1.low.toFixed(3)}, ${c.interval.macroF1.high.toFixed(3)}]`,
            `${(-c.quantizationDropPp).toFixed(1)} pp`,
            [c === chosen ? 'CHOSEN' : '', fits(c) ? 'fits' : 'too big'].filter(Boolean).join(' '),
          ]),
        );
        if (!chosen) throw new MurmurError(`no tree candidate fits ${board.id}'s budget`);
        process.stdout.write(`\nchosen: ${chosen.recipe} (${layout} layout) → ${out}\n`);
      },
    );
}

export const command: CommandModule = { order: 42, register: registerTrees };
