/**
 * The tree family as candidates of the budget solver: each spec (kind, size, feature bits, layout) is
 * cross-validated by subject on an app's rows and trained on all of them, with the bytes and RAM the budget
 * compares, in the shape of @murmur/compress's `BudgetCandidate` (recipe, weightBytes, activationBytes,
 * accuracy, dropPp, cv).
 */
import { classificationReport, type CvEstimate } from '@murmur/nn';
import type { FeatureBits, QuantizedTreeModel, TreeRows, FloatTreeModel } from './types';
import type { TreeLayout } from './codegen';
import { crossValidateTrees, subjectBootstrap, type BootstrapSummary, type TreeFold } from './cv';
import { fitQuantizer, quantizeTreeModel } from './quantize';
import { treeModelSize, type TreeArch, type TreeModelSize } from './size';
import { trainTrees, type TreeModelParams } from './train';

export interface TreeSpec {
  /** Candidate name, e.g. `forest10-d8-int16`. */
  name: string;
  params: TreeModelParams;
  bits: FeatureBits;
  /** Quantile clip of the quantizer's range (default 0 for 16 bits, 0.001 for 8). */
  clip?: number;
  layout: TreeLayout;
}

/**
 * Sizes that fit an Arduino Uno next to the rest of a Murmur firmware (a few kB of flash for the table,
 * under 200 B of stack), for 30 features and 6 classes; chosen by subject-wise cross-validation on
 * wearable-activity (bench trees has the figures).
 */
export const defaultTreeSpecs: TreeSpec[] = [
  {
    name: 'tree-d8-int16',
    params: { kind: 'tree', maxDepth: 8, minSamplesLeaf: 5 },
    bits: 16,
    layout: 'table',
  },
  {
    name: 'forest10-d8-int16',
    params: { kind: 'forest', trees: 10, maxDepth: 8, minSamplesLeaf: 2 },
    bits: 16,
    layout: 'table',
  },
  {
    name: 'forest10-d8-int8',
    params: { kind: 'forest', trees: 10, maxDepth: 8, minSamplesLeaf: 2 },
    bits: 8,
    layout: 'table',
  },
  {
    name: 'boosted20-d3-int16',
    params: { kind: 'boosted', rounds: 20, maxDepth: 3, learningRate: 0.3, minSamplesLeaf: 3 },
    bits: 16,
    layout: 'table',
  },
];

/** A trained tree model: float, quantized (what the device runs) and its sizes. */
export interface TrainedTrees {
  spec: TreeSpec;
  float: FloatTreeModel;
  model: QuantizedTreeModel;
  size: TreeModelSize;
}

const clipOf = (spec: TreeSpec): number => spec.clip ?? (spec.bits === 8 ? 0.001 : 0);

/** Trains a spec on rows (the quantizer is fitted on the same rows). */
export function trainTreeSpec(
  rows: TreeRows,
  spec: TreeSpec,
  options: { seed?: number; arch?: TreeArch } = {},
): TrainedTrees {
  const float = trainTrees(rows, spec.params, options.seed ?? 1);
  const model = quantizeTreeModel(float, fitQuantizer(rows.x, { bits: spec.bits, clip: clipOf(spec) }));
  return { spec, float, model, size: treeModelSize(model, options.arch ?? 'arm') };
}

/**
 * One candidate of the budget solver (the fields of @murmur/compress's `BudgetCandidate`: recipe, weightBytes,
 * activationBytes, accuracy, dropPp, cv), with what a report needs and the model trained on every row.
 */
