/**
 * The model stage of a build: the float model trained on the app's training subjects (loaded when it
 * exists, trained otherwise), then every compression recipe applied to it, and the smallest recipe that
 * fits the board's budget and whose accuracy drop against float, cross-validated by subject on the
 * training subjects, is within the app's tolerance chosen. The validation subjects are never chosen on:
 * they are the build's held-out check (report, firmware run).
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { appModelSpec, appRows, type Fold, type MurmurApp } from '@murmur/app';
import type { Board } from '@murmur/boards';
import {
  appFineTuneData,
  bySize,
  chooseRecipe,
  defaultRecipes,
  fits,
  floatAccuracy,
  floatWeightBytes,
  memoryBudget,
  runRecipe,
  selectGroups,
  trainAppModel,
  type AppRows,
  type BudgetChoice,
  type FirmwareFootprint,
  type MemoryBudget,
  type RecipeResult,
} from '@murmur/compress';
import { classifyInt8, compressedFromJson, compressedToJson } from '@murmur/kernels';
import { MurmurError, workspaceRoot } from '@murmur/core';
import {
  evaluateClassifier,
  loadModel,
  predictClasses,
  saveModel,
  serializeModel,
  type ClassificationReport,
  type ModelIR,
} from '@murmur/nn';
import {
  crossValidateRecipes,
  CV_CACHE_VERSION,
  defaultCvCacheDir,
  groupFolds,
  recipeByName,
  recipeEstimate,
  schemeFolds,
} from './cross-validate';
import { estimate, formatAccuracy, type Estimate } from './intervals';

export function defaultModelDir(app: string): string {
  return join(workspaceRoot(), 'dist', 'apps', app, 'model');
}

export interface TrainedModel {
  model: ModelIR;
  rows: AppRows;
  train: AppRows;
  validation: AppRows;
  validationSubjects: string[];
  /** Float model on the validation subjects. */
  report: ClassificationReport;
  /** True when the model was trained in this run (false: loaded from modelDir). */
  trained: boolean;
}

/**
 * Loads the app's float model from `modelDir`, or trains and saves it there when it is missing or was
 * trained on other subjects than the data has now (say, on the shipped sample before the full dataset
 * was fetched).
 */
export async function ensureModel(
  app: MurmurApp,
  opts: { dataDir?: string; modelDir?: string; quiet?: boolean } = {},
): Promise<TrainedModel> {
  const rows = await appRows(app, { dataDir: opts.dataDir });
  const modelDir = opts.modelDir ?? defaultModelDir(app.id);
  let model = existsSync(join(modelDir, 'model.json')) ? loadModel(modelDir) : undefined;
  if (model && !sameSubjects(model, rows)) {
    if (!opts.quiet)
      process.stderr.write(
        `the model in ${modelDir} was trained on other subjects than the data holds; retraining\n`,
      );
    model = undefined;
  }
  let validationSubjects: string[];
  let trained = false;
  if (model) {
    validationSubjects = (model.meta?.['validationSubjects'] as string[] | undefined) ?? [];
    if (!validationSubjects.length) {
      throw new MurmurError(
        'the model does not record its validation subjects; retrain it with murmur train',
        {
          file: join(modelDir, 'model.json'),
          field: 'meta.validationSubjects',
        },
      );
    }
  } else {
    const t = await trainAppModel(appModelSpec(app), rows, { quiet: opts.quiet });
    model = t.model;
    saveModel(modelDir, model);
    validationSubjects = [...new Set(t.validation.groups)];
    trained = true;
  }
  const validation = selectGroups(rows, validationSubjects);
  const train = selectGroups(
    rows,
    [...new Set(rows.groups)].filter((g) => !validationSubjects.includes(g)),
  );
  const report = evaluateClassifier(model, validation.x, validation.y, rows.classes.length);
  return { model, rows, train, validation, validationSubjects, report, trained };
}

/** Whether the model's recorded training and validation subjects are exactly the subjects of `rows`. */
function sameSubjects(model: ModelIR, rows: AppRows): boolean {
  const recorded = ['trainingSubjects', 'validationSubjects'].flatMap(
    (k) => (model.meta?.[k] as string[] | undefined) ?? [],
  );
  const present = new Set(rows.groups);
  return recorded.length === present.size && recorded.every((s) => present.has(s));
}

