import { createRng, MurmurError } from '@murmur/core';
import type { BudgetCandidate } from './budget';
import {
  argmax,
  classificationReport,
  isWeightLayer,
  parameterCount,
  runFloat,
  type ModelIR,
} from '@murmur/nn';
import { clusterWeights } from './cluster';
import { binarizeHiddenDense, quantizationAwareTraining } from './fake-quant';
import { fineTune, type FineTuneData } from './finetune';
import {
  classifyInt8,
  compressedShapes,
  isQuantizedWeightLayer,
  modelWeightBytes,
  peakActivationBytes,
  type CompressedModel,
} from '@murmur/kernels';
import { pruneStructured, pruneUnstructured } from './prune';
import { calibrate, quantizeModel, type CalibrationOptions, type WeightEncoding } from './quantize';

/**
 * Recipes: float transforms applied in order (prune → cluster → ...), then quantization with a weight
 * encoding per layer. Each yields a compressed IR with its exact weight bytes, activation RAM and accuracy
 * measured by the int8 interpreter on validation rows.
 */
export type RecipeStep =
  /** Gradual magnitude pruning to `sparsity` (polynomial schedule over `steps` epochs, then fine-tuning). */
  | { kind: 'prune'; sparsity: number; steps?: number }
  | { kind: 'structured'; fraction: number }
  | { kind: 'cluster'; k: number }
  | { kind: 'binarize' }
  | { kind: 'qat' };

export interface Recipe {
  name: string;
  steps: RecipeStep[];
  /** int8 everywhere, int4 everywhere, or int4/int8 per layer by measured sensitivity. */
  weights: 'int8' | 'int4' | 'mixed';
}

/** Structured pruning fine-tunes this many times the fine-tune epochs (a smaller network retrains). */
export const STRUCTURED_EPOCHS_FACTOR = 2;

/** The candidate recipes the budget solver evaluates, from plain int8 to the strongest combination. */
export const defaultRecipes: Recipe[] = [
  { name: 'int8', steps: [], weights: 'int8' },
  { name: 'int8-qat', steps: [{ kind: 'qat' }], weights: 'int8' },
  { name: 'mixed-int4/int8', steps: [{ kind: 'qat' }], weights: 'mixed' },
  { name: 'int4-qat', steps: [{ kind: 'qat' }], weights: 'int4' },
  { name: 'prune75', steps: [{ kind: 'prune', sparsity: 0.75 }], weights: 'int8' },
  { name: 'structured50', steps: [{ kind: 'structured', fraction: 0.5 }], weights: 'int8' },
  { name: 'cluster16', steps: [{ kind: 'cluster', k: 16 }], weights: 'int8' },
  { name: 'binary', steps: [{ kind: 'binarize' }], weights: 'int8' },
  {
    name: 'prune50+cluster16',
    steps: [
      { kind: 'prune', sparsity: 0.5 },
      { kind: 'cluster', k: 16 },
    ],
    weights: 'int8',
  },
  {
    name: 'structured50+cluster16',
    steps: [
      { kind: 'structured', fraction: 0.5 },
      { kind: 'cluster', k: 16 },
    ],
    weights: 'int8',
  },
  {
    name: 'structured50+prune50+cluster8',
    steps: [
      { kind: 'structured', fraction: 0.5 },
      { kind: 'prune', sparsity: 0.5 },
      { kind: 'cluster', k: 8 },
    ],
    weights: 'int8',
  },
];

export interface Validation {
  x: Float32Array[];
  y: number[];
}

/** Accuracy and macro-F1 of the int8 model (the int8 interpreter, argmax of the int8 logits). */
export function evaluateCompressed(
  model: CompressedModel,
  val: Validation,
  classes: number,
): { accuracy: number; macroF1: number } {
  const pred = val.x.map((x) => classifyInt8(model, x).index);
  const r = classificationReport(val.y, pred, classes);
  return { accuracy: r.accuracy, macroF1: r.macroF1 };
}