export interface TreeCandidate {
  family: 'trees';
  recipe: string;
  /** e.g. `forest/table/int16`. */
  formats: string;
  /** Flash of the model's constants in the table layout (the if-else layout: measure the image). */
  weightBytes: number;
  /** RAM of one prediction (stack buffers); there is no arena. */
  activationBytes: number;
  /** Pooled over the folds' held-out rows, the integer (device) model. */
  accuracy: number;
  macroF1: number;
  /** Against the reference float model (see `cv.floatAccuracy`), percentage points. */
  dropPp: number;
  cv: CvEstimate;
  /** The tree's own float model pooled over the same rows, and what quantization cost it (pp). */
  treeFloatAccuracy: number;
  quantizationDropPp: number;
  /** Subject-level bootstrap of the integer model's figures. */
  interval: BootstrapSummary;
  seconds: number;
  trained: TrainedTrees;
}

/** The float reference a candidate's drop is measured against: its cross-validated prediction of every row. */
export interface TreeReference {
  /** e.g. `float MLP 30-32-16-6`. */
  name: string;
  /** predictions[i]: the reference's held-out prediction of rows.x[i] (same folds). */
  predictions: readonly number[];
}

/**
 * Cross-validates each spec on `folds` (whole subjects held out; the quantizer is fitted per fold on the
 * training subjects) and trains it on every row. With `reference` (the app's float MLP's predictions on the
 * same folds) the drop is against it, with a paired subject-bootstrap interval, so the solver ranks trees and
 * MLP recipes on one scale; without, against the tree's own float model. `arch` sizes the table (`arm` by
 * default, the larger).
 */
export function evaluateTreeCandidates(
  rows: TreeRows,
  folds: readonly TreeFold[],
  specs: readonly TreeSpec[] = defaultTreeSpecs,
  options: {
    seed?: number;
    arch?: TreeArch;
    resamples?: number;
    scheme?: string;
    reference?: TreeReference;
  } = {},
): TreeCandidate[] {
  const classes = rows.classes.length;
  const resamples = options.resamples ?? 1000;
  const seed = options.seed ?? 1;
  return specs.map((spec) => {
    const start = performance.now();
    const cv = crossValidateTrees(rows, spec.params, folds, {
      seed,
      quantize: { bits: spec.bits, clip: clipOf(spec) },
    });
    const truth = cv.predictions.map((p) => p.truth);
    const groups = cv.predictions.map((p) => rows.groups[p.row]!);
    const reference = options.reference
      ? cv.predictions.map((p) => options.reference!.predictions[p.row]!)
      : cv.predictions.map((p) => p.float);
    const interval = subjectBootstrap(
      truth,
      cv.predictions.map((p) => p.quantized),
      groups,
      classes,
      { resamples, seed, reference },
    );
    const floatReport = classificationReport(truth, reference, classes);
    const trained = trainTreeSpec(rows, spec, options);
    const estimate: CvEstimate = {
      scheme: options.scheme ?? 'subjects',
      folds: folds.length,
      windows: interval.windows,
      groups: interval.subjects,
      accuracy: cv.quantized.accuracy,
      macroF1: cv.quantized.macroF1,
      floatAccuracy: floatReport.accuracy,
      floatMacroF1: floatReport.macroF1,
      dropPp: interval.dropPp!.value,
      accuracyCi: [interval.accuracy.low, interval.accuracy.high],
      macroF1Ci: [interval.macroF1.low, interval.macroF1.high],
      dropCi: [interval.dropPp!.low, interval.dropPp!.high],
      method: `subject bootstrap, ${resamples} resamples, seed ${seed}; drop against ${options.reference?.name ?? "the tree's own float model"}`,
    };
    return {
      family: 'trees' as const,
      recipe: spec.name,
      formats: `${spec.params.kind}/${spec.layout}/int${spec.bits}`,
      weightBytes: trained.size.tableBytes,
      activationBytes: trained.size.bufferBytes,
      accuracy: cv.quantized.accuracy,
      macroF1: cv.quantized.macroF1,
      dropPp: estimate.dropPp,
      cv: estimate,
      treeFloatAccuracy: cv.float.accuracy,
      quantizationDropPp: 100 * (cv.float.accuracy - cv.quantized.accuracy),
      interval,
      seconds: (performance.now() - start) / 1000,
      trained,
    };
  });
}
