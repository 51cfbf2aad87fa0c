import type * as tfTypes from '@tensorflow/tfjs';
import { createProgress, createRng, MurmurError } from '@murmur/core';
import { describeBackend, loadTf, type Tf } from './backend';
import { runFloat } from './interpreter';
import { cloneModel, tensorSize, type InputNorm, type ModelIR } from './ir';
import { argmax, classificationReport, type ClassificationReport } from './metrics';
import {
  createTfParams,
  disposeTfParams,
  forwardTf,
  needsConvGradients,
  readTfParams,
  type ForwardHooks,
  type TfParams,
} from './tf-forward';

/**
 * Deterministic training on feature rows (any feature extractor): seeded initial weights (from the
 * builders), own seeded shuffling, a validation split by group (subject), fixed epochs or early stopping
 * with the best weights restored, class weights, and a progress bar per epoch.
 */
export interface TrainOptions {
  /** One row per sample, each of the model's input size. */
  x: Float32Array[];
  /** Class index per row (classifiers); ignored by autoencoders. */
  y?: number[];
  /** Group (subject) of each row: validation takes whole groups. */
  groups: string[];
  /** The model to train (not modified); from a builder or a previous training. */
  model: ModelIR;
  seed: number;
  epochs: number;
  batchSize?: number;
  learningRate?: number;
  /** Fraction of groups held out for validation (default 0.2; 0 trains on everything). */
  validationFraction?: number;
  /** Explicit validation groups (overrides validationFraction). */
  validationGroups?: string[];
  /** Stop when the validation loss has not improved for `patience` epochs; the best weights are kept. */
  earlyStopping?: { patience: number };
  /** 'balanced' (default) weighs each class by n / (classes · n_c); or explicit weights; or 'none'. */
  classWeights?: 'balanced' | 'none' | number[];
  /** Graph hooks (fake quantization). */
  hooks?: ForwardHooks;
  /** Called after every optimizer step with the parameters, e.g. to re-apply pruning masks. */
  afterStep?: (params: TfParams, tf: Tf) => void;
  /** Progress bar label; `quiet` silences it. */
  label?: string;
  quiet?: boolean;
}

export interface EpochLog {
  epoch: number;
  loss: number;
  valLoss?: number;
  valAccuracy?: number;
}

export interface TrainResult {
  model: ModelIR;
  history: EpochLog[];
  /** Epoch whose weights were kept (1-based). */
  bestEpoch: number;
  trainGroups: string[];
  validationGroups: string[];
  /** e.g. `@tensorflow/tfjs (wasm backend)`. */
  backend: string;
  seconds: number;
}

/** Splits groups into train / validation with a seeded shuffle. */
export function splitGroups(
  groups: readonly string[],
  fraction: number,
  seed: number,
): { train: string[]; validation: string[] } {
  const unique = [...new Set(groups)].sort();
  if (fraction <= 0 || unique.length < 2) return { train: unique, validation: [] };
  createRng(seed).fork('validation-split').shuffle(unique);
  const n = Math.min(unique.length - 1, Math.max(1, Math.round(fraction * unique.length)));
  return { train: unique.slice(n).sort(), validation: unique.slice(0, n).sort() };
}

/** Per-feature mean and 1/std of the rows (std floored so constant features stay finite). */
export function computeInputNorm(rows: readonly Float32Array[]): InputNorm {
  const n = rows[0]!.length;
  const mean = new Array<number>(n).fill(0);
  const sq = new Array<number>(n).fill(0);
  for (const r of rows) for (let i = 0; i < n; i++) mean[i]! += r[i]!;
  for (let i = 0; i < n; i++) mean[i] = Math.fround(mean[i]! / rows.length);
  for (const r of rows) for (let i = 0; i < n; i++) sq[i]! += (r[i]! - mean[i]!) ** 2;
  const invStd = sq.map((s) => Math.fround(1 / Math.max(Math.sqrt(s / rows.length), 1e-6)));
  return { mean, invStd };
}

function checkRows(opts: TrainOptions): number {
  const size = tensorSize(opts.model.inputShape);
  if (opts.x.length === 0) throw new MurmurError('no training rows', { field: 'x' });
  if (opts.groups.length !== opts.x.length)
    throw new MurmurError(`${opts.x.length} rows but ${opts.groups.length} groups`, { field: 'groups' });
  opts.x.forEach((r, i) => {
    if (r.length !== size)
      throw new MurmurError(`row has ${r.length} values, the model takes ${size}`, { field: `x[${i}]` });
  });
  return size;
}

