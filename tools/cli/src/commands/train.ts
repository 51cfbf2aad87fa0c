import type { Command } from 'commander';
import type { CommandModule } from './index';
import { UsageError } from '@murmur/core';
import type { ClassificationReport } from '@murmur/nn';
import { requireOutputDir } from '../fs-errors';
import { DATA_DIR_HELP, printJson, printTable } from '../output';

const pct = (v: number): string => (Number.isNaN(v) ? '-' : `${(100 * v).toFixed(1)} %`);

/** Per-class recall and the confusion matrix as table rows. */
export function reportRows(report: ClassificationReport, classes: string[]): (string | number)[][] {
  return classes.map((c, i) => [c, pct(report.recall[i]!), ...report.confusion[i]!]);
}

export function registerTrain(program: Command): void {
  program
    .command('train')
    .description("train the app's float model on its features (validation by subject) and write the Model IR")
    .option('--app <app>', 'the app to train (apps/<app>)')
    .option('--data-dir <dir>', DATA_DIR_HELP)
    .option('--out <dir>', 'where to write model.json + weights.bin (default: dist/apps/<app>/model)')
    .option('--epochs <n>', "maximum epochs (default: the app's model settings)")
    .option('--json', 'print the validation metrics as JSON')
    .action(
      async (opts: { app?: string; dataDir?: string; out?: string; epochs?: string; json?: boolean }) => {
        const { appModelSpec, appRows, loadApp } = await import('@murmur/app');
        const app = await loadApp(opts.app);
        if (!app.model) {
          // Nothing to train (the nx train target of such an app succeeds with no model).
          process.stdout.write(
            `${app.id} ships no model (model: null in its app.config.ts): nothing to train\n`,
          );
          return;
        }
        const epochs = opts.epochs === undefined ? undefined : Number(opts.epochs);
        if (epochs !== undefined && !(Number.isInteger(epochs) && epochs > 0)) {
          throw new UsageError(`--epochs must be a positive integer, got '${opts.epochs}'`);
        }
        if (opts.out !== undefined) requireOutputDir(opts.out, '--out');
        const { trainAppModel } = await import('@murmur/compress');
        const { saveModel } = await import('@murmur/nn');
        const { defaultModelDir, estimate, formatEstimate } = await import('@murmur/pipeline');
        const { predictClasses } = await import('@murmur/nn');
        const rows = await appRows(app, { dataDir: opts.dataDir });
        const trained = await trainAppModel(appModelSpec(app), rows, { epochs, quiet: opts.json });
        const out = opts.out ?? defaultModelDir(app.id);
        saveModel(out, trained.model);
        // Windows of one subject are not independent: the interval resamples subjects.
        const validation = estimate(
          trained.validation.y,
          predictClasses(trained.model, trained.validation.x),
          trained.validation.groups,
          rows.classes.length,
        );
        const summary = {
          app: app.id,
          backend: trained.result.backend,
          rows: rows.x.length,
          features: rows.featureNames.length,
          classes: rows.classes,
          trainSubjects: trained.result.trainGroups.length + trained.result.validationGroups.length,
          validationSubjects: [...new Set(trained.validation.groups)],
          epochs: trained.result.history.length,
          bestEpoch: trained.result.bestEpoch,
          seconds: Number(trained.result.seconds.toFixed(2)),
          accuracy: trained.report.accuracy,
          macroF1: trained.report.macroF1,
          accuracyCi: validation.accuracyCi,
          macroF1Ci: validation.macroF1Ci,
          interval: validation.method,
          recall: Object.fromEntries(rows.classes.map((c, i) => [c, trained.report.recall[i]])),
          confusion: trained.report.confusion,
          model: out,
        };
        if (opts.json) {
          printJson(summary);
          return;
        }
        process.stdout.write(
          `${app}: ${summary.rows} windows × ${summary.features} features, ${rows.classes.length} classes; ` +
            `trained with ${summary.backend} in ${summary.seconds} s (${summary.epochs} epochs, best ${summary.bestEpoch})\n` +
            `validation subjects (${summary.validationSubjects.length}, never trained on): ${summary.validationSubjects.join(', ')}\n` +
            `accuracy ${formatEstimate(validation)} (95 % intervals: ${validation.method})\n\n`,
        );
        printTable(
          ['class', 'recall', ...rows.classes.map((c) => `→${c}`)],
          reportRows(trained.report, rows.classes),
        );
        process.stdout.write(`\nModel IR written to ${out}\n`);
      },
    );
}

export const command: CommandModule = { order: 40, register: registerTrain };
