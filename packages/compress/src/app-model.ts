import { createRng } from '@murmur/core';
import type { FineTuneData } from './finetune';
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
 * An app's model, trained on its feature rows: what `murmur train`, `murmur compress` and the compress
 * benchmark share. An app's config sets `model: Partial<AppModelSettings>`; missing settings take the
 * defaults below (@murmur/app's appModelSpec merges them).
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
  /**
   * Epochs of fine-tuning per compression step (structured pruning, gradual pruning, clustering,
   * binarization, QAT): fixed, never chosen on held-out rows. Default: a third of `epochs`, at least 5.
   */
  fineTuneEpochs?: number;
  /** Learning rate of that fine-tuning (default: `learningRate`). */
  fineTuneLearningRate?: number;
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

/** Fine-tuning epochs and learning rate of an app's compression steps (see AppModelSettings). */
export function fineTuneSettings(s: AppModelSettings): { epochs: number; learningRate: number } {
  return {
    epochs: s.fineTuneEpochs ?? Math.max(5, Math.round(s.epochs / 3)),
    learningRate: s.fineTuneLearningRate ?? s.learningRate,
  };
}

/** An app's model as this package trains it: the app's name and its settings. */
export interface AppModelSpec {
  name: string;
  settings: AppModelSettings;
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
  app: AppModelSpec,
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

/** The fine-tuning data of an app's compression recipes on `rows` (its settings' epochs, rate and seed). */
export function appFineTuneData(
  app: AppModelSpec,
  rows: AppRows,
  opts: { quiet?: boolean } = {},
): FineTuneData {
  return {
    x: rows.x,
    y: rows.y,
    groups: rows.groups,
    classes: rows.classes.length,
    seed: app.settings.seed,
    batchSize: app.settings.batchSize,
    ...fineTuneSettings(app.settings),
    quiet: opts.quiet,
  };
}

/**
 * Trains the app's MLP on all of `train`, with early stopping on a subject split inside it (20 % of its
 * subjects), so no row outside `train` is seen.
 */
export async function fitAppModel(
  app: AppModelSpec,
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