function stack(
  tf: Tf,
  rows: readonly Float32Array[],
  idx: readonly number[],
  shape: number[],
  norm: InputNorm,
): tfTypes.Tensor {
  const size = tensorSize(shape);
  const buf = new Float32Array(idx.length * size);
  idx.forEach((r, k) => {
    const row = rows[r]!;
    for (let i = 0; i < size; i++)
      buf[k * size + i] = Math.fround(Math.fround(row[i]! - norm.mean[i]!) * norm.invStd[i]!);
  });
  return tf.tensor(buf, [idx.length, ...shape]);
}

type LossFn = (tf: Tf, out: tfTypes.Tensor, idx: number[], x: tfTypes.Tensor) => tfTypes.Scalar;

async function fit(
  opts: TrainOptions,
  makeLoss: (tf: Tf) => LossFn,
  autoencoder: boolean,
): Promise<TrainResult> {
  const start = performance.now();
  checkRows(opts);
  const rt = await loadTf({ needsConvGradients: needsConvGradients(opts.model) });
  const { tf } = rt;
  const model = cloneModel(opts.model);
  model.inputNorm ??= computeInputNorm(opts.x);
  const norm = model.inputNorm;
  const split = opts.validationGroups
    ? {
        validation: [...opts.validationGroups].sort(),
        train: [...new Set(opts.groups)].filter((g) => !opts.validationGroups!.includes(g)).sort(),
      }
    : splitGroups(opts.groups, opts.validationFraction ?? 0.2, opts.seed);
  const valSet = new Set(split.validation);
  const trainIdx: number[] = [];
  const valIdx: number[] = [];
  opts.groups.forEach((g, i) => (valSet.has(g) ? valIdx : trainIdx).push(i));
  if (trainIdx.length === 0)
    throw new MurmurError('every row is in the validation split', { field: 'validationGroups' });

  const params = createTfParams(tf, model);
  const optimizer = tf.train.adam(opts.learningRate ?? 1e-3);
  const loss = makeLoss(tf);
  const batchSize = opts.batchSize ?? 32;
  const shuffleRng = createRng(opts.seed).fork('shuffle');
  const progress = createProgress({
    total: opts.epochs,
    label: opts.label ?? 'train',
    unit: 'epochs',
    quiet: opts.quiet,
  });
  const history: EpochLog[] = [];
  let best: { loss: number; epoch: number; model: ModelIR } | undefined;
  const forward = (x: tfTypes.Tensor): tfTypes.Tensor =>
    forwardTf(tf, model, params, x, { hooks: opts.hooks, logits: !autoencoder });

  for (let epoch = 1; epoch <= opts.epochs; epoch++) {
    const order = shuffleRng.shuffle([...trainIdx]);
    let lossSum = 0;
    for (let b = 0; b < order.length; b += batchSize) {
      const idx = order.slice(b, b + batchSize);
      const cost = tf.tidy(() => {
        const x = stack(tf, opts.x, idx, model.inputShape, norm);
        return optimizer.minimize(() => loss(tf, forward(x), idx, x), true) as tfTypes.Scalar;
      });
      lossSum += (await cost.data())[0]! * idx.length;
      cost.dispose();
      opts.afterStep?.(params, tf);
    }
    const log: EpochLog = { epoch, loss: lossSum / order.length };
    if (valIdx.length) {
      const { valLoss, valAccuracy } = tf.tidy(() => {
        const x = stack(tf, opts.x, valIdx, model.inputShape, norm);
        const out = forward(x);
        const l = loss(tf, out, valIdx, x).dataSync()[0]!;
        if (autoencoder) return { valLoss: l, valAccuracy: undefined };
        const pred = tf.argMax(out, 1).dataSync();
        let ok = 0;
        valIdx.forEach((r, k) => (ok += pred[k] === opts.y![r] ? 1 : 0));
        return { valLoss: l, valAccuracy: ok / valIdx.length };
      });
      log.valLoss = valLoss;
      log.valAccuracy = valAccuracy;
    }
    history.push(log);
    const monitored = log.valLoss ?? log.loss;
    if (opts.earlyStopping && (!best || monitored < best.loss)) {
      readTfParams(model, params);
      best = { loss: monitored, epoch, model: cloneModel(model) };
    }
    progress.tick(
      1,
      `loss ${log.loss.toFixed(4)}${log.valAccuracy !== undefined ? ` val acc ${(100 * log.valAccuracy).toFixed(1)}%` : ''}`,
    );
    if (opts.earlyStopping && best && epoch - best.epoch >= opts.earlyStopping.patience) break;
  }
  const stopped =
    history.length < opts.epochs
      ? `stopped early after ${history.length} epochs, kept epoch ${best?.epoch}; `
      : '';
  progress.done(`${stopped}${describeBackend(rt)}`);
  readTfParams(model, params);
  disposeTfParams(params);
  optimizer.dispose();
  const result = best ?? { model, epoch: history.length };
  return {
    model: result.model,
    history,
    bestEpoch: result.epoch,
    trainGroups: split.train,
    validationGroups: split.validation,
    backend: describeBackend(rt),
    seconds: (performance.now() - start) / 1000,
  };
}

