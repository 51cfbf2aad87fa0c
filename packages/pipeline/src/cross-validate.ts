/**
 * Cross-validation of an app's model on the development data, by subject or recording — never by
 * window: each fold holds out whole groups, trains the float model on the rest (the app's fixed settings),
 * compresses that fold's float model with each recipe (fine-tuned and calibrated on the fold's training
 * rows only) and predicts the held-out rows with the float interpreter and the int8 interpreter. Every row
 * is predicted exactly once, by the fold that held it out; the pooled figures are over those predictions,
 * with subject-bootstrap intervals (./intervals).
 *
 * A fold's float model and its compressed models depend only on the fold's training rows, the model
 * settings and the recipe, so they are kept in a cache directory under those keys' hash: the next run
 * (another board's build, `murmur eval --cv` again) reads them instead of training.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { appModelSpec, appRows, type Fold, type MurmurApp, type RowKey } from '@murmur/app';
import {
  appFineTuneData,
  bySize,
  chooseRecipe,
  defaultRecipes,
  fitAppModel,
  floatWeightBytes,
  runRecipe,
  selectRows,
  type AppModelSpec,
  type AppRows,
  type CvEstimate,
  type Recipe,
  type RecipeResult,
} from '@murmur/compress';
import {
  classifyInt8,
  compressedFromJson,
  compressedToJson,
  isQuantizedWeightLayer,
  modelWeightBytes,
  type CompressedModel,
} from '@murmur/kernels';
import { createProgress, MurmurError, UsageError, workspaceRoot } from '@murmur/core';
import {
  classificationReport,
  groupFolds,
  loadModel,
  predictClasses,
  saveModel,
  type ClassificationReport,
  type ModelIR,
} from '@murmur/nn';
import { namedReport, type NamedReport } from './evaluate';
import { cvEstimate, estimate, type Estimate } from './intervals';

/**
 * Bumped whenever training or compression code changes what a fold computes, so that no cache entry made
 * by older code is read.
 */
export const CV_CACHE_VERSION = 'murmur-cv-2';

/** Where an app's cross-validation results are kept: dist/apps/<app>/model/cv. */
export function defaultCvCacheDir(app: string): string {
  return join(workspaceRoot(), 'dist', 'apps', app, 'model', 'cv');
}

export { groupFolds };