export interface RecipeEvaluation {
  /** The float model: float32 bytes, and its accuracy on the validation subjects (a held-out check). */
  float: { bytes: number; accuracy: number };
  /**
   * Every recipe applied to the float model: exact bytes, and the accuracy on the validation subjects
   * (shown, never chosen by); `cv` where the selection cross-validated it.
   */
  results: RecipeResult[];
  budget: MemoryBudget;
}

/** How a build's choice was cross-validated. */
export interface Selection {
  /** The app's cross-validation scheme used (its first), and the folds made of the training subjects. */
  scheme: string;
  folds: number;
  /** Why the folds are fewer than the scheme's, if they are. */
  note?: string;
  /** Training rows and subjects the cross-validation ran on. */
  windows: number;
  subjects: number;
  /** The float model's cross-validated accuracy (the reference of every drop; absent when nothing was cross-validated). */
  float?: Estimate;
  /** Recipes cross-validated (smallest fitting first, until one was within the tolerance). */
  evaluated: string[];
  cache: { read: number; made: number };
}

export interface CompressionOutcome extends RecipeEvaluation {
  choice: BudgetChoice<RecipeResult>;
  selection: Selection;
  /** The float and the chosen model on the validation subjects (held out; nothing chosen on them). */
  heldOut: { float: Estimate; chosen: Estimate };
}

export interface CompressOptions {
  margin?: number;
  quiet?: boolean;
  recipes?: string[];
  /** Where recipe results on the float model are kept (default dist/apps/<app>/model/recipes). */
  cacheDir?: string;
  /** Where the selection's fold models are kept (default dist/apps/<app>/model/cv). */
  cvCacheDir?: string;
}

/**
 * The recipes a build tries on tiny data (the shipped sample, see tinyData), so that `npm start` stays
 * quick: two rungs of size (about 4× and 9× smaller than float32 on the apps' MLPs; int8 needs no
 * fine-tuning); the full data tries every recipe.
 */
export const FEW_SUBJECTS_RECIPES = ['int8', 'structured50'];

/** Below this many training subjects a numeric scheme's folds are capped (see selectionFolds). */
export const FEW_SUBJECTS = 15;
/** The folds of a selection on few subjects: fewer and bigger, so that each fold trains on enough people. */
export const FEW_SUBJECTS_FOLDS = 3;

/** Whether a build runs on few training subjects (fewer folds, see selectionFolds). */
export const fewSubjects = (train: AppRows): boolean => new Set(train.groups).size < FEW_SUBJECTS;

/** Below this many training windows (the shipped sample) a build tries FEW_SUBJECTS_RECIPES only. */
export const FEW_WINDOWS = 600;

/** Whether the training data is as small as the shipped sample's (few subjects and windows). */
export const tinyData = (train: AppRows): boolean => fewSubjects(train) && train.x.length < FEW_WINDOWS;

/**
 * The folds a build chooses with: the app's first cross-validation scheme on the training rows; a numeric
 * scheme on fewer than FEW_SUBJECTS training subjects (the shipped sample) gets at most FEW_SUBJECTS_FOLDS
 * folds, which keeps `npm start` quick, and says so.
 */
export function selectionFolds(
  app: MurmurApp,
  train: AppRows,
): { scheme: string; folds: Fold[]; note?: string } {
  const [name, scheme] = Object.entries(app.crossValidation ?? { subjects: 5 })[0]!;
  const seed = appModelSpec(app).settings.seed;
  const subjects = new Set(train.groups).size;
  if (typeof scheme === 'number' && fewSubjects(train) && scheme > FEW_SUBJECTS_FOLDS) {
    return {
      scheme: name,
      folds: groupFolds(train.groups, FEW_SUBJECTS_FOLDS, seed),
      note: `${FEW_SUBJECTS_FOLDS} folds instead of ${scheme}: only ${subjects} training subjects`,
    };
  }
  try {
    return { scheme: name, folds: schemeFolds(scheme, train, seed) };
  } catch (e) {
    // A scheme of the whole data may not apply to the training subjects alone (e.g. one load left).
    if (typeof scheme === 'number' || subjects < 2) throw e;
    const k = Math.min(5, subjects);
    return {
      scheme: `${k} subject folds`,
      folds: groupFolds(train.groups, k, seed),
      note: `the '${name}' scheme does not apply to the training subjects (${(e as Error).message})`,
    };
  }
}

