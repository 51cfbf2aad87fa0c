/**
 * Cross-validation of an app's model on the development data, by subject or recording — never by
 * window: each fold holds out whole groups, trains the float model on the rest (early stopping on a
 * subject split inside the training groups), compresses it with one recipe and predicts the held-out
 * rows with the float interpreter and the int8 interpreter. Every row is predicted exactly once, by the
 * fold that held it out; the pooled report is over those predictions.
 */
import { appModelSpec, appRows, type Fold, type MurmurApp, type RowKey } from '@murmur/app';
import { defaultRecipes, fitAppModel, runRecipe, selectRows, type AppRows } from '@murmur/compress';
import { classifyInt8 } from '@murmur/kernels';
import { createRng, MurmurError, UsageError } from '@murmur/core';
import { classificationReport, predictClasses, type ClassificationReport } from '@murmur/nn';
import { namedReport, type NamedReport } from './evaluate';

/**
 * `k` folds of whole groups (seeded shuffle, sizes differing by at most one); `k` at least the number of
 * groups gives leave-one-group-out.
 */
export function groupFolds(groups: readonly string[], k: number, seed = 1): Fold[] {
  const unique = [...new Set(groups)].sort();
  if (!Number.isInteger(k) || k < 2) throw new UsageError(`folds must be an integer ≥ 2, got ${k}`);
  if (unique.length < 2)
    throw new MurmurError(`cross-validation needs at least 2 groups, found ${unique.length}`);
  const n = Math.min(k, unique.length);
  createRng(seed).fork('cross-validation').shuffle(unique);
  return Array.from({ length: n }, (_, f) => {
    const held = new Set(unique.filter((_, i) => i % n === f));
    const names = [...held].sort();
    return {
      name: n === unique.length ? names[0]! : `fold ${f + 1}/${n}: ${names.join(' ')}`,
      test: (row: RowKey) => held.has(row.group),
    };
  });
}

export interface FoldResult {
  name: string;
  /** Groups with at least one held-out row. */
  testGroups: string[];
  trainRows: number;
  testRows: number;
  float: ClassificationReport;
  compressed: ClassificationReport;
}

export interface CrossValidation {
  app: string;
  classes: string[];
  /** Recipe the compressed model of every fold was made with. */
  recipe: string;
  folds: FoldResult[];
  /** Pooled over the held-out predictions of every fold. */
  float: ClassificationReport;
  compressed: ClassificationReport;
  /** For each row of `rows` that some fold held out: its index, fold, label and the two predictions. */
  predictions: { row: number; fold: string; truth: number; float: number; compressed: number }[];
  rows: AppRows;
}

export interface CrossValidateOptions {
  dataDir?: string;
  /** Number of group folds (default 5) or explicit folds. */
  folds?: number | Fold[];
  /** Compression recipe per fold (default `int8`; mixed precision chooses layers on held-out rows, so it is refused). */
  recipe?: string;
  /** Rows to use instead of the app's dataset (e.g. a subset, or another dataset directory's rows). */
  rows?: AppRows;
  quiet?: boolean;
}

