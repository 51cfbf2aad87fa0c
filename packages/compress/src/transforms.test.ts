import { beforeAll, describe, expect, it } from 'vitest';
import { createRng, MurmurError } from '@murmur/core';
import { getBoard } from '@murmur/boards';
import {
  buildCnn,
  buildMlp,
  cloneModel,
  isWeightLayer,
  modelShapes,
  trainClassifier,
  traceFloat,
  type Conv1dLayer,
  type DenseLayer,
  type ModelIR,
} from '@murmur/nn';
import { chooseRecipe, memoryBudget, paretoFront, type BudgetCandidate } from './budget';
import { clusterWeights, distinctKernelValues } from './cluster';
import { binarizeHiddenDense } from './fake-quant';
import type { FineTuneData } from './finetune';
import { isQuantizedWeightLayer } from '@murmur/kernels';
import {
  kernelSparsity,
  magnitudeMask,
  polynomialSparsity,
  pruneSteps,
  pruneStructured,
  pruneUnstructured,
} from './prune';
import { calibrate, quantizeModel } from './quantize';
import { chooseMixedPrecision, evaluateCompressed, runRecipe, type RecipeResult } from './recipes';

/** Three classes in 12 features, 6 groups; class c raises features c, c+3, c+6, c+9. */
function blobs(n: number, seed: number): { x: Float32Array[]; y: number[]; groups: string[] } {
  const rng = createRng(seed);
  const x: Float32Array[] = [];
  const y: number[] = [];
  const groups: string[] = [];
  for (let i = 0; i < n; i++) {
    const c = i % 3;
    x.push(Float32Array.from({ length: 12 }, (_, j) => (j % 3 === c ? 1.5 : 0) + rng.normal()));
    y.push(c);
    groups.push(`s${i % 6}`);
  }
  return { x, y, groups };
}

let base: ModelIR;
let data: FineTuneData;
const val = blobs(150, 9);

beforeAll(async () => {
  const train = blobs(450, 1);
  data = { ...train, classes: 3, seed: 1, epochs: 2, learningRate: 0.005 };
  const r = await trainClassifier({
    ...train,
    classes: 3,
    model: buildMlp({ inputs: 12, hidden: [16, 8], classes: 3, seed: 1 }),
    seed: 1,
    epochs: 10,
    learningRate: 0.01,
    validationFraction: 0,
    quiet: true,
  });
  base = r.model;
});

describe('magnitude pruning', () => {
  it('masks the smallest magnitudes and follows a cubic schedule', () => {
    expect(Array.from(magnitudeMask(Float32Array.from([0.1, -3, 0.05, 2, -0.2]), 0.6))).toEqual([
      0, 1, 0, 1, 0,
    ]);
    expect(polynomialSparsity(0, 4, 0.8)).toBe(0);
    expect(polynomialSparsity(4, 4, 0.8)).toBeCloseTo(0.8);
    expect(polynomialSparsity(2, 4, 0.8)).toBeCloseTo(0.8 * (1 - 0.125));
  });
  it('ramps the sparsity up fast, then slowly (gradual pruning), over half the fine-tune epochs', () => {
    const steps = pruneSteps(20);
    expect(steps).toBe(10);
    expect(pruneSteps(5)).toBe(4);
    const s = Array.from({ length: steps + 1 }, (_, t) => polynomialSparsity(t, steps, 0.5));
    const rises = s.slice(1).map((v, t) => v - s[t]!);
    rises.forEach((r, t) => {
      expect(r).toBeGreaterThanOrEqual(0);
      if (t > 0) expect(r).toBeLessThan(rises[t - 1]!);
    });
    expect(s[steps]).toBeCloseTo(0.5, 12);
    expect(polynomialSparsity(steps + 3, steps, 0.5)).toBeCloseTo(0.5, 12);
  });
  it('keeps pruned weights at zero through fine-tuning', async () => {
    const pruned = await pruneUnstructured(base, data, { sparsity: 0.7, steps: 2, finalEpochs: 2 });
    pruned.layers.filter(isWeightLayer).forEach((l) => {
      const k = l.tensors.kernel.data;
      expect(k.filter((v) => v === 0).length).toBe(Math.floor(0.7 * k.length));
    });
    expect(kernelSparsity(pruned)).toBeGreaterThan(0.69);
    // Sparse storage is chosen where it is smaller.
    const q = quantizeModel(pruned, calibrate(pruned, data.x.slice(0, 100)));
    expect(q.layers.filter(isQuantizedWeightLayer).some((l) => l.weights.format === 'sparse')).toBe(true);
    expect(evaluateCompressed(q, val, 3).accuracy).toBeGreaterThan(0.6);
  });
  it('structured pruning shrinks shapes and keeps the outputs of untouched neurons', () => {
    const pruned = pruneStructured(base, 0.5);
    expect((pruned.layers[0] as DenseLayer).params.units).toBe(8);
    expect((pruned.layers[1] as DenseLayer).params.units).toBe(4);
    expect((pruned.layers[1] as DenseLayer).tensors.kernel.shape).toEqual([8, 4]);
    expect(modelShapes(pruned).map((s) => s[0])).toEqual([12, 8, 4, 3, 3]);
    // Kept first-layer neurons compute exactly what they did: match them by their bias + kernel column.
    const before = (base.layers[0] as DenseLayer).tensors;
    const after = (pruned.layers[0] as DenseLayer).tensors;
    const x = data.x[0]!;
    const outBefore = traceFloat(base, x)[1]!;
    const outAfter = traceFloat(pruned, x)[1]!;
    for (let k = 0; k < 8; k++) {
      const original = Array.from(before.bias.data).indexOf(after.bias.data[k]!);
      const sameColumn = Array.from({ length: 12 }, (_, i) => before.kernel.data[i * 16 + original]).every(
        (v, i) => v === after.kernel.data[i * 8 + k],
      );
      expect(sameColumn).toBe(true);
      expect(outAfter[k]).toBe(outBefore[original]);
    }
  });
});