/**
 * Evaluates the recipes on the float model, cross-validates those that fit the board from the smallest
 * up until one is within the app's `compression.maxDropPp` of float, and chooses the smallest within it
 * (chooseRecipe); throws the budget message when none fits.
 */
export async function compressForBoard(
  app: MurmurApp,
  trained: TrainedModel,
  board: Board,
  footprint: FirmwareFootprint,
  opts: CompressOptions = {},
): Promise<CompressionOutcome> {
  const evaluation = await evaluateRecipes(app, trained, board, footprint, opts);
  const choose = (): BudgetChoice<RecipeResult> =>
    chooseRecipe(evaluation.results, evaluation.budget, { maxDropPp: app.compression.maxDropPp });
  // Nothing fits: the budget message, before any cross-validation.
  if (!evaluation.results.some((r) => fits(r, evaluation.budget))) choose();
  const selection = await crossValidateSelection(app, trained, evaluation, opts);
  const choice = choose();
  if (!opts.quiet) {
    process.stderr.write(
      `chose ${choice.reason}.\n` +
        (selection.float
          ? `Cross-validated with the '${selection.scheme}' scheme in ${selection.folds} folds of ${selection.windows} windows of ${selection.subjects} training subjects${selection.note ? ` (${selection.note})` : ''}; float ${formatAccuracy(selection.float.accuracy, selection.float.accuracyCi)}.\n`
          : `${selection.note}.\n`),
    );
  }
  const v = trained.validation;
  const classes = trained.rows.classes.length;
  const heldOut = {
    float: estimate(v.y, predictClasses(trained.model, v.x), v.groups, classes),
    chosen: estimate(
      v.y,
      v.x.map((x) => classifyInt8(choice.chosen.compressed, x).index),
      v.groups,
      classes,
    ),
  };
  return { ...evaluation, choice, selection, heldOut };
}

/**
 * Attaches the cross-validated estimate (`cv`) to the recipes that fit the budget, smallest first, until
 * one is within the tolerance (every fitting one when none is): each recipe's drop is estimated by the app's
 * scheme on the training subjects, each fold's compressed model made from that fold's float model.
 */
export async function crossValidateSelection(
  app: MurmurApp,
  trained: TrainedModel,
  evaluation: RecipeEvaluation,
  opts: CompressOptions = {},
): Promise<Selection> {
  const rows = trained.train;
  const { scheme, folds, note: foldNote } = selectionFolds(app, rows);
  const ladder = !opts.recipes && tinyData(rows);
  const note =
    [
      foldNote,
      ladder
        ? `${evaluation.results.length} of ${defaultRecipes.length} recipes, a ladder of sizes: ${evaluation.results.map((r) => r.recipe).join(', ')}`
        : '',
    ]
      .filter(Boolean)
      .join('; ') || undefined;
  const fitting = evaluation.results.filter((r) => fits(r, evaluation.budget)).sort(bySize);
  if (fitting.length < 2) {
    // One candidate (e.g. a build told to try int8 only): nothing to choose between, so no cross-validation.
    return {
      scheme,
      folds: folds.length,
      note: [foldNote, 'one recipe fits: nothing to choose between, nothing cross-validated']
        .filter(Boolean)
        .join('; '),
      windows: rows.x.length,
      subjects: new Set(rows.groups).size,
      evaluated: [],
      cache: { read: 0, made: 0 },
    };
  }
  const cacheDir = opts.cvCacheDir ?? defaultCvCacheDir(app.id);
  const evaluated: string[] = [];
  const cache = { read: 0, made: 0 };
  let floatPredictions: { truth: number[]; float: number[]; groups: string[] } | undefined;
  const ensureFloat = async (): Promise<void> => {
    if (floatPredictions) return;
    const run = await crossValidateRecipes(app, { rows, folds, scheme, recipes: [], cacheDir, quiet: true });
    cache.read += run.cache.read;
    cache.made += run.cache.made;
    floatPredictions = run;
  };
  for (const result of fitting) {
    // A candidate that brings its own cross-validated estimate (another model family) is judged by it.
    if (result.cv) {
      evaluated.push(result.recipe);
      if (result.cv.dropPp <= app.compression.maxDropPp) break;
      continue;
    }
    const recipe = recipeByName(result.recipe);
    const run = await crossValidateRecipes(app, {
      rows,
      folds,
      scheme,
      recipes: [recipe],
      mixedBudgetBytes: evaluation.budget.flash,
      cacheDir,
      quiet: opts.quiet,
      label: `cross-validating ${recipe.name}`,
    });
    cache.read += run.cache.read;
    cache.made += run.cache.made;
    floatPredictions ??= run;
    result.cv = recipeEstimate(run, recipe.name);
    evaluated.push(recipe.name);
    if (result.cv.dropPp <= app.compression.maxDropPp) break;
  }
  await ensureFloat();
  const f = floatPredictions!;
  return {
    scheme,
    folds: folds.length,
    note,
    windows: rows.x.length,
    subjects: new Set(rows.groups).size,
    float: estimate(f.truth, f.float, f.groups, rows.classes.length),
    evaluated,
    cache,
  };
}