export async function crossValidate(
  app: MurmurApp,
  opts: CrossValidateOptions = {},
): Promise<CrossValidation> {
  const mod = appModelSpec(app);
  const rows = opts.rows ?? (await appRows(app, { dataDir: opts.dataDir }));
  const recipeName = opts.recipe ?? 'int8';
  const recipe = defaultRecipes.find((r) => r.name === recipeName);
  if (!recipe)
    throw new UsageError(
      `unknown recipe '${recipeName}' (recipes: ${defaultRecipes.map((r) => r.name).join(', ')})`,
    );
  if (recipe.weights === 'mixed')
    throw new UsageError(
      `recipe '${recipeName}' chooses its layers on held-out rows; cross-validate another recipe`,
    );
  const folds =
    typeof opts.folds === 'object' ? opts.folds : groupFolds(rows.groups, opts.folds ?? 5, mod.settings.seed);
  const classes = rows.classes.length;
  const results: FoldResult[] = [];
  const predictions: CrossValidation['predictions'] = [];
  const seen = new Set<number>();
  for (const [f, fold] of folds.entries()) {
    const testIdx: number[] = [];
    const trainIdx: number[] = [];
    rows.groups.forEach((group, i) =>
      (fold.test({ group, recording: rows.recordings[i]! }) ? testIdx : trainIdx).push(i),
    );
    if (testIdx.length === 0 || trainIdx.length === 0)
      throw new MurmurError(`fold '${fold.name}' holds out ${testIdx.length} of ${rows.x.length} rows`, {
        field: 'folds',
      });
    const train = selectRows(rows, trainIdx);
    const test = selectRows(rows, testIdx);
    const fit = await fitAppModel(mod, train, {
      quiet: opts.quiet,
      label: `fold ${f + 1}/${folds.length} ${app.id}`,
    });
    const compressed = await runRecipe(recipe, {
      model: fit.model,
      train: { ...train, classes, seed: mod.settings.seed, quiet: opts.quiet },
      validation: test,
    });
    const floatPred = predictClasses(fit.model, test.x);
    const int8Pred = test.x.map((x) => classifyInt8(compressed.compressed, x).index);
    testIdx.forEach((row, k) => {
      if (seen.has(row)) throw new MurmurError(`row ${row} is held out by two folds`, { field: 'folds' });
      seen.add(row);
      predictions.push({
        row,
        fold: fold.name,
        truth: rows.y[row]!,
        float: floatPred[k]!,
        compressed: int8Pred[k]!,
      });
    });
    results.push({
      name: fold.name,
      testGroups: [...new Set(test.groups)].sort(),
      trainRows: train.x.length,
      testRows: test.x.length,
      float: classificationReport(test.y, floatPred, classes),
      compressed: classificationReport(test.y, int8Pred, classes),
    });
  }
  const truth = predictions.map((p) => p.truth);
  return {
    app: app.id,
    classes: rows.classes,
    recipe: recipeName,
    folds: results,
    float: classificationReport(
      truth,
      predictions.map((p) => p.float),
      classes,
    ),
    compressed: classificationReport(
      truth,
      predictions.map((p) => p.compressed),
      classes,
    ),
    predictions,
    rows,
  };
}

/** One cross-validation scheme's figures, with class names. */
export interface SchemeResult {
  recipe: string;
  folds: {
    name: string;
    testGroups: string[];
    windows: number;
    floatAccuracy: number;
    compressedAccuracy: number;
  }[];
  float: NamedReport;
  compressed: NamedReport;
}

/** Runs every cross-validation scheme the app declares (default: 5 subject folds). */
export async function crossValidateApp(
  app: MurmurApp,
  opts: { dataDir?: string; quiet?: boolean; schemes?: string[] } = {},
): Promise<Record<string, SchemeResult>> {
  const declared = app.crossValidation ?? { subjects: 5 };
  const unknown = opts.schemes?.filter((s) => !(s in declared)) ?? [];
  if (unknown.length)
    throw new UsageError(
      `unknown scheme '${unknown[0]}' (${app.id} has: ${Object.keys(declared).join(', ')})`,
    );
  const rows = await appRows(app, { dataDir: opts.dataDir });
  const out: Record<string, SchemeResult> = {};
  for (const [name, scheme] of Object.entries(declared)) {
    if (opts.schemes && !opts.schemes.includes(name)) continue;
    const keys = rows.groups.map((group, i) => ({ group, recording: rows.recordings[i]! }));
    const cv = await crossValidate(app, {
      rows,
      folds: typeof scheme === 'number' ? scheme : scheme(keys),
      quiet: opts.quiet,
    });
    out[name] = {
      recipe: cv.recipe,
      folds: cv.folds.map((f) => ({
        name: f.name,
        testGroups: f.testGroups,
        windows: f.testRows,
        floatAccuracy: f.float.accuracy,
        compressedAccuracy: f.compressed.accuracy,
      })),
      float: namedReport(cv.float, cv.classes),
      compressed: namedReport(cv.compressed, cv.classes),
    };
  }
  return out;
}