/** Weight encodings per weight layer; clustered layers use the clustered format, binarized ones binary. */
function encodingsFor(
  model: ModelIR,
  base: WeightEncoding,
  clustered: boolean,
  binary: Set<number>,
  int4Layers: Set<number>,
): WeightEncoding[] {
  const out: WeightEncoding[] = [];
  model.layers.forEach((l, i) => {
    if (!isWeightLayer(l)) return;
    if (binary.has(i)) out.push('binary');
    else if (clustered) out.push('clustered');
    else out.push(int4Layers.has(i) ? 'int4' : base);
  });
  return out;
}

export interface MixedPrecisionResult {
  /** Layer indices (into model.layers) stored as int4. */
  int4Layers: number[];
  /** Accuracy drop (percentage points) from turning each weight layer alone into int4, by layer index. */
  sensitivity: Record<number, number>;
}

/**
 * Mixed precision by measured sensitivity: each weight layer alone is quantized to int4 (others int8) and
 * the accuracy drop on `val` recorded (runRecipe gives it training rows, so no held-out row is looked at). Layers then go to int4 from least to most sensitive: with
 * `budgetBytes`, until the weights fit; without, every layer whose drop is at most `tolerancePp`.
 */
export function chooseMixedPrecision(
  model: ModelIR,
  calibrationRows: Float32Array[],
  val: Validation,
  classes: number,
  opts: { budgetBytes?: number; tolerancePp?: number } = {},
): MixedPrecisionResult {
  const acts = calibrate(model, calibrationRows);
  const weightLayers = model.layers.map((l, i) => (isWeightLayer(l) ? i : -1)).filter((i) => i >= 0);
  const quantize = (int4: Set<number>): CompressedModel =>
    quantizeModel(model, acts, { encodings: encodingsFor(model, 'int8', false, new Set(), int4) });
  const base = evaluateCompressed(quantize(new Set()), val, classes).accuracy;
  const sensitivity: Record<number, number> = {};
  for (const i of weightLayers)
    sensitivity[i] = 100 * (base - evaluateCompressed(quantize(new Set([i])), val, classes).accuracy);
  const size = (i: number): number =>
    (model.layers[i]!.tensors as { kernel: { data: Float32Array } }).kernel.data.length;
  const order = [...weightLayers].sort((a, b) => sensitivity[a]! - sensitivity[b]! || size(b) - size(a));
  const chosen = new Set<number>();
  if (opts.budgetBytes !== undefined) {
    for (const i of order) {
      if (modelWeightBytes(quantize(chosen)) <= opts.budgetBytes) break;
      chosen.add(i);
    }
  } else {
    for (const i of order) if (sensitivity[i]! <= (opts.tolerancePp ?? 0.5)) chosen.add(i);
  }
  return { int4Layers: [...chosen].sort((a, b) => a - b), sensitivity };
}

/**
 * One recipe applied to a float model: its exact bytes, and its accuracy on the held-out rows it was given
 * (NaN without any). The budget solver (chooseRecipe) chooses by `cv`, the cross-validated estimate, when
 * the caller attached one.
 */
export interface RecipeResult extends BudgetCandidate {
  recipe: string;
  /** Weight formats used, e.g. `sparse,int8,int8`. */
  formats: string;
  weightBytes: number;
  /** float32 weight bytes divided by weightBytes. */
  ratio: number;
  activationBytes: number;
  /** On the held-out rows given to runRecipe (NaN without). */
  accuracy: number;
  macroF1: number;
  /** Accuracy drop versus the float model on those rows, percentage points (negative = better). */
  dropPp: number;
  seconds: number;
  compressed: CompressedModel;
}

export interface RecipeRunOptions {
  /** The trained float model. */
  model: ModelIR;
  /** Training rows for fine-tuning, calibration and mixed precision's layer choice. */
  train: FineTuneData;
  /** Held-out rows (validation subjects) whose accuracy the result reports; nothing is chosen on them. */
  validation?: Validation;
  calibration?: CalibrationOptions;
  /** Rows used for calibration (default: the first 512 training rows). */
  calibrationRows?: number;
  /** Weight byte budget given to mixed precision (default: its accuracy tolerance rule). */
  mixedBudgetBytes?: number;
}

/** float32 weight bytes of a model (4 bytes per parameter). */
export function floatWeightBytes(model: ModelIR): number {
  return 4 * parameterCount(model);
}