/** Per-class loss weights. */
export function classWeightsFor(
  y: readonly number[],
  classes: number,
  mode: TrainOptions['classWeights'],
): number[] {
  if (Array.isArray(mode)) return mode;
  if (mode === 'none') return new Array<number>(classes).fill(1);
  const counts = new Array<number>(classes).fill(0);
  for (const c of y) counts[c]!++;
  return counts.map((n) => (n ? y.length / (classes * n) : 0));
}

/**
 * Trains a classifier (softmax cross-entropy on the logits, weighted per class). `classes` is the number of
 * classes or their names in label-index order (names are recorded in the model's meta).
 */
export async function trainClassifier(
  opts: TrainOptions & { classes: number | string[] },
): Promise<TrainResult> {
  const classes = typeof opts.classes === 'number' ? opts.classes : opts.classes.length;
  const result = await fitClassifier({ ...opts, classes });
  if (Array.isArray(opts.classes)) result.model.meta = { ...result.model.meta, classes: opts.classes };
  return result;
}

function fitClassifier(opts: TrainOptions & { classes: number }): Promise<TrainResult> {
  const y = opts.y;
  if (!y || y.length !== opts.x.length)
    throw new MurmurError(`${opts.x.length} rows but ${y?.length ?? 0} labels`, { field: 'y' });
  y.forEach((c, i) => {
    if (!Number.isInteger(c) || c < 0 || c >= opts.classes)
      throw new MurmurError(`label ${c} is not a class index`, { field: `y[${i}]` });
  });
  const weights = classWeightsFor(y, opts.classes, opts.classWeights);
  return fit(
    opts,
    (tf) => (_tf, logits, idx) => {
      const labels = tf.oneHot(
        tf.tensor1d(
          idx.map((r) => y[r]!),
          'int32',
        ),
        opts.classes,
      );
      const w = tf.tensor1d(idx.map((r) => weights[y[r]!]!));
      return tf.losses.softmaxCrossEntropy(labels, logits, w) as tfTypes.Scalar;
    },
    false,
  );
}

/** Trains an autoencoder to reconstruct its (normalized) input with mean squared error. */
export function trainAutoencoder(opts: TrainOptions): Promise<TrainResult> {
  return fit(opts, (tf) => (_tf, out, _idx, x) => tf.losses.meanSquaredError(x, out) as tfTypes.Scalar, true);
}

/** Class predicted by the float interpreter for each row. */
export function predictClasses(model: ModelIR, rows: readonly Float32Array[]): number[] {
  return rows.map((r) => argmax(runFloat(model, r)));
}

/** Accuracy, macro-F1, per-class recall and confusion of the float model on rows. */
export function evaluateClassifier(
  model: ModelIR,
  rows: readonly Float32Array[],
  y: readonly number[],
  classes: number,
): ClassificationReport {
  return classificationReport(y, predictClasses(model, rows), classes);
}

/** Anomaly score of each row: mean squared reconstruction error in the normalized input space. */
export function reconstructionErrors(model: ModelIR, rows: readonly Float32Array[]): number[] {
  return rows.map((r) => {
    const out = runFloat(model, r);
    let s = 0;
    for (let i = 0; i < r.length; i++) {
      const xi = model.inputNorm
        ? Math.fround(Math.fround(r[i]! - model.inputNorm.mean[i]!) * model.inputNorm.invStd[i]!)
        : r[i]!;
      s += (xi - out[i]!) ** 2;
    }
    return s / r.length;
  });
}
