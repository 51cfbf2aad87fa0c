/**
 * Training the family on labelled feature rows: one CART tree (Gini), a random forest (bootstrap rows and
 * √F features per node, one vote per tree) and gradient-boosted trees (multiclass softmax, one small
 * regression tree per class and round, Newton leaves, shrinkage). Every random choice comes from the seed.
 */
import { createRng, MurmurError } from '@murmur/core';
import { binRows, giniCriterion, growTree, newtonCriterion, type BinnedRows } from './cart';
import type { FloatTreeModel, TreeKind, TreeRows } from './types';

export interface TreeParams {
  kind: 'tree';
  maxDepth: number;
  minSamplesLeaf: number;
}

export interface ForestParams {
  kind: 'forest';
  trees: number;
  maxDepth: number;
  minSamplesLeaf: number;
  /** Features tried per node (default round(√F)). */
  maxFeatures?: number;
  /** Bootstrap sample size as a fraction of the rows (default 1). */
  sampleFraction?: number;
}

export interface BoostedParams {
  kind: 'boosted';
  /** Boosting rounds; each adds one tree per class. */
  rounds: number;
  maxDepth: number;
  learningRate: number;
  /** L2 regularisation of the leaf values (XGBoost's λ, default 1). */
  lambda?: number;
  minSamplesLeaf: number;
  /** Least Hessian sum in a leaf (default 1). */
  minChildWeight?: number;
  /** Rows drawn (without replacement) for each round's trees (default 1: all). */
  subsample?: number;
}

export type TreeModelParams = TreeParams | ForestParams | BoostedParams;

/** Row indices per class are checked against the class count; features must be finite. */
function checkRows(rows: TreeRows): { classes: number; features: number } {
  const classes = rows.classes.length;
  if (rows.x.length === 0) throw new MurmurError('no rows to train a tree model on', { field: 'rows' });
  if (classes < 2 || classes > 255)
    throw new MurmurError(`a tree model needs 2 to 255 classes, got ${classes}`, { field: 'classes' });
  const features = rows.x[0]!.length;
  if (features < 1 || features > 255)
    throw new MurmurError(`a tree model needs 1 to 255 features, got ${features}`, { field: 'features' });
  rows.y.forEach((y, i) => {
    if (!Number.isInteger(y) || y < 0 || y >= classes)
      throw new MurmurError(`row ${i} has label ${y}, outside 0..${classes - 1}`, { field: 'y' });
  });
  return { classes, features };
}

const allRows = (n: number): Int32Array => Int32Array.from({ length: n }, (_, i) => i);

/** Trains a model of the family on rows, deterministically from `seed`. */
export function trainTrees(rows: TreeRows, params: TreeModelParams, seed = 1): FloatTreeModel {
  const { classes, features } = checkRows(rows);
  const data = binRows(rows.x);
  switch (params.kind) {
    case 'tree':
      return trainTree(rows, data, classes, features, params);
    case 'forest':
      return trainForest(rows, data, classes, features, params, seed);
    case 'boosted':
      return trainBoosted(rows, data, classes, features, params, seed);
  }
}

function recordParams(p: TreeModelParams, seed: number): Record<string, number | string> {
  const out: Record<string, number | string> = { seed };
  for (const [k, v] of Object.entries(p)) if (typeof v === 'number' || typeof v === 'string') out[k] = v;
  return out;
}

function trainTree(
  rows: TreeRows,
  data: BinnedRows,
  classes: number,
  features: number,
  p: TreeParams,
): FloatTreeModel {
  const weights = new Float64Array(rows.x.length).fill(1);
  const tree = growTree(
    data,
    allRows(rows.x.length),
    giniCriterion(rows.y, weights, classes, p.minSamplesLeaf),
    {
      maxDepth: p.maxDepth,
      minSamplesLeaf: p.minSamplesLeaf,
    },
  );
  return { kind: 'tree', classes, features, trees: [tree], params: recordParams(p, 0) };
}