describe('structured pruning of a CNN', () => {
  it('removes filters through pooling and flatten and keeps the outputs of the rest', () => {
    const cnn = buildCnn({
      steps: 20,
      channels: 3,
      blocks: [
        { kind: 'conv', filters: 6, kernelSize: 3, pool: { op: 'maxpool1d', size: 2 } },
        { kind: 'conv', filters: 8, kernelSize: 3, padding: 'same' },
      ],
      head: 'flatten',
      hidden: [5],
      classes: 3,
      seed: 3,
    });
    const pruned = pruneStructured(cnn, 0.5);
    const shapes = modelShapes(pruned);
    expect(shapes[1]).toEqual([18, 3]);
    expect(shapes[3]).toEqual([9, 4]);
    expect(shapes[4]).toEqual([36]);
    const rng = createRng(8);
    const x = Float32Array.from({ length: 60 }, () => rng.normal());
    const before = traceFloat(cnn, x);
    const after = traceFloat(pruned, x);
    // Kept first-block filters compute exactly what they did; find each one's original by its kernel column.
    const column = (l: Conv1dLayer, f: number): string => {
      const n = l.params.filters;
      return Array.from(l.tensors.kernel.data.filter((_, j) => j % n === f)).join(',');
    };
    const a = pruned.layers[0] as Conv1dLayer;
    const b = cnn.layers[0] as Conv1dLayer;
    for (let k = 0; k < 3; k++) {
      const original = [0, 1, 2, 3, 4, 5].find((f) => column(b, f) === column(a, k))!;
      expect(original).toBeDefined();
      for (let t = 0; t < 18; t++) expect(after[1]![t * 3 + k]).toBe(before[1]![t * 6 + original]);
    }
    expect((pruned.layers[2] as Conv1dLayer).tensors.kernel.shape).toEqual([3, 3, 4]);
    // Silenced filters (zero kernel and bias) have the smallest L1 norm, so pruning removes exactly them and
    // the shrunken model must compute what the silenced one does, through pooling and flatten.
    const silenced = cloneModel(cnn);
    const silence = (i: number, filters: number[]): void => {
      const l = silenced.layers[i] as Conv1dLayer;
      for (const f of filters) {
        for (let j = f; j < l.tensors.kernel.data.length; j += l.params.filters) l.tensors.kernel.data[j] = 0;
        l.tensors.bias.data[f] = 0;
      }
    };
    silence(0, [1, 4, 5]);
    silence(2, [0, 3, 6, 7]);
    const shrunk = pruneStructured(silenced, 0.5);
    // The hidden dense layer after the flatten is pruned too: each neuron it keeps sees the same inputs.
    const y0 = Array.from(traceFloat(silenced, x)[5]!);
    const y1 = Array.from(traceFloat(shrunk, x)[5]!);
    expect(y1).toHaveLength(3);
    for (const v of y1) expect(y0.some((w) => Math.abs(w - v) < 1e-6)).toBe(true);
    expect(y1.some((v) => v > 0)).toBe(true);
  });
});

