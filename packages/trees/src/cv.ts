/**
 * Cross-validation of the tree family by subject (never by window) and subject-level bootstrap intervals.
 * Each fold fits the quantizer and the model on its training subjects only and predicts the held-out rows
 * with the float model and with the integer model (the device's prediction).
 */
import { createRng, MurmurError } from '@murmur/core';
import { classificationReport, type ClassificationReport } from '@murmur/nn';
import { predictFloat, predictQuantized } from './predict';
import { fitQuantizer, quantizeTreeModel, type QuantizeOptions } from './quantize';
import { trainTrees, type TreeModelParams } from './train';
import type { TreeRows } from './types';

/** A fold: which rows it holds out (the shape of @murmur/app's Fold). */
export interface TreeFold {
  name: string;
  test(row: { group: string; recording: string }): boolean;
}

/** Row indices held out by a fold and kept for training. */
export function foldIndices(rows: TreeRows, fold: TreeFold): { train: number[]; test: number[] } {
  const train: number[] = [];
  const test: number[] = [];
  rows.groups.forEach((group, i) =>
    (fold.test({ group, recording: rows.recordings?.[i] ?? group }) ? test : train).push(i),
  );
  return { train, test };
}

/** The rows at some indices. */
export function pickRows(rows: TreeRows, idx: readonly number[]): TreeRows {
  return {
    x: idx.map((i) => rows.x[i]!),
    y: idx.map((i) => rows.y[i]!),
    groups: idx.map((i) => rows.groups[i]!),
    ...(rows.recordings ? { recordings: idx.map((i) => rows.recordings![i]!) } : {}),
    classes: rows.classes,
    featureNames: rows.featureNames,
  };
}

export interface TreeCvPrediction {
  row: number;
  fold: string;
  truth: number;
  float: number;
  quantized: number;
}

export interface TreeCrossValidation {
  folds: {
    name: string;
    trainRows: number;
    testRows: number;
    nodes: number;
    float: number;
    quantized: number;
  }[];
  predictions: TreeCvPrediction[];
  float: ClassificationReport;
  quantized: ClassificationReport;
  seconds: number;
}

/** Trains and predicts every fold; every held-out row is predicted once, by the fold that held it out. */
export function crossValidateTrees(
  rows: TreeRows,
  params: TreeModelParams,
  folds: readonly TreeFold[],
  options: { seed?: number; quantize?: QuantizeOptions } = {},
): TreeCrossValidation {
  const start = performance.now();
  const classes = rows.classes.length;
  const predictions: TreeCvPrediction[] = [];
  const seen = new Set<number>();
  const out: TreeCrossValidation['folds'] = [];
  for (const fold of folds) {
    const { train, test } = foldIndices(rows, fold);
    if (!train.length || !test.length)
      throw new MurmurError(`fold '${fold.name}' holds out ${test.length} of ${rows.x.length} rows`, {
        field: 'folds',
      });
    const trainRows = pickRows(rows, train);
    const model = trainTrees(trainRows, params, options.seed ?? 1);
    const quantized = quantizeTreeModel(model, fitQuantizer(trainRows.x, options.quantize));
    let floatCorrect = 0;
    let quantCorrect = 0;
    for (const i of test) {
      if (seen.has(i)) throw new MurmurError(`row ${i} is held out by two folds`, { field: 'folds' });
      seen.add(i);
      const f = predictFloat(model, rows.x[i]!);
      const q = predictQuantized(quantized, rows.x[i]!).index;
      floatCorrect += +(f === rows.y[i]);
      quantCorrect += +(q === rows.y[i]);
      predictions.push({ row: i, fold: fold.name, truth: rows.y[i]!, float: f, quantized: q });
    }
    out.push({
      name: fold.name,
      trainRows: train.length,
      testRows: test.length,
      nodes: quantized.nodes.feature.length,
      float: floatCorrect / test.length,
      quantized: quantCorrect / test.length,
    });
  }
  const truth = predictions.map((p) => p.truth);
  return {
    folds: out,
    predictions,
    float: classificationReport(
      truth,
      predictions.map((p) => p.float),
      classes,
    ),
    quantized: classificationReport(
      truth,
      predictions.map((p) => p.quantized),
      classes,
    ),
    seconds: (performance.now() - start) / 1000,
  };
}

/** A figure with its 95 % interval. */
export interface Estimate {
  value: number;
  low: number;
  high: number;
}

