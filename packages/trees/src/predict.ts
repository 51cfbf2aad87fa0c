/**
 * Predictions: the float model as trained, and the integer model exactly as the generated C computes it
 * (quantize the float32 features, walk every tree with integer compares, sum votes or fixed-point scores in
 * int32, argmax with ties to the lowest class index).
 */
import { floatLeaf } from './cart';
import { quantizeFeatures } from './quantize';
import type { FloatTreeModel, QuantizedTreeModel, TreePrediction } from './types';

/** Index of the largest value; ties go to the lowest index (the C's rule). */
export function argmaxLowest(values: ArrayLike<number>): number {
  let best = 0;
  for (let k = 1; k < values.length; k++) if (values[k]! > values[best]!) best = k;
  return best;
}

/** Float scores per class: votes (tree, forest) or summed scores (boosting). */
export function floatScores(model: FloatTreeModel, x: ArrayLike<number>): Float64Array {
  const scores = new Float64Array(model.classes);
  if (model.kind === 'boosted') model.base!.forEach((b, k) => (scores[k] = b));
  model.trees.forEach((tree, t) => {
    const leaf = floatLeaf(tree, x);
    if (model.kind === 'boosted') scores[t % model.classes]! += tree.value[leaf]!;
    else scores[tree.value[leaf]!]! += 1;
  });
  return scores;
}

/** The float model's class for a row. */
export function predictFloat(model: FloatTreeModel, x: ArrayLike<number>): number {
  return argmaxLowest(floatScores(model, x));
}

/** The leaf code (~class or ~leaf-score index, i.e. < 0) that a quantized row reaches from `node`. */
export function walkQuantized(model: QuantizedTreeModel, node: number, q: ArrayLike<number>): number {
  const { feature, threshold, left, right } = model.nodes;
  while (node >= 0) node = q[feature[node]!]! <= threshold[node]! ? left[node]! : right[node]!;
  return node;
}

/** The integer model on quantized features (what `<prefix>_classify` computes). */
export function classifyQuantized(model: QuantizedTreeModel, q: ArrayLike<number>): TreePrediction {
  const scores = new Int32Array(model.classes);
  if (model.kind === 'boosted') scores.set(model.base!);
  model.trees.forEach((tree, t) => {
    const leaf = ~walkQuantized(model, tree.root, q);
    if (model.kind === 'boosted') scores[t % model.classes]! += model.leafScores![leaf]!;
    else scores[leaf]! += 1;
  });
  return { index: argmaxLowest(scores), scores };
}

/** The integer model on float32 features (what `<prefix>_predict` computes), with the quantized features. */
export function predictQuantized(
  model: QuantizedTreeModel,
  x: ArrayLike<number>,
): TreePrediction & { q: Int16Array } {
  const q = quantizeFeatures(model.quantizer, x);
  return { ...classifyQuantized(model, q), q };
}