function trainForest(
  rows: TreeRows,
  data: BinnedRows,
  classes: number,
  features: number,
  p: ForestParams,
  seed: number,
): FloatTreeModel {
  const n = rows.x.length;
  const rng = createRng(seed).fork('forest');
  const draws = Math.max(1, Math.round(n * (p.sampleFraction ?? 1)));
  const maxFeatures = p.maxFeatures ?? Math.max(1, Math.round(Math.sqrt(features)));
  const trees = [];
  for (let t = 0; t < p.trees; t++) {
    const treeRng = rng.fork(`tree ${t}`);
    const weights = new Float64Array(n);
    for (let d = 0; d < draws; d++) weights[Math.floor(treeRng.next() * n)]! += 1;
    const inBag = allRows(n).filter((i) => weights[i]! > 0);
    trees.push(
      growTree(data, inBag, giniCriterion(rows.y, weights, classes, p.minSamplesLeaf), {
        maxDepth: p.maxDepth,
        minSamplesLeaf: p.minSamplesLeaf,
        maxFeatures,
        rng: treeRng,
      }),
    );
  }
  return { kind: 'forest', classes, features, trees, params: recordParams({ ...p, maxFeatures }, seed) };
}

function trainBoosted(
  rows: TreeRows,
  data: BinnedRows,
  classes: number,
  features: number,
  p: BoostedParams,
  seed: number,
): FloatTreeModel {
  const n = rows.x.length;
  const lambda = p.lambda ?? 1;
  const minChildWeight = p.minChildWeight ?? 1;
  const subsample = p.subsample ?? 1;
  const rng = createRng(seed).fork('boosted');
  // Initial scores: log of the class priors (smoothed), the softmax's constant fit.
  const prior = new Float64Array(classes);
  for (const y of rows.y) prior[y]! += 1;
  const base = Array.from(prior, (c) => Math.log((c + 1) / (n + classes)));
  const scores = Array.from({ length: classes }, (_, k) => new Float64Array(n).fill(base[k]!));
  const g = new Float64Array(n);
  const h = new Float64Array(n);
  const prob = Array.from({ length: classes }, () => new Float64Array(n));
  const trees = [];
  for (let round = 0; round < p.rounds; round++) {
    for (let i = 0; i < n; i++) {
      let max = -Infinity;
      for (let k = 0; k < classes; k++) max = Math.max(max, scores[k]![i]!);
      let sum = 0;
      for (let k = 0; k < classes; k++) sum += prob[k]![i] = Math.exp(scores[k]![i]! - max);
      for (let k = 0; k < classes; k++) prob[k]![i]! /= sum;
    }
    const roundRows =
      subsample >= 1
        ? allRows(n)
        : (() => {
            const r = rng.fork(`round ${round}`);
            return allRows(n).filter(() => r.next() < subsample);
          })();
    for (let k = 0; k < classes; k++) {
      for (let i = 0; i < n; i++) {
        const pk = prob[k]![i]!;
        g[i] = pk - (rows.y[i] === k ? 1 : 0);
        h[i] = Math.max(pk * (1 - pk), 1e-6);
      }
      const tree = growTree(
        data,
        roundRows,
        newtonCriterion(g, h, lambda, p.minSamplesLeaf, minChildWeight),
        {
          maxDepth: p.maxDepth,
          minSamplesLeaf: p.minSamplesLeaf,
        },
      );
      // Shrinkage; the leaf values become float32 (what quantization starts from).
      for (let j = 0; j < tree.value.length; j++)
        tree.value[j] = Math.fround(p.learningRate * tree.value[j]!);
      const sc = scores[k]!;
      for (let i = 0; i < n; i++) {
        let node = 0;
        const x = rows.x[i]!;
        while (tree.feature[node]! >= 0)
          node = x[tree.feature[node]!]! <= tree.threshold[node]! ? tree.left[node]! : tree.right[node]!;
        sc[i]! += tree.value[node]!;
      }
      trees.push(tree);
    }
  }
  return {
    kind: 'boosted',
    classes,
    features,
    trees,
    base: base.map((b) => Math.fround(b)),
    params: recordParams({ ...p, lambda, minChildWeight, subsample }, seed),
  };
}

/** The kinds, for messages. */
export const TREE_KINDS: readonly TreeKind[] = ['tree', 'forest', 'boosted'];