/** The folds of one of the app's declared schemes (a number: that many subject folds) on `rows`. */
export function schemeFolds(
  scheme: number | ((rows: readonly RowKey[]) => Fold[]),
  rows: AppRows,
  seed: number,
): Fold[] {
  if (typeof scheme === 'number') return groupFolds(rows.groups, scheme, seed);
  return scheme(rows.groups.map((group, i) => ({ group, recording: rows.recordings[i]! })));
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

/** Every held-out prediction of one cross-validation run: the float model's and each recipe's. */
export interface CvRun {
  app: string;
  scheme: string;
  classes: string[];
  folds: { name: string; testGroups: string[]; trainRows: number; testRows: number }[];
  /** Held-out rows in fold order: index into the rows, fold index, truth and subject. */
  rows: number[];
  fold: number[];
  truth: number[];
  groups: string[];
  float: number[];
  /** Per recipe: predictions aligned with `rows`, the weight bytes and formats of each fold's model. */
  recipes: Record<string, { predictions: number[]; weightBytes: number[]; formats: string[] }>;
  /** float32 bytes of the float model. */
  floatBytes: number;
  /** Fold models read from the cache and trained (float and compressed). */
  cache: { read: number; made: number };
}

export interface CvRunOptions {
  rows: AppRows;
  folds: Fold[];
  /** Scheme name for the figures (e.g. `subjects`). */
  scheme: string;
  recipes: readonly Recipe[];
  /** Weight byte budget given to mixed precision. */
  mixedBudgetBytes?: number;
  /** Cache directory (default: none). */
  cacheDir?: string;
  quiet?: boolean;
  /** Model settings (default: the app's). */
  spec?: AppModelSpec;
  /** Progress bar label. */
  label?: string;
}

const sha = (...parts: (string | Uint8Array)[]): string => {
  const h = createHash('sha256');
  for (const p of parts) h.update(p);
  return h.digest('hex');
};

/** A fingerprint of feature rows: their values, labels and groups. */
export function rowsFingerprint(rows: Pick<AppRows, 'x' | 'y' | 'groups'>): string {
  const h = createHash('sha256');
  for (const x of rows.x) h.update(new Uint8Array(x.buffer, x.byteOffset, x.byteLength));
  h.update(JSON.stringify([rows.y, rows.groups]));
  return h.digest('hex');
}

/** Splits rows by fold, refusing folds that hold out nothing (or everything) and rows held out twice. */
function foldSplits(rows: AppRows, folds: readonly Fold[]): { trainIdx: number[]; testIdx: number[] }[] {
  const seen = new Set<number>();
  return folds.map((fold) => {
    const testIdx: number[] = [];
    const trainIdx: number[] = [];
    rows.groups.forEach((group, i) =>
      (fold.test({ group, recording: rows.recordings[i]! }) ? testIdx : trainIdx).push(i),
    );
    if (testIdx.length === 0 || trainIdx.length === 0)
      throw new MurmurError(`fold '${fold.name}' holds out ${testIdx.length} of ${rows.x.length} rows`, {
        field: 'folds',
      });
    for (const i of testIdx) {
      if (seen.has(i)) throw new MurmurError(`row ${i} is held out by two folds`, { field: 'folds' });
      seen.add(i);
    }
    return { trainIdx, testIdx };
  });
}

/**
 * Cross-validates the float model and every recipe in one pass over the folds (each fold's float model is
 * trained once and compressed with each recipe), reading and writing fold models in `cacheDir`.
 */
export async function crossValidateRecipes(app: MurmurApp, opts: CvRunOptions): Promise<CvRun> {
  const spec = opts.spec ?? appModelSpec(app);
  const { rows, folds } = opts;
  const splits = foldSplits(rows, folds);
  const run: CvRun = {
    app: app.id,
    scheme: opts.scheme,
    classes: rows.classes,
    folds: [],
    rows: [],
    fold: [],
    truth: [],
    groups: [],
    float: [],
    recipes: Object.fromEntries(
      opts.recipes.map((r) => [r.name, { predictions: [], weightBytes: [], formats: [] }]),
    ),
    floatBytes: 0,
    cache: { read: 0, made: 0 },
  };
  const progress = createProgress({
    total: folds.length * (1 + opts.recipes.length),
    label: opts.label ?? `cross-validation ${app.id} (${opts.scheme})`,
    unit: 'fold models',
    quiet: opts.quiet,
  });
  const settings = JSON.stringify(spec.settings);
  for (const [f, fold] of folds.entries()) {
    const { trainIdx, testIdx } = splits[f]!;
    const train = selectRows(rows, trainIdx);
    const test = selectRows(rows, testIdx);
    const trainKey = sha(CV_CACHE_VERSION, settings, rowsFingerprint(train));
    const floatDir = opts.cacheDir && join(opts.cacheDir, `float-${trainKey.slice(0, 24)}`);
    let model: ModelIR | undefined;
    const floatModel = async (): Promise<ModelIR> => {
      if (model) return model;
      if (floatDir && existsSync(join(floatDir, 'model.json'))) {
        model = loadModel(floatDir);
        run.cache.read++;
      } else {
        model = (
          await fitAppModel(spec, train, { quiet: true, label: `fold ${f + 1}/${folds.length} ${app.id}` })
        ).model;
        if (floatDir) saveModel(floatDir, model);
        run.cache.made++;
      }
      return model;
    };
    const m = await floatModel();
    run.floatBytes = floatWeightBytes(m);
    progress.tick();
    run.folds.push({
      name: fold.name,
      testGroups: [...new Set(test.groups)].sort(),
      trainRows: train.x.length,
      testRows: test.x.length,
    });
    run.rows.push(...testIdx);
    run.fold.push(...testIdx.map(() => f));
    run.truth.push(...test.y);
    run.groups.push(...test.groups);
    run.float.push(...predictClasses(m, test.x));
    for (const recipe of opts.recipes) {
      const key = sha(
        trainKey,
        JSON.stringify(recipe),
        recipe.weights === 'mixed' ? String(opts.mixedBudgetBytes ?? '') : '',
      );
      const file = opts.cacheDir && join(opts.cacheDir, `recipe-${key.slice(0, 24)}.json`);
      let compressed: CompressedModel;
      if (file && existsSync(file)) {
        compressed = compressedFromJson(readFileSync(file, 'utf8'), file);
        run.cache.read++;
      } else {
        const result: RecipeResult = await runRecipe(recipe, {
          model: await floatModel(),
          train: appFineTuneData(spec, train, { quiet: true }),
          mixedBudgetBytes: opts.mixedBudgetBytes,
        });
        compressed = result.compressed;
        if (file) {
          mkdirSync(opts.cacheDir!, { recursive: true });
          writeFileSync(file, compressedToJson(compressed));
        }
        run.cache.made++;
      }
      const out = run.recipes[recipe.name]!;
      out.predictions.push(...test.x.map((x) => classifyInt8(compressed, x).index));
      out.weightBytes.push(modelWeightBytes(compressed));
      out.formats.push(
        compressed.layers
          .filter(isQuantizedWeightLayer)
          .map((l) => l.weights.format)
          .join(','),
      );
      progress.tick();
    }
  }
  progress.done(
    run.cache.read ? `${run.cache.read} fold models from the cache, ${run.cache.made} made` : undefined,
  );
  return run;
}

/** The cross-validated estimate of one recipe of a run (see CvEstimate). */
export function recipeEstimate(run: CvRun, recipe: string): CvEstimate {
  const r = run.recipes[recipe];
  if (!r) throw new MurmurError(`recipe '${recipe}' was not cross-validated in this run`);
  return cvEstimate(
    { name: run.scheme, folds: run.folds.length },
    run.truth,
    run.float,
    r.predictions,
    run.groups,
    run.classes.length,
  );
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
  /** The same with 95 % intervals (subject bootstrap), and the compressed model's drop against float. */
  estimates: { float: Estimate; compressed: Estimate; cv: CvEstimate };
  /** For each row of `rows` that some fold held out: its index, fold, label and the two predictions. */
  predictions: { row: number; fold: string; truth: number; float: number; compressed: number }[];
  rows: AppRows;
}

export interface CrossValidateOptions {
  dataDir?: string;
  /** Number of group folds (default 5) or explicit folds. */
  folds?: number | Fold[];
  /** Compression recipe per fold (default `int8`). */
  recipe?: string;
  /** Rows to use instead of the app's dataset (e.g. a subset, or another dataset directory's rows). */
  rows?: AppRows;
  /** Cache directory of fold models (default: none). */
  cacheDir?: string;
  quiet?: boolean;
}

/** Finds a recipe by name (a usage error names the recipes there are). */
export function recipeByName(name: string): Recipe {
  const recipe = defaultRecipes.find((r) => r.name === name);
  if (!recipe)
    throw new UsageError(
      `unknown recipe '${name}' (recipes: ${defaultRecipes.map((r) => r.name).join(', ')})`,
    );
  return recipe;
}

/** Cross-validation of the float model and one recipe (default int8). */
export async function crossValidate(
  app: MurmurApp,
  opts: CrossValidateOptions = {},
): Promise<CrossValidation> {
  const mod = appModelSpec(app);
  const rows = opts.rows ?? (await appRows(app, { dataDir: opts.dataDir }));
  const recipe = recipeByName(opts.recipe ?? 'int8');
  const folds =
    typeof opts.folds === 'object' ? opts.folds : groupFolds(rows.groups, opts.folds ?? 5, mod.settings.seed);
  const run = await crossValidateRecipes(app, {
    rows,
    folds,
    scheme: typeof opts.folds === 'object' ? 'custom' : 'subjects',
    recipes: [recipe],
    cacheDir: opts.cacheDir,
    quiet: opts.quiet,
    spec: mod,
  });
  const classes = rows.classes.length;
  const compressed = run.recipes[recipe.name]!.predictions;
  const results: FoldResult[] = run.folds.map((fold, f) => {
    const at = run.fold.map((g, i) => (g === f ? i : -1)).filter((i) => i >= 0);
    const truth = at.map((i) => run.truth[i]!);
    return {
      ...fold,
      float: classificationReport(
        truth,
        at.map((i) => run.float[i]!),
        classes,
      ),
      compressed: classificationReport(
        truth,
        at.map((i) => compressed[i]!),
        classes,
      ),
    };
  });
  return {
    app: app.id,
    classes: rows.classes,
    recipe: recipe.name,
    folds: results,
    float: classificationReport(run.truth, run.float, classes),
    compressed: classificationReport(run.truth, compressed, classes),
    estimates: {
      float: estimate(run.truth, run.float, run.groups, classes),
      compressed: estimate(run.truth, compressed, run.groups, classes),
      cv: recipeEstimate(run, recipe.name),
    },
    predictions: run.rows.map((row, i) => ({
      row,
      fold: run.folds[run.fold[i]!]!.name,
      truth: run.truth[i]!,
      float: run.float[i]!,
      compressed: compressed[i]!,
    })),
    rows,
  };
}

/** A named report with its 95 % intervals and support. */
export type NamedEstimate = NamedReport & Estimate;

/** One recipe's cross-validated figures in a scheme. */
export interface RecipeCv {
  recipe: string;
  /** Weight formats and bytes of the largest fold's model; ratio to float32. */
  formats: string;
  weightBytes: number;
  ratio: number;
  cv: CvEstimate;
  report: NamedReport;
}

/** One cross-validation scheme's figures, with class names. */
export interface SchemeResult {
  scheme: string;
  folds: {
    name: string;
    testGroups: string[];
    windows: number;
    floatAccuracy: number;
    compressedAccuracy: number;
  }[];
  float: NamedEstimate;
  /** int8 (the plain quantization every recipe builds on). */
  compressed: NamedEstimate & { recipe: string };
  /** float32 bytes of the float model. */
  floatBytes: number;
  /** Every recipe cross-validated, smallest first. */
  recipes: RecipeCv[];
  /**
   * The recipe a build's rule would choose on these figures (the smallest within the app's
   * `compression.maxDropPp`, memory aside), and the smallest recipe at least 10× smaller than float32.
   */
  chosen?: string;
  tenfold?: string;
  maxDropPp: number;
  cache: { read: number; made: number };
}

/**
 * Runs every cross-validation scheme the app declares (default: 5 subject folds). The first scheme (the
 * headline) cross-validates `recipes` (default: every recipe); the others the recipes that scheme marked
 * (int8, the chosen one and the smallest ≥ 10× one).
 */
export async function crossValidateApp(
  app: MurmurApp,
  opts: {
    dataDir?: string;
    quiet?: boolean;
    schemes?: string[];
    recipes?: string[];
    /** Default dist/apps/<app>/model/cv; false: no cache. */
    cacheDir?: string | false;
  } = {},
): Promise<Record<string, SchemeResult>> {
  if (!app.model) return {}; // an app that ships no model has no model to cross-validate
  const declared = app.crossValidation ?? { subjects: 5 };
  const unknown = opts.schemes?.filter((s) => !(s in declared)) ?? [];
  if (unknown.length)
    throw new UsageError(
      `unknown scheme '${unknown[0]}' (${app.id} has: ${Object.keys(declared).join(', ')})`,
    );
  const requested = (opts.recipes ?? defaultRecipes.map((r) => r.name)).map(recipeByName);
  if (!requested.some((r) => r.name === 'int8')) requested.unshift(recipeByName('int8'));
  const rows = await appRows(app, { dataDir: opts.dataDir });
  const mod = appModelSpec(app);
  const cacheDir = opts.cacheDir === false ? undefined : (opts.cacheDir ?? defaultCvCacheDir(app.id));
  const out: Record<string, SchemeResult> = {};
  let marked: string[] | undefined;
  for (const [name, scheme] of Object.entries(declared)) {
    if (opts.schemes && !opts.schemes.includes(name)) continue;
    const recipes = marked ? requested.filter((r) => marked!.includes(r.name)) : requested;
    const run = await crossValidateRecipes(app, {
      rows,
      folds: schemeFolds(scheme, rows, mod.settings.seed),
      scheme: name,
      recipes,
      cacheDir,
      quiet: opts.quiet,
      spec: mod,
    });
    const result = schemeResult(app, run);
    marked ??= ['int8', result.chosen, result.tenfold].filter((r): r is string => Boolean(r));
    out[name] = result;
  }
  return out;
}

/** A run's figures: float, int8, every recipe, and the recipes the build's rule would mark. */
export function schemeResult(app: MurmurApp, run: CvRun): SchemeResult {
  const classes = run.classes;
  const named = (predicted: number[]): NamedEstimate => ({
    ...namedReport(classificationReport(run.truth, predicted, classes.length), classes),
    ...estimate(run.truth, predicted, run.groups, classes.length),
  });
  const recipes: RecipeCv[] = Object.entries(run.recipes)
    .map(([recipe, r]) => {
      const largest = r.weightBytes.indexOf(Math.max(...r.weightBytes));
      return {
        recipe,
        formats: r.formats[largest]!,
        weightBytes: r.weightBytes[largest]!,
        ratio: run.floatBytes / r.weightBytes[largest]!,
        cv: recipeEstimate(run, recipe),
        report: namedReport(classificationReport(run.truth, r.predictions, classes.length), classes),
      };
    })
    .sort((a, b) =>
      bySize(
        { ...a, activationBytes: 0, accuracy: a.cv.accuracy, dropPp: a.cv.dropPp },
        { ...b, activationBytes: 0, accuracy: b.cv.accuracy, dropPp: b.cv.dropPp },
      ),
    );
  const candidates = recipes.map((r) => ({
    recipe: r.recipe,
    weightBytes: r.weightBytes,
    activationBytes: 0,
    accuracy: NaN,
    dropPp: NaN,
    cv: r.cv,
  }));
  const unlimited = {
    board: 'any',
    flash: Infinity,
    ram: Infinity,
    margin: 0,
    footprint: { flash: 0, ram: 0 },
  };
  const chosen = candidates.length
    ? chooseRecipe(candidates, unlimited, { maxDropPp: app.compression.maxDropPp, boards: [] }).chosen.recipe
    : undefined;
  const tenfold = recipes.find((r) => r.ratio >= 10)?.recipe;
  const int8 = run.recipes['int8']!.predictions;
  return {
    scheme: run.scheme,
    folds: run.folds.map((f, i) => {
      const at = run.fold.map((g, k) => (g === i ? k : -1)).filter((k) => k >= 0);
      const acc = (p: number[]): number => at.filter((k) => p[k] === run.truth[k]).length / at.length;
      return {
        name: f.name,
        testGroups: f.testGroups,
        windows: f.testRows,
        floatAccuracy: acc(run.float),
        compressedAccuracy: acc(int8),
      };
    }),
    float: named(run.float),
    compressed: { ...named(int8), recipe: 'int8' },
    floatBytes: run.floatBytes,
    recipes,
    chosen,
    tenfold,
    maxDropPp: app.compression.maxDropPp,
    cache: run.cache,
  };
}
