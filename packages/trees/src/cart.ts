/**
 * CART: binary trees grown greedily on float32 features, split points taken between histogram bins (at most
 * 256 per feature, at the training values' quantiles, as LightGBM and XGBoost's `hist` do). Two criteria share
 * one grower: Gini impurity on weighted class counts (trees and forests; the weights are bootstrap counts, so
 * every sum is an exact integer) and the second-order (Newton) gain of gradient boosting on per-row gradients
 * and Hessians.
 *
 * A split sits in a gap of the training values: `low` is the largest training value of one bin, `high` the
 * smallest of the next non-empty bin, and the threshold lies between (`low <= threshold < high`), so no
 * training value lies strictly between `low` and `high`. Quantization keeps its integer threshold in the same
 * gap (quantize.ts).
 *
 * Deterministic: features are tried in a fixed order (or in the order a seeded generator draws them), split
 * points in ascending order, and a candidate replaces the best only when strictly better.
 */
import type { Rng } from '@murmur/core';
import type { FloatTree } from './types';

/** Most bins of one feature. */
export const MAX_BINS = 256;

/** The training rows binned per feature, with each bin's smallest and largest training value. */
export interface BinnedRows {
  rows: number;
  features: number;
  /** bins[f][i]: the bin of row i on feature f. */
  bins: Uint8Array[];
  /** Per feature: the number of bins and each bin's min and max training value. */
  binCount: number[];
  binMin: Float32Array[];
  binMax: Float32Array[];
}

/**
 * Bins every feature: each distinct value its own bin when there are at most 256, else bins holding about
 * equal numbers of rows (a value never straddles two bins). Non-finite values are refused.
 */
export function binRows(x: readonly Float32Array[], maxBins = MAX_BINS): BinnedRows {
  const n = x.length;
  const features = x[0]?.length ?? 0;
  const bins: Uint8Array[] = [];
  const binCount: number[] = [];
  const binMin: Float32Array[] = [];
  const binMax: Float32Array[] = [];
  const column = new Float32Array(n);
  for (let f = 0; f < features; f++) {
    for (let i = 0; i < n; i++) {
      const v = x[i]![f]!;
      if (!Number.isFinite(v)) throw new RangeError(`feature ${f} of row ${i} is not finite (${v})`);
      column[i] = v;
    }
    const sorted = Float32Array.from(column).sort();
    // Upper edges: the last value of each bin, in ascending order.
    const uniques: number[] = [];
    for (let i = 0; i < n; i++) if (i === 0 || sorted[i] !== sorted[i - 1]) uniques.push(sorted[i]!);
    let edges: number[];
    if (uniques.length <= maxBins) edges = uniques;
    else {
      edges = [];
      for (let b = 1; b <= maxBins; b++) {
        const v = sorted[Math.min(n - 1, Math.ceil((b * n) / maxBins) - 1)]!;
        if (!edges.length || v > edges[edges.length - 1]!) edges.push(v);
      }
    }
    const count = edges.length;
    const of = new Uint8Array(n);
    const lo = new Float32Array(count).fill(Infinity);
    const hi = new Float32Array(count).fill(-Infinity);
    for (let i = 0; i < n; i++) {
      const v = column[i]!;
      // First edge >= v.
      let a = 0;
      let b = count - 1;
      while (a < b) {
        const m = (a + b) >> 1;
        if (edges[m]! >= v) b = m;
        else a = m + 1;
      }
      of[i] = a;
      if (v < lo[a]!) lo[a] = v;
      if (v > hi[a]!) hi[a] = v;
    }
    bins.push(of);
    binCount.push(count);
    binMin.push(lo);
    binMax.push(hi);
  }
  return { rows: n, features, bins, binCount, binMin, binMax };
}

export interface GrowOptions {
  maxDepth: number;
  /** Least rows in a leaf (weighted by the bootstrap counts for Gini). */
  minSamplesLeaf: number;
  /** Features tried at each node (all when >= the number of features; drawn with `rng` otherwise). */
  maxFeatures?: number;
  rng?: Rng;
}

