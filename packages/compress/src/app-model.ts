import type { AppFeatures } from '@murmur/dsp';
import { createRng, MurmurError, UsageError } from '@murmur/core';
import {
  buildMlp,
  evaluateClassifier,
  splitGroups,
  trainClassifier,
  type ClassificationReport,
  type ModelIR,
  type TrainResult,
} from '@murmur/nn';

/**
 * An app's model, trained on its own features: what `murmur train`, `murmur compress` and the compress
 * benchmark share. An app package (`@murmur/<app>`) exports `app` (its app.config: `features`, `classes`,
 * `model: Partial<AppModelSettings>`); a package without it may export its AppFeatures and
 * `modelSettings` directly. Missing settings take the defaults below.
 */
export interface AppModelSettings {
  /** Hidden dense widths of the MLP on the feature vector. */
  hidden: number[];
  epochs: number;
  learningRate: number;
  batchSize: number;
  /** Early-stopping patience on the validation subjects' loss (0 = fixed epochs). */
  patience: number;
  /** Fraction of subjects held out for validation. */
  validationFraction: number;
  seed: number;
  /** Class names in output order (default: the sorted labels found in the data). */
  classes?: string[];
}

export const defaultModelSettings: AppModelSettings = {
  hidden: [64, 32],
  epochs: 40,
  learningRate: 0.003,
  batchSize: 32,
  patience: 8,
  validationFraction: 0.25,
  seed: 1,
};

export interface AppModule {
  name: string;
  features: AppFeatures;
  settings: AppModelSettings;
}

/** Imports `@murmur/<app>` and finds its AppFeatures export and optional `modelSettings`. */
export async function loadAppModule(app: string): Promise<AppModule> {
  if (!/^[a-z0-9][a-z0-9-]*$/.test(app)) throw new UsageError(`bad app name '${app}'`);
  let mod: Record<string, unknown>;
  try {
    mod = (await import(/* @vite-ignore */ `@murmur/${app}`)) as Record<string, unknown>;
  } catch (e) {
    throw new UsageError(
      `unknown app '${app}': cannot import @murmur/${app} (${(e as Error).message.split('\n')[0]})`,
    );
  }
  const isFeatures = (v: unknown): v is AppFeatures =>
    typeof v === 'object' && v !== null && 'graphFor' in v && 'dataset' in v;
  const config = mod['app'] as
    { features?: unknown; classes?: readonly string[]; model?: Partial<AppModelSettings> } | undefined;
  const features = isFeatures(config?.features) ? config.features : Object.values(mod).find(isFeatures);
  if (!features)
    throw new MurmurError(`@murmur/${app} exports no AppFeatures (an object with dataset and graphFor)`, {
      field: app,
    });
  const settings: AppModelSettings = {
    ...defaultModelSettings,
    ...(config?.classes ? { classes: [...config.classes] } : {}),
    ...(config?.model ?? {}),
    ...((mod['modelSettings'] as Partial<AppModelSettings> | undefined) ?? {}),
  };
  return { name: app, features, settings };
}

/** Labelled feature rows of an app's dataset, with the subject of each row. */
export interface AppRows {
  x: Float32Array[];
  y: number[];
  groups: string[];
  /** The recording of each row (for folds finer or coarser than subjects, e.g. one motor load). */
  recordings: string[];
  classes: string[];
  featureNames: string[];
}

const rowCache = new Map<string, Promise<AppRows>>();

/**
 * Loads the app's dataset and computes its feature rows (TS reference of the feature graph). Results are
 * kept for the life of the process (train then compress in one run extract features once); treat them as
 * read-only.
 */
export function loadAppRows(
  app: AppModule,
  opts: { dataDir?: string; allowSynthetic?: boolean } = {},
): Promise<AppRows> {
  const key = JSON.stringify([
    app.name,
    opts.dataDir ?? process.env['MURMUR_DATA_DIR'] ?? '',
    opts.allowSynthetic ?? false,
    app.settings.classes,
  ]);
  let rows = rowCache.get(key);
  if (!rows) {
    rows = extractAppRows(app, opts);
    rowCache.set(key, rows);
    rows.catch(() => rowCache.delete(key));
  }
  return rows;
}