describe('clustering', () => {
  it('leaves at most k distinct values per layer through centroid fine-tuning', async () => {
    const clustered = await clusterWeights(base, 4, data);
    for (const n of distinctKernelValues(clustered)) expect(n).toBeLessThanOrEqual(4);
    const q = quantizeModel(clustered, calibrate(clustered, data.x.slice(0, 100)), {
      encodings: ['clustered', 'clustered', 'clustered'],
    });
    for (const l of q.layers.filter(isQuantizedWeightLayer)) {
      expect(l.weights.format).toBe('clustered');
      if (l.weights.format === 'clustered') {
        expect(l.weights.codebook.length).toBeLessThanOrEqual(4);
        expect(l.weights.indexBits).toBeLessThanOrEqual(2);
      }
    }
  });
  it('keeps pruned zeros as a centroid', async () => {
    const pruned = pruneStructured(base, 0); // copy
    const k = (pruned.layers[0] as DenseLayer).tensors.kernel.data;
    for (let i = 0; i < k.length; i += 2) k[i] = 0;
    const clustered = await clusterWeights(pruned, 8);
    const ck = (clustered.layers[0] as DenseLayer).tensors.kernel.data;
    for (let i = 0; i < ck.length; i += 2) expect(ck[i]).toBe(0);
  });
});

describe('binarization', () => {
  it('holds only ±scale per output channel in hidden dense layers', async () => {
    const { model, layers } = await binarizeHiddenDense(base, data, { epochs: 2 });
    expect(layers).toEqual([0, 1]);
    for (const i of layers) {
      const k = (model.layers[i] as DenseLayer).tensors.kernel;
      const [rows, units] = k.shape as [number, number];
      for (let u = 0; u < units; u++) {
        const mags = new Set(Array.from({ length: rows }, (_, r) => Math.abs(k.data[r * units + u]!)));
        expect(mags.size).toBe(1);
      }
    }
    const q = quantizeModel(model, calibrate(model, data.x.slice(0, 100)), {
      encodings: ['binary', 'binary', 'int8'],
    });
    expect(q.layers.filter(isQuantizedWeightLayer).map((l) => l.weights.format)).toEqual([
      'binary',
      'binary',
      'int8',
    ]);
    expect(evaluateCompressed(q, val, 3).accuracy).toBeGreaterThan(0.5);
  });
});

describe('recipes', () => {
  it('QAT int8 stays close to float, and mixed precision measures each layer', async () => {
    const r = await runRecipe(
      { name: 'int8-qat', steps: [{ kind: 'qat' }], weights: 'int8' },
      { model: base, train: data, validation: val },
    );
    expect(r.dropPp).toBeLessThan(5);
    // Tiny layers: the int32 bias and Q31 multiplier per output channel weigh as much as the int8 weights.
    expect(r.ratio).toBeGreaterThan(2);
    const mixed = chooseMixedPrecision(base, data.x.slice(0, 100), val, 3, { budgetBytes: 0 });
    expect(Object.keys(mixed.sensitivity)).toHaveLength(3);
    expect(mixed.int4Layers).toEqual([0, 1, 2]); // a budget of 0 bytes pushes every layer to int4
  });
});