/** What a criterion sums per set of rows and how it scores a split. Sums are `width` numbers. */
export interface Criterion {
  width: number;
  /** Adds row `row` into `acc` at `at`. */
  add(acc: Float64Array, at: number, row: number): void;
  /** Rows in a sum (weighted for Gini). */
  count(acc: Float64Array, at: number): number;
  /** Score of a set: a split's score is left + right; higher is better. */
  score(acc: Float64Array, at: number): number;
  /** A side is big enough. */
  allowed(acc: Float64Array, at: number): boolean;
  leafValue(acc: Float64Array, at: number): number;
  /** No split can help (pure node). */
  pure(acc: Float64Array, at: number): boolean;
}

/** Gini on weighted class counts. Sum = [n, c_0 .. c_{K-1}]; score = Σ c_k² / n (maximised). */
export function giniCriterion(
  y: readonly number[],
  weights: ArrayLike<number>,
  classes: number,
  minLeaf: number,
): Criterion {
  return {
    width: classes + 1,
    add(acc, at, row) {
      const w = weights[row]!;
      acc[at]! += w;
      acc[at + 1 + y[row]!]! += w;
    },
    count: (acc, at) => acc[at]!,
    score(acc, at) {
      const n = acc[at]!;
      if (n === 0) return 0;
      let s = 0;
      for (let k = 1; k <= classes; k++) s += acc[at + k]! * acc[at + k]!;
      return s / n;
    },
    allowed: (acc, at) => acc[at]! >= minLeaf,
    leafValue(acc, at) {
      let best = 0;
      for (let k = 1; k < classes; k++) if (acc[at + 1 + k]! > acc[at + 1 + best]!) best = k;
      return best;
    },
    pure(acc, at) {
      let nonzero = 0;
      for (let k = 1; k <= classes; k++) if (acc[at + k]! > 0) nonzero++;
      return nonzero <= 1;
    },
  };
}

/**
 * Newton boosting on one class's gradients g and Hessians h. Sum = [rows, G, H]; score = G² / (H + λ); leaf
 * value −G / (H + λ). `minChildWeight` bounds H on each side.
 */
export function newtonCriterion(
  g: Float64Array,
  h: Float64Array,
  lambda: number,
  minLeaf: number,
  minChildWeight: number,
): Criterion {
  return {
    width: 3,
    add(acc, at, row) {
      acc[at]! += 1;
      acc[at + 1]! += g[row]!;
      acc[at + 2]! += h[row]!;
    },
    count: (acc, at) => acc[at]!,
    score: (acc, at) => (acc[at + 1]! * acc[at + 1]!) / (acc[at + 2]! + lambda),
    allowed: (acc, at) => acc[at]! >= minLeaf && acc[at + 2]! >= minChildWeight,
    leafValue: (acc, at) => -acc[at + 1]! / (acc[at + 2]! + lambda),
    pure: (acc, at) => acc[at]! < 2,
  };
}

/** Smallest gain a split must bring, relative to the node's score. */
const MIN_GAIN = 1e-9;

/** A float32 threshold t with low <= t < high: their midpoint when it lies between, else low. */
export function splitThreshold(low: number, high: number): number {
  const mid = Math.fround((low + high) / 2);
  return mid >= low && mid < high ? mid : low;
}