export interface BootstrapSummary {
  accuracy: Estimate;
  macroF1: Estimate;
  /** With `reference` predictions: 100 · (reference accuracy − accuracy), percentage points, paired. */
  dropPp?: Estimate;
  windows: number;
  subjects: number;
  resamples: number;
  seed: number;
}
/** Macro-F1 from a confusion matrix (flat K×K, [truth][predicted]), as @murmur/nn's classificationReport. */
function macroF1Of(confusion: Float64Array, classes: number): number {
  let sum = 0;
  let count = 0;
  for (let c = 0; c < classes; c++) {
    let support = 0;
    let predicted = 0;
    for (let j = 0; j < classes; j++) {
      support += confusion[c * classes + j]!;
      predicted += confusion[j * classes + c]!;
    }
    if (support === 0 && predicted === 0) continue;
    const tp = confusion[c * classes + c]!;
    const precision = predicted ? tp / predicted : 0;
    const recall = support ? tp / support : 0;
    sum += precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : 0;
    count++;
  }
  return count ? sum / count : NaN;
}

const percentile = (sorted: Float64Array, p: number): number => {
  const at = p * (sorted.length - 1);
  const lo = Math.floor(at);
  const hi = Math.ceil(at);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (at - lo);
};

/**
 * Accuracy and macro-F1 with 95 % percentile intervals from a subject-level bootstrap: subjects are drawn with
 * replacement (as many as there are), each bringing all its windows, `resamples` times (default 1000). With
 * `reference` (another model's predictions of the same rows, e.g. the float MLP's), also the paired interval
 * of the drop: both models scored on the same resampled subjects.
 */
export function subjectBootstrap(
  truth: readonly number[],
  predicted: readonly number[],
  groups: readonly string[],
  classes: number,
  options: { resamples?: number; seed?: number; reference?: readonly number[] } = {},
): BootstrapSummary {
  const resamples = options.resamples ?? 1000;
  const seed = options.seed ?? 1;
  const reference = options.reference;
  if (predicted.length !== truth.length || groups.length !== truth.length)
    throw new MurmurError(`${truth.length} labels, ${predicted.length} predictions, ${groups.length} groups`);
  if (reference && reference.length !== truth.length)
    throw new MurmurError(`${truth.length} labels but ${reference.length} reference predictions`);
  const subjects = [...new Set(groups)].sort();
  const index = new Map(subjects.map((s, i) => [s, i]));
  const perSubject = subjects.map(() => new Float64Array(classes * classes));
  // Per subject: windows and correct windows of the reference.
  const refCorrect = new Float64Array(subjects.length);
  const windows = new Float64Array(subjects.length);
  truth.forEach((t, i) => {
    const s = index.get(groups[i]!)!;
    perSubject[s]![t * classes + predicted[i]!]! += 1;
    windows[s]! += 1;
    if (reference && reference[i] === t) refCorrect[s]! += 1;
  });
  const total = new Float64Array(classes * classes);
  perSubject.forEach((c) => c.forEach((v, j) => (total[j]! += v)));
  const accuracyOf = (c: Float64Array): number => {
    let correct = 0;
    let n = 0;
    for (let k = 0; k < classes; k++) correct += c[k * classes + k]!;
    for (const v of c) n += v;
    return n ? correct / n : NaN;
  };
  const sum = (a: Float64Array): number => a.reduce((x, y) => x + y, 0);
  const rng = createRng(seed).fork('subject-bootstrap');
  const acc = new Float64Array(resamples);
  const f1 = new Float64Array(resamples);
  const drop = new Float64Array(resamples);
  const sample = new Float64Array(classes * classes);
  for (let b = 0; b < resamples; b++) {
    sample.fill(0);
    let ref = 0;
    let n = 0;
    for (let s = 0; s < subjects.length; s++) {
      const pick = Math.floor(rng.next() * subjects.length);
      const c = perSubject[pick]!;
      for (let j = 0; j < c.length; j++) sample[j]! += c[j]!;
      ref += refCorrect[pick]!;
      n += windows[pick]!;
    }
    acc[b] = accuracyOf(sample);
    f1[b] = macroF1Of(sample, classes);
    drop[b] = 100 * (ref / n - acc[b]!);
  }
  acc.sort();
  f1.sort();
  drop.sort();
  const accuracy = accuracyOf(total);
  return {
    accuracy: { value: accuracy, low: percentile(acc, 0.025), high: percentile(acc, 0.975) },
    macroF1: { value: macroF1Of(total, classes), low: percentile(f1, 0.025), high: percentile(f1, 0.975) },
    ...(reference
      ? {
          dropPp: {
            value: 100 * (sum(refCorrect) / truth.length - accuracy),
            low: percentile(drop, 0.025),
            high: percentile(drop, 0.975),
          },
        }
      : {}),
    windows: truth.length,
    subjects: subjects.length,
    resamples,
    seed,
  };
}