async function extractAppRows(
  app: AppModule,
  opts: { dataDir?: string; allowSynthetic?: boolean },
): Promise<AppRows> {
  const { loadDataset } = await import('@murmur/datasets');
  const { extractAppFeatures } = await import('@murmur/dsp');
  const recordings = await loadDataset(app.features.dataset, {
    dataDir: opts.dataDir,
    allowSynthetic: opts.allowSynthetic,
  });
  const table = extractAppFeatures(app.features, recordings);
  const rows = table.rows.filter((r) => r.label !== undefined && r.features.every(Number.isFinite));
  if (rows.length === 0)
    throw new MurmurError(`no labelled feature rows in dataset '${app.features.dataset}'`, {
      field: 'dataset',
    });
  const classes = app.settings.classes ?? [...new Set(rows.map((r) => r.label!))].sort();
  const index = new Map(classes.map((c, i) => [c, i]));
  const kept = rows.filter((r) => index.has(r.label!));
  return {
    x: kept.map((r) => r.features),
    y: kept.map((r) => index.get(r.label!)!),
    groups: kept.map((r) => r.subject),
    recordings: kept.map((r) => r.recording),
    classes,
    featureNames: table.features.map((f) => f.name),
  };
}

/** The rows at some indices, in that order. */
export function selectRows(rows: AppRows, idx: readonly number[]): AppRows {
  return {
    ...rows,
    x: idx.map((i) => rows.x[i]!),
    y: idx.map((i) => rows.y[i]!),
    groups: idx.map((i) => rows.groups[i]!),
    recordings: idx.map((i) => rows.recordings[i]!),
  };
}

/** The rows of some groups. */
export function selectGroups(rows: AppRows, groups: readonly string[]): AppRows {
  const keep = new Set(groups);
  return selectRows(
    rows,
    rows.groups.map((g, i) => (keep.has(g) ? i : -1)).filter((i) => i >= 0),
  );
}

/** A seeded random fraction of the rows (deterministic subsampling for quick runs). */
export function subsampleRows(rows: AppRows, fraction: number, seed: number): AppRows {
  if (fraction >= 1) return rows;
  const rng = createRng(seed).fork('subsample');
  return selectRows(
    rows,
    rows.x.map((_, i) => i).filter(() => rng.next() < fraction),
  );
}

export interface AppTraining {
  model: ModelIR;
  train: AppRows;
  validation: AppRows;
  result: TrainResult;
  report: ClassificationReport;
}

/**
 * Splits the rows by subject (validation subjects never seen in training), trains the app's MLP on the
 * training subjects (fitAppModel) and reports on the validation subjects.
 */
export async function trainAppModel(
  app: AppModule,
  rows: AppRows,
  opts: { quiet?: boolean; epochs?: number } = {},
): Promise<AppTraining> {
  const split = splitGroups(rows.groups, app.settings.validationFraction, app.settings.seed);
  const train = selectGroups(rows, split.train);
  const validation = selectGroups(rows, split.validation);
  const result = await fitAppModel(app, train, opts);
  result.model.meta = {
    ...result.model.meta,
    validationSubjects: split.validation,
    trainingSubjects: split.train,
  };
  return {
    model: result.model,
    train,
    validation,
    result,
    report: evaluateClassifier(result.model, validation.x, validation.y, rows.classes.length),
  };
}

/**
 * Trains the app's MLP on all of `train`, with early stopping on a subject split inside it (20 % of its
 * subjects), so no row outside `train` is seen.
 */
export async function fitAppModel(
  app: AppModule,
  train: AppRows,
  opts: { quiet?: boolean; epochs?: number; label?: string } = {},
): Promise<TrainResult> {
  const s = app.settings;
  const model = buildMlp({
    inputs: train.x[0]!.length,
    hidden: s.hidden,
    classes: train.classes.length,
    seed: s.seed,
  });
  model.meta = { ...model.meta, classes: train.classes, features: train.featureNames, app: app.name };
  return trainClassifier({
    ...train,
    classes: train.classes.length,
    model,
    seed: s.seed,
    epochs: opts.epochs ?? s.epochs,
    batchSize: s.batchSize,
    learningRate: s.learningRate,
    validationFraction: s.patience > 0 ? 0.2 : 0,
    earlyStopping: s.patience > 0 ? { patience: s.patience } : undefined,
    label: opts.label ?? `train ${app.name}`,
    quiet: opts.quiet,
  });
}