/** Grows one tree on the rows `rows` (indices into the binned rows) with a criterion; preorder, no recursion. */
export function growTree(
  data: BinnedRows,
  rows: Int32Array,
  criterion: Criterion,
  options: GrowOptions,
): FloatTree {
  const tree: FloatTree = {
    feature: [],
    threshold: [],
    low: [],
    high: [],
    left: [],
    right: [],
    value: [],
    samples: [],
  };
  const { features } = data;
  const width = criterion.width;
  const tried = Math.min(features, Math.max(1, options.maxFeatures ?? features));
  if (tried < features && !options.rng) throw new Error('growTree: feature subsampling needs an rng');
  const order = Int32Array.from({ length: features }, (_, f) => f);
  const hist = new Float64Array(MAX_BINS * width);
  const total = new Float64Array(width);
  const left = new Float64Array(width);
  const right = new Float64Array(width);

  interface Pending {
    rows: Int32Array;
    depth: number;
    parent: number;
    side: 'left' | 'right' | 'root';
  }
  const stack: Pending[] = [{ rows, depth: 0, parent: -1, side: 'root' }];
  while (stack.length) {
    const job = stack.pop()!;
    total.fill(0);
    for (const r of job.rows) criterion.add(total, 0, r);
    const node = tree.feature.length;
    tree.feature.push(-1);
    tree.threshold.push(0);
    tree.low.push(0);
    tree.high.push(0);
    tree.left.push(-1);
    tree.right.push(-1);
    tree.value.push(criterion.leafValue(total, 0));
    tree.samples.push(criterion.count(total, 0));
    if (job.side === 'left') tree.left[job.parent] = node;
    else if (job.side === 'right') tree.right[job.parent] = node;
    if (job.depth >= options.maxDepth || criterion.pure(total, 0)) continue;
    if (criterion.count(total, 0) < 2 * options.minSamplesLeaf) continue;

    if (tried < features) {
      // Partial Fisher–Yates: the first `tried` entries of `order` are this node's features.
      for (let i = 0; i < tried; i++) {
        const j = i + Math.floor(options.rng!.next() * (features - i));
        const t = order[i]!;
        order[i] = order[j]!;
        order[j] = t;
      }
    }
    const parentScore = criterion.score(total, 0);
    let bestScore = parentScore + MIN_GAIN * Math.max(1, Math.abs(parentScore));
    let bestFeature = -1;
    let bestLow = 0;
    let bestHigh = 0;
    for (let t = 0; t < tried; t++) {
      const f = tried < features ? order[t]! : t;
      const count = data.binCount[f]!;
      if (count < 2) continue;
      const bin = data.bins[f]!;
      hist.fill(0, 0, count * width);
      for (const r of job.rows) criterion.add(hist, bin[r]! * width, r);
      left.fill(0);
      for (let b = 0; b < count - 1; b++) {
        if (criterion.count(hist, b * width) === 0) continue;
        for (let k = 0; k < width; k++) left[k]! += hist[b * width + k]!;
        for (let k = 0; k < width; k++) right[k] = total[k]! - left[k]!;
        if (criterion.count(right, 0) <= 0) break;
        if (!criterion.allowed(left, 0) || !criterion.allowed(right, 0)) continue;
        const score = criterion.score(left, 0) + criterion.score(right, 0);
        if (score > bestScore) {
          bestScore = score;
          bestFeature = f;
          bestLow = data.binMax[f]![b]!;
          // The next bin with training rows (of the whole training set, not only this node).
          let next = b + 1;
          while (next < count && !(data.binMin[f]![next]! <= data.binMax[f]![next]!)) next++;
          bestHigh = data.binMin[f]![next]!;
        }
      }
    }
    if (bestFeature < 0) continue;
    const threshold = splitThreshold(bestLow, bestHigh);
    tree.feature[node] = bestFeature;
    tree.threshold[node] = threshold;
    tree.low[node] = bestLow;
    tree.high[node] = bestHigh;
    const bin = data.bins[bestFeature]!;
    const max = data.binMax[bestFeature]!;
    const goLeft: number[] = [];
    const goRight: number[] = [];
    // A bin lies wholly on one side: its values are all <= bestLow or all >= bestHigh.
    for (const r of job.rows) (max[bin[r]!]! <= threshold ? goLeft : goRight).push(r);
    // Right pushed first so that the left subtree is grown (and numbered) right after its parent.
    stack.push({ rows: Int32Array.from(goRight), depth: job.depth + 1, parent: node, side: 'right' });
    stack.push({ rows: Int32Array.from(goLeft), depth: job.depth + 1, parent: node, side: 'left' });
  }
  return tree;
}

/** The node index of the leaf a float row reaches. */
export function floatLeaf(tree: FloatTree, x: ArrayLike<number>): number {
  let n = 0;
  while (tree.feature[n]! >= 0)
    n = x[tree.feature[n]!]! <= tree.threshold[n]! ? tree.left[n]! : tree.right[n]!;
  return n;
}

/** Internal nodes, leaves and depth of a tree. */
export function treeShape(tree: FloatTree): { internal: number; leaves: number; depth: number } {
  let internal = 0;
  let depth = 0;
  const stack: [number, number][] = [[0, 0]];
  while (stack.length) {
    const [n, d] = stack.pop()!;
    depth = Math.max(depth, d);
    if (tree.feature[n]! >= 0) {
      internal++;
      stack.push([tree.left[n]!, d + 1], [tree.right[n]!, d + 1]);
    }
  }
  return { internal, leaves: internal + 1, depth };
}
