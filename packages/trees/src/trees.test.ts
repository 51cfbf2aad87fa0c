import { describe, expect, it } from 'vitest';
import { groupFolds } from '@murmur/nn';
import { createRng } from '@murmur/core';
import {
  binRows,
  classifyQuantized,
  crossValidateTrees,
  featureLevel,
  fitQuantizer,
  floatLeaf,
  generateTreeCode,
  pickRows,
  predictFloat,
  predictQuantized,
  quantizeFeatures,
  quantizeTreeModel,
  subjectBootstrap,
  trainTrees,
  treeModelSize,
  type FloatTreeModel,
  type QuantizedTreeModel,
  type TreeModelParams,
  type TreeRows,
} from './index';

/** Four Gaussian classes in 8 features (4 informative), 12 subjects with a per-subject offset. */
function synthetic(n: number, seed: number): TreeRows {
  const rng = createRng(seed);
  const x: Float32Array[] = [];
  const y: number[] = [];
  const groups: string[] = [];
  for (let i = 0; i < n; i++) {
    const c = rng.int(0, 3);
    const s = i % 12;
    x.push(
      Float32Array.from({ length: 8 }, (_, f) => rng.normal() + (f === c ? 1.6 : 0) * (1 + f) + 0.2 * s),
    );
    y.push(c);
    groups.push(`s${s}`);
  }
  return { x, y, groups, classes: ['a', 'b', 'c', 'd'] };
}

const kinds: TreeModelParams[] = [
  { kind: 'tree', maxDepth: 7, minSamplesLeaf: 2 },
  { kind: 'forest', trees: 7, maxDepth: 6, minSamplesLeaf: 2 },
  { kind: 'boosted', rounds: 8, maxDepth: 3, learningRate: 0.3, minSamplesLeaf: 2 },
];

/** True when the float and the integer split of some node on the row's path disagree for a value in its gap. */
function explainedByGap(model: FloatTreeModel, q: QuantizedTreeModel, x: Float32Array): boolean {
  const { quantizer } = q;
  return model.trees.some((tree) =>
    tree.feature.some((f, n) => {
      if (f < 0) return false;
      const level = featureLevel(quantizer, f, x[f]!);
      return (
        level >= featureLevel(quantizer, f, tree.low[n]!) &&
        level <= featureLevel(quantizer, f, tree.high[n]!)
      );
    }),
  );
}

describe('training', () => {
  const rows = synthetic(1200, 1);
  for (const params of kinds) {
    it(`${params.kind}: the same seed gives the same model, and it learns`, () => {
      const a = trainTrees(rows, params, 7);
      const b = trainTrees(rows, params, 7);
      expect(JSON.stringify(b)).toBe(JSON.stringify(a));
      const correct = rows.x.filter((x, i) => predictFloat(a, x) === rows.y[i]).length;
      expect(correct / rows.x.length).toBeGreaterThan(0.85);
    });
  }

  it('a forest depends on its seed (bootstrap and feature subsampling)', () => {
    const params = kinds[1]!;
    expect(JSON.stringify(trainTrees(rows, params, 1))).not.toBe(JSON.stringify(trainTrees(rows, params, 2)));
  });

  it('trees are in preorder, within the depth, with thresholds inside their training gap', () => {
    const model = trainTrees(rows, { kind: 'tree', maxDepth: 5, minSamplesLeaf: 3 });
    const tree = model.trees[0]!;
    tree.feature.forEach((f, n) => {
      if (f < 0) return;
      expect(tree.left[n]).toBe(n + 1);
      expect(tree.right[n]).toBeGreaterThan(n + 1);
      expect(tree.low[n]).toBeLessThanOrEqual(tree.threshold[n]!);
      expect(tree.threshold[n]).toBeLessThan(tree.high[n]!);
      // No training value strictly inside the gap.
      expect(rows.x.some((x) => x[f]! > tree.low[n]! && x[f]! < tree.high[n]!)).toBe(false);
    });
    expect(tree.feature.length).toBeLessThanOrEqual(2 ** 6 - 1);
    // Every leaf holds at least minSamplesLeaf training rows.
    tree.feature.forEach((f, n) => f < 0 && expect(tree.samples[n]).toBeGreaterThanOrEqual(3));
    // The root's leaf count: every training row reaches some leaf.
    const leaves = new Set(rows.x.map((x) => floatLeaf(tree, x)));
    for (const l of leaves) expect(tree.feature[l]).toBe(-1);
  });

  it('bins a feature with few values one value per bin, and a continuous one in at most 256 bins', () => {
    const x = Array.from({ length: 1000 }, (_, i) => Float32Array.of(i % 3, Math.sin(i)));
    const b = binRows(x);
    expect(b.binCount).toEqual([3, 256]);
    expect(Array.from(b.binMin[0]!)).toEqual([0, 1, 2]);
    for (let k = 0; k + 1 < 256; k++) expect(b.binMax[1]![k]!).toBeLessThan(b.binMin[1]![k + 1]!);
  });
});

