/**
 * The model stage of a build: the float model trained on the app's training subjects (loaded when it
 * exists, trained otherwise), then every compression recipe evaluated on the validation subjects and the
 * most accurate one that fits the board's budget chosen.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { appModelSpec, appRows, type MurmurApp } from '@murmur/app';
import type { Board } from '@murmur/boards';
import {
  chooseRecipe,
  defaultRecipes,
  floatAccuracy,
  floatWeightBytes,
  memoryBudget,
  runRecipes,
  selectGroups,
  trainAppModel,
  type AppRows,
  type BudgetChoice,
  type FirmwareFootprint,
  type MemoryBudget,
  type RecipeResult,
} from '@murmur/compress';
import { compressedFromJson, compressedToJson } from '@murmur/kernels';
import { MurmurError, workspaceRoot } from '@murmur/core';
import {
  evaluateClassifier,
  loadModel,
  saveModel,
  serializeModel,
  type ClassificationReport,
  type ModelIR,
} from '@murmur/nn';

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
  float: { bytes: number; accuracy: number };
  results: RecipeResult[];
  budget: MemoryBudget;
}

export interface CompressionOutcome extends RecipeEvaluation {
  choice: BudgetChoice;
}

export interface CompressOptions {
  margin?: number;
  quiet?: boolean;
  recipes?: string[];
  cacheDir?: string;
}

/** Evaluates the recipes and chooses the most accurate one that fits; throws the budget message when none fits. */
export async function compressForBoard(
  app: MurmurApp,
  trained: TrainedModel,
  board: Board,
  footprint: FirmwareFootprint,
  opts: CompressOptions = {},
): Promise<CompressionOutcome> {
  const evaluation = await evaluateRecipes(app, trained, board, footprint, opts);
  return { ...evaluation, choice: chooseRecipe(evaluation.results, evaluation.budget) };
}

/**
 * Evaluates the recipes on the validation subjects, with the memory budget the board leaves after
 * `footprint` (the rest of the firmware) and `margin`.
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
    : defaultRecipes;
  const budget = memoryBudget(board, footprint, opts.margin ?? 0.1);
  const cacheDir = opts.cacheDir ?? join(defaultModelDir(app.id), 'recipes');
  const serialized = serializeModel(trained.model);
  const modelKey = createHash('sha256')
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
      results.push({ ...cached.result, compressed: compressedFromJson(cached.compressed) });
      continue;
    }
    const [result] = await runRecipes({
      model: trained.model,
      mixedBudgetBytes: budget.flash,
      train: {
        ...trained.train,
        classes: trained.rows.classes.length,
        seed: mod.settings.seed,
        quiet: opts.quiet,
      },
      validation: trained.validation,
      recipes: [recipe],
    });
    const { compressed, ...rest } = result!;
    mkdirSync(cacheDir, { recursive: true });
    writeFileSync(file, JSON.stringify({ key, result: rest, compressed: compressedToJson(compressed) }));
    results.push(result!);
  }
  const float = {
    bytes: floatWeightBytes(trained.model),
    accuracy: floatAccuracy(trained.model, trained.validation, trained.rows.classes.length),
  };
  return { float, results, budget };
}