/** Float accuracy on the validation rows (the baseline every drop refers to). */
export function floatAccuracy(model: ModelIR, val: Validation, classes: number): number {
  return classificationReport(
    val.y,
    val.x.map((x) => argmax(runFloat(model, x))),
    classes,
  ).accuracy;
}

/** Up to `n` row indices of `length`, a seeded sample in ascending order (all of them when n ≥ length). */
function sampleIndices(length: number, n: number, seed: number): number[] {
  const all = Array.from({ length }, (_, i) => i);
  if (length <= n) return all;
  return createRng(seed)
    .fork('mixed-precision sample')
    .shuffle(all)
    .slice(0, n)
    .sort((a, b) => a - b);
}

/** Runs one recipe on the trained float model. */
export async function runRecipe(recipe: Recipe, opts: RecipeRunOptions): Promise<RecipeResult> {
  const start = performance.now();
  const { train, validation } = opts;
  let model = opts.model;
  let clustered = false;
  let binary = new Set<number>();
  let int4Layers = new Set<number>();
  const calibrationRows = train.x.slice(0, opts.calibrationRows ?? 512);
  if (recipe.weights === 'mixed') {
    // Sensitivity on the training rows (a seeded sample of 512): the layer choice sees no held-out row.
    const sample = sampleIndices(train.x.length, 512, train.seed);
    int4Layers = new Set(
      chooseMixedPrecision(
        model,
        calibrationRows,
        { x: sample.map((i) => train.x[i]!), y: sample.map((i) => train.y[i]!) },
        train.classes,
        { budgetBytes: opts.mixedBudgetBytes },
      ).int4Layers,
    );
  }
  if (recipe.weights === 'int4') {
    int4Layers = new Set(model.layers.map((l, i) => (isWeightLayer(l) ? i : -1)).filter((i) => i >= 0));
  }
  for (const step of recipe.steps) {
    switch (step.kind) {
      case 'prune':
        model = await pruneUnstructured(model, train, { sparsity: step.sparsity, steps: step.steps });
        break;
      case 'structured':
        // Removing whole neurons leaves a smaller network to retrain: twice the fine-tune epochs.
        model = await fineTune(pruneStructured(model, step.fraction), train, {
          epochs: STRUCTURED_EPOCHS_FACTOR * (train.epochs ?? 5),
          label: 'structured fine-tune',
        });
        break;
      case 'cluster':
        model = await clusterWeights(model, step.k, train);
        clustered = true;
        break;
      case 'binarize': {
        const r = await binarizeHiddenDense(model, train);
        model = r.model;
        binary = new Set(r.layers);
        break;
      }
      case 'qat':
        model = await quantizationAwareTraining(model, train, { int4Layers: [...int4Layers] });
        break;
    }
  }
  const acts = calibrate(model, calibrationRows, opts.calibration);
  const compressed = quantizeModel(model, acts, {
    encodings: encodingsFor(model, 'int8', clustered, binary, int4Layers),
    recipe: recipe.name,
  });
  const { accuracy, macroF1 } = validation?.x.length
    ? evaluateCompressed(compressed, validation, train.classes)
    : { accuracy: NaN, macroF1: NaN };
  const base = validation?.x.length ? floatAccuracy(opts.model, validation, train.classes) : NaN;
  const weightBytes = modelWeightBytes(compressed);
  return {
    recipe: recipe.name,
    formats: compressed.layers
      .filter(isQuantizedWeightLayer)
      .map((l) => l.weights.format)
      .join(','),
    weightBytes,
    ratio: floatWeightBytes(opts.model) / weightBytes,
    activationBytes: peakActivationBytes(compressed, compressedShapes(compressed)),
    accuracy,
    macroF1,
    dropPp: 100 * (base - accuracy),
    seconds: (performance.now() - start) / 1000,
    compressed,
  };
}

/** Runs every recipe (default: defaultRecipes) in order. */
export async function runRecipes(opts: RecipeRunOptions & { recipes?: Recipe[] }): Promise<RecipeResult[]> {
  const recipes = opts.recipes ?? defaultRecipes;
  if (recipes.length === 0) throw new MurmurError('no recipes to run', { field: 'recipes' });
  const out: RecipeResult[] = [];
  for (const r of recipes) out.push(await runRecipe(r, opts));
  return out;
}