describe('quantization', () => {
  const train = synthetic(1200, 2);
  const test = synthetic(600, 3);

  it('maps float32 features to levels as the C does: clamped, NaN lowest, constant features at 0', () => {
    const q = fitQuantizer([Float32Array.of(-1, 5), Float32Array.of(3, 5)], { bits: 16 });
    expect(q.scale[1]).toBe(0);
    expect(featureLevel(q, 0, -1)).toBe(0);
    expect(featureLevel(q, 0, 3)).toBe(65535);
    expect(featureLevel(q, 0, -100)).toBe(0);
    expect(featureLevel(q, 0, 100)).toBe(65535);
    expect(featureLevel(q, 0, Number.NaN)).toBe(0);
    expect(featureLevel(q, 0, Infinity)).toBe(65535);
    expect(featureLevel(q, 1, Infinity)).toBe(0);
    expect(Array.from(quantizeFeatures(q, [1, 5]))).toEqual([featureLevel(q, 0, 1) - 32768, -32768]);
    const q8 = fitQuantizer([Float32Array.of(0), Float32Array.of(1)], { bits: 8 });
    expect(Array.from(quantizeFeatures(q8, [0]))).toEqual([-128]);
    expect(Array.from(quantizeFeatures(q8, [1]))).toEqual([127]);
  });

  for (const params of kinds) {
    for (const bits of [16, 8] as const) {
      it(`${params.kind}, int${bits}: differs from the float model only for values in a split's gap, on few rows`, () => {
        const model = trainTrees(train, params, 1);
        const q = quantizeTreeModel(model, fitQuantizer(train.x, { bits }));
        // Training rows: identical unless a gap's two ends share a level (never at 16 bits here).
        const trainDiffs = train.x.filter(
          (x) => predictFloat(model, x) !== predictQuantized(q, x).index,
        ).length;
        if (bits === 16) expect(trainDiffs).toBe(0);
        let diffs = 0;
        for (const x of test.x) {
          if (predictFloat(model, x) === predictQuantized(q, x).index) continue;
          diffs++;
          expect(explainedByGap(model, q, x)).toBe(true);
        }
        // The tested bound: at most 0.5 % (int16) or 2 % (int8) of unseen rows change class.
        expect(diffs / test.x.length).toBeLessThanOrEqual(bits === 16 ? 0.005 : 0.02);
      });
    }
  }

  it('boosting scores are int32 sums of int16 leaves at one binary point', () => {
    const model = trainTrees(train, kinds[2]!, 1);
    const q = quantizeTreeModel(model, fitQuantizer(train.x));
    expect(q.scoreShift).toBeGreaterThan(8);
    expect(q.leafScores!.length).toBe(q.nodes.feature.length + q.trees.length);
    const p = classifyQuantized(q, quantizeFeatures(q.quantizer, test.x[0]!));
    expect(p.scores.length).toBe(4);
  });

  it('ties go to the lowest class index', () => {
    const tie: QuantizedTreeModel = {
      kind: 'forest',
      classes: 3,
      features: 1,
      quantizer: { bits: 16, offset: Float32Array.of(0), scale: Float32Array.of(1) },
      trees: [{ root: ~2 }, { root: ~1 }],
      nodes: {
        feature: new Uint8Array(),
        threshold: new Int16Array(),
        left: new Int16Array(),
        right: new Int16Array(),
      },
      params: {},
    };
    expect(predictQuantized(tie, [0]).index).toBe(1);
  });
});