describe('budget solver', () => {
  const result = (
    recipe: string,
    weightBytes: number,
    accuracy: number,
    activationBytes = 50,
  ): RecipeResult =>
    ({ recipe, weightBytes, accuracy, activationBytes, dropPp: 100 * (0.9 - accuracy) }) as RecipeResult;
  /** A candidate with a cross-validated drop (pp). */
  const cv = (
    recipe: string,
    weightBytes: number,
    dropPp: number,
    activationBytes = 50,
  ): BudgetCandidate => ({
    recipe,
    weightBytes,
    activationBytes,
    accuracy: NaN,
    dropPp: NaN,
    cv: {
      scheme: 'subjects',
      folds: 5,
      windows: 1000,
      groups: 30,
      accuracy: 0.9 - dropPp / 100,
      macroF1: 0.9 - dropPp / 100,
      floatAccuracy: 0.9,
      floatMacroF1: 0.9,
      dropPp,
      accuracyCi: [0.85, 0.92],
      macroF1Ci: [0.85, 0.92],
      dropCi: [dropPp - 1, dropPp + 1],
      method: 'test',
    },
  });
  const results = [
    result('int8', 3000, 0.9),
    result('int4', 1700, 0.88),
    result('binary', 900, 0.8),
    result('bad', 2000, 0.7),
  ];
  const uno = getBoard('simavr-atmega328p');
  const roomy = memoryBudget(uno, { flash: 20000, ram: 1200 });

  it('returns the Pareto front and the smallest recipe that fits within the tolerance', () => {
    expect(paretoFront(results).map((r) => r.recipe)).toEqual(['binary', 'int4', 'int8']);
    const budget = memoryBudget(uno, { flash: 27500, ram: 1200 });
    expect(budget.flash).toBe(Math.floor(32768 * 0.9) - 27500);
    const choice = chooseRecipe(results, budget, { maxDropPp: 3 });
    expect(choice.chosen.recipe).toBe('int4');
    expect(choice.withinTolerance).toBe(true);
    expect(choice.fitting.map((r) => r.recipe)).toEqual(['binary', 'int4']);
    expect(choice.smallerRejected.map((r) => r.recipe)).toEqual(['binary']);
  });

  it('chooses the smallest within the tolerance by the cross-validated drop, not the most accurate', () => {
    const candidates = [
      cv('int8', 1700, -0.2),
      cv('cluster16', 950, 0.6),
      cv('tiny', 350, 4.1),
      cv('mid', 700, 1.4),
    ];
    const choice = chooseRecipe(candidates, roomy, { maxDropPp: 1 });
    expect(choice.chosen.recipe).toBe('cluster16');
    expect(choice.smallerRejected.map((r) => r.recipe)).toEqual(['tiny', 'mid']);
    expect(choice.reason).toMatch(
      /^cluster16: the smallest model that fits .* \+0\.6 pp \(95 % CI −0\.4 to \+1\.6/,
    );
    expect(chooseRecipe(candidates, roomy, { maxDropPp: 1.5 }).chosen.recipe).toBe('mid');
    // A single split's luck does not count where a cross-validated estimate exists.
    const lucky = { ...cv('lucky', 300, 5), dropPp: -3 };
    expect(chooseRecipe([...candidates, lucky], roomy, { maxDropPp: 1 }).chosen.recipe).toBe('cluster16');
  });

  it('skips what does not fit, whatever its drop', () => {
    const tight = memoryBudget(uno, { flash: Math.floor(32768 * 0.9) - 800, ram: 1200 });
    expect(tight.flash).toBe(800);
    const candidates = [cv('int8', 1700, -0.2), cv('small', 700, 0.9), cv('ram-hungry', 400, 0, 5000)];
    const choice = chooseRecipe(candidates, tight, { maxDropPp: 1 });
    expect(choice.chosen.recipe).toBe('small');
    expect(choice.fitting.map((r) => r.recipe)).toEqual(['small']);
  });

  it('breaks ties on bytes by the smaller drop, then the smaller RAM, then the name', () => {
    const choice = chooseRecipe(
      [cv('b', 900, 0.8), cv('a', 900, 0.3), cv('c', 900, 0.3, 40), cv('d', 900, 0.3, 40)],
      roomy,
      { maxDropPp: 1 },
    );
    expect(choice.chosen.recipe).toBe('c');
    expect(chooseRecipe([cv('y', 900, 0.5), cv('x', 900, 0.5)], roomy, { maxDropPp: 1 }).chosen.recipe).toBe(
      'x',
    );
  });

  it('takes the one that drops least when none is within the tolerance, and says so', () => {
    const choice = chooseRecipe([cv('int8', 1700, 1.6), cv('small', 700, 3), cv('same', 1800, 1.6)], roomy, {
      maxDropPp: 1,
    });
    expect(choice.chosen.recipe).toBe('int8');
    expect(choice.withinTolerance).toBe(false);
    expect(choice.reason).toMatch(/no model that fits is within 1 pp of float/);
  });

  it('fails saying by how many bytes and what would fit', () => {
    const budget = memoryBudget(uno, { flash: 28900, ram: 1200 });
    let error: unknown;
    try {
      chooseRecipe(results, budget, { maxDropPp: 1 });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(MurmurError);
    expect((error as Error).message).toMatch(
      new RegExp(`'binary', is over by ${900 - budget.flash} B of flash`),
    );
    expect((error as Error).message).toMatch(/It would fit: /);
  });
});