/**
 * Applies the recipes to the float model and measures them on the validation subjects (a held-out check
 * the choice does not use), with the memory budget the board leaves after `footprint` (the rest of the
 * firmware) and `margin`.
 * Recipe results do not depend on the board (but for mixed precision, which uses the flash budget), so each
 * is kept in `cacheDir` under the hash of the float model, its settings and its validation subjects, and
 * reused by the next board's build.
 */
export async function evaluateRecipes(
  app: MurmurApp,
  trained: TrainedModel,
  board: Board,
  footprint: FirmwareFootprint,
  opts: CompressOptions = {},
): Promise<RecipeEvaluation> {
  const mod = appModelSpec(app);
  const recipes = opts.recipes
    ? defaultRecipes.filter((r) => opts.recipes!.includes(r.name))
    : tinyData(trained.train)
      ? defaultRecipes.filter((r) => FEW_SUBJECTS_RECIPES.includes(r.name))
      : defaultRecipes;
  const budget = memoryBudget(board, footprint, opts.margin ?? 0.1);
  const cacheDir = opts.cacheDir ?? join(defaultModelDir(app.id), 'recipes');
  const serialized = serializeModel(trained.model);
  const modelKey = createHash('sha256')
    .update(CV_CACHE_VERSION)
    .update(serialized.json)
    .update(serialized.weights)
    .update(JSON.stringify({ settings: mod.settings, validation: trained.validationSubjects }))
    .digest('hex');
  const results: RecipeResult[] = [];
  for (const recipe of recipes) {
    // Mixed precision picks its int4 layers under the board's flash budget, so only it depends on the board.
    const key = recipe.weights === 'mixed' ? `${modelKey}:${budget.flash}` : modelKey;
    const file = join(cacheDir, `${recipe.name.replace(/[^A-Za-z0-9_.-]/g, '_')}.json`);
    const cached = existsSync(file)
      ? (JSON.parse(readFileSync(file, 'utf8')) as {
          key: string;
          result: Omit<RecipeResult, 'compressed'>;
          compressed: string;
        })
      : undefined;
    if (cached?.key === key) {
      results.push({
        ...cached.result,
        // JSON has no NaN: a result without held-out rows comes back as null.
        accuracy: cached.result.accuracy ?? NaN,
        macroF1: cached.result.macroF1 ?? NaN,
        dropPp: cached.result.dropPp ?? NaN,
        compressed: compressedFromJson(cached.compressed),
      });
      continue;
    }
    const result = await runRecipe(recipe, {
      model: trained.model,
      mixedBudgetBytes: budget.flash,
      train: appFineTuneData(mod, trained.train, { quiet: opts.quiet }),
      validation: trained.validation,
    });
    const { compressed, ...rest } = result;
    mkdirSync(cacheDir, { recursive: true });
    writeFileSync(file, JSON.stringify({ key, result: rest, compressed: compressedToJson(compressed) }));
    results.push(result);
  }
  const float = {
    bytes: floatWeightBytes(trained.model),
    accuracy: floatAccuracy(trained.model, trained.validation, trained.rows.classes.length),
  };
  return { float, results, budget };
}