describe('sizes and C', () => {
  const rows = synthetic(800, 4);
  it('the table is 7 B a node on AVR (8 on Arm) at 16 bits and 6 B at 8 bits, plus quantizer and roots', () => {
    const model = trainTrees(rows, kinds[1]!, 1);
    const q16 = quantizeTreeModel(model, fitQuantizer(rows.x, { bits: 16 }));
    const q8 = quantizeTreeModel(model, fitQuantizer(rows.x, { bits: 8 }));
    const n = q16.nodes.feature.length;
    expect(treeModelSize(q16, 'avr').tableBytes).toBe(64 + 2 * 7 + 7 * n);
    expect(treeModelSize(q16, 'arm').tableBytes).toBe(Math.ceil((64 + 2 * 7 + 8 * n) / 4) * 4);
    expect(treeModelSize(q8, 'avr').tableBytes).toBe(64 + 2 * 7 + 6 * n);
    expect(treeModelSize(q16).bufferBytes).toBe(16 + 16);
  });

  it('generates C with the API, the model in one constant struct, and no heap or recursion', () => {
    const model = trainTrees(rows, kinds[2]!, 1);
    const q = quantizeTreeModel(model, fitQuantizer(rows.x, { bits: 16 }));
    for (const layout of ['table', 'ifelse'] as const) {
      const code = generateTreeCode(q, { prefix: 'wa_boost', layout });
      expect(code.header).toContain('uint8_t wa_boost_predict(const float *features);');
      expect(code.source).toContain('static MURMUR_ROM wa_boost_model_t wa_boost_model = {');
      expect(code.source).not.toMatch(/malloc|free\(|calloc/);
      if (layout === 'table') expect(code.source).toContain('wa_boost_node nodes[');
      else expect(code.source).toContain('static int16_t wa_boost_tree0(const wa_boost_feature_t *q)');
    }
    expect(() => generateTreeCode(q, { prefix: '9bad' })).toThrow(/identifier/);
  });
});

describe('cross-validation', () => {
  const rows = synthetic(900, 5);
  it('holds out whole subjects, predicts every row once, and bootstraps intervals around the figure', () => {
    const folds = groupFolds(rows.groups, 5, 1);
    expect(folds.length).toBe(5);
    const cv = crossValidateTrees(rows, kinds[0]!, folds);
    expect(cv.predictions.length).toBe(rows.x.length);
    expect(new Set(cv.predictions.map((p) => p.row)).size).toBe(rows.x.length);
    const b = subjectBootstrap(
      cv.predictions.map((p) => p.truth),
      cv.predictions.map((p) => p.quantized),
      cv.predictions.map((p) => rows.groups[p.row]!),
      4,
      { resamples: 200 },
    );
    expect(b.accuracy.value).toBeCloseTo(cv.quantized.accuracy, 12);
    expect(b.macroF1.value).toBeCloseTo(cv.quantized.macroF1, 12);
    expect(b.accuracy.low).toBeLessThanOrEqual(b.accuracy.value);
    expect(b.accuracy.high).toBeGreaterThanOrEqual(b.accuracy.value);
    expect(b.subjects).toBe(12);
    const sub = pickRows(rows, [3, 1]);
    expect(sub.y).toEqual([rows.y[3], rows.y[1]]);
  });
});

describe('files', () => {
  it('a quantized model survives JSON, and a broken one is refused naming the field', async () => {
    const { treeModelToJson, treeModelFromJson } = await import('./index');
    const rows = synthetic(400, 6);
    for (const params of kinds) {
      const q = quantizeTreeModel(trainTrees(rows, params, 1), fitQuantizer(rows.x));
      const back = treeModelFromJson(treeModelToJson(q));
      expect(treeModelToJson(back)).toBe(treeModelToJson(q));
      expect(rows.x.slice(0, 50).map((x) => predictQuantized(back, x).index)).toEqual(
        rows.x.slice(0, 50).map((x) => predictQuantized(q, x).index),
      );
    }
    const q = quantizeTreeModel(trainTrees(rows, kinds[0]!, 1), fitQuantizer(rows.x));
    const j = JSON.parse(treeModelToJson(q));
    j.nodes.left[0] = 0;
    expect(() => treeModelFromJson(JSON.stringify(j))).toThrow(/points back/);
    j.nodes.left[0] = 1;
    j.nodes.feature[0] = 99;
    expect(() => treeModelFromJson(JSON.stringify(j))).toThrow(/feature 99/);
  });
});

describe('checks before C', () => {
  it('refuses a boosted model whose int32 sums could overflow', () => {
    const model: QuantizedTreeModel = {
      kind: 'boosted',
      classes: 2,
      features: 1,
      quantizer: { bits: 8, offset: Float32Array.of(0), scale: Float32Array.of(1) },
      trees: [{ root: ~0 }, { root: ~1 }],
      nodes: {
        feature: new Uint8Array(),
        threshold: new Int16Array(),
        left: new Int16Array(),
        right: new Int16Array(),
      },
      leafScores: Int16Array.of(-32768, 32767),
      base: Int32Array.of(-2147483648, 5),
      scoreShift: 3,
      params: {},
    };
    expect(() => generateTreeCode(model)).toThrow(/beyond int32/);
    model.base![0] = -5;
    expect(generateTreeCode(model).source).toContain('int16_t leaf_scores[2];');
  });
});
