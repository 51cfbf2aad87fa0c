import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createRng, MurmurError } from '@murmur/core';
import { buildAutoencoder, buildCnn, buildMlp } from './builders';
import { classificationReport, rocAuc } from './metrics';
import { fromTfModel, toTfModel } from './tf-model';
import { loadModel, saveModel } from './files';
import { loadTf } from './backend';
import { parseModel, serializeModel, type ModelIR } from './ir';
import {
  reconstructionErrors,
  splitGroups,
  trainAutoencoder,
  trainClassifier,
  evaluateClassifier,
} from './train';
import { runFloat } from './interpreter';

const cnn = (): ModelIR =>
  buildCnn({
    steps: 24,
    channels: 3,
    blocks: [
      { kind: 'conv', filters: 4, kernelSize: 5, padding: 'same', pool: { op: 'maxpool1d', size: 2 } },
      {
        kind: 'separable',
        filters: 6,
        kernelSize: 3,
        strides: 2,
        padding: 'same',
        pool: { op: 'avgpool1d', size: 2 },
      },
    ],
    head: 'flatten',
    hidden: [5],
    classes: 3,
    seed: 4,
  });

function rows(n: number, size: number, seed: number): Float32Array[] {
  const rng = createRng(seed);
  return Array.from({ length: n }, () => Float32Array.from({ length: size }, () => rng.normal()));
}

describe('Model IR', () => {
  it('round-trips through JSON + binary weights', () => {
    const model = cnn();
    model.inputNorm = { mean: new Array(72).fill(0.5), invStd: new Array(72).fill(2) };
    const { json, weights } = serializeModel(model);
    const back = parseModel(json, weights);
    const x = rows(1, 72, 1)[0]!;
    expect(runFloat(back, x)).toEqual(runFloat(model, x));
    const dir = mkdtempSync(join(tmpdir(), 'murmur-nn-'));
    try {
      saveModel(dir, model);
      expect(runFloat(loadModel(dir), x)).toEqual(runFloat(model, x));
      writeFileSync(join(dir, 'weights.bin'), weights.subarray(0, 10));
      expect(() => loadModel(dir)).toThrow(/weights\.bin.*byte \d+/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
  it('names the field at fault', () => {
    const { json, weights } = serializeModel(buildMlp({ inputs: 4, hidden: [3], classes: 2, seed: 1 }));
    const doc = JSON.parse(json);
    doc.layers[1].tensors.kernel.shape = [4, 2];
    expect(() => parseModel(JSON.stringify(doc), weights)).toThrow(MurmurError);
    expect(() => parseModel(JSON.stringify(doc), weights)).toThrow(/layers\[1\]/);
    expect(() => parseModel(json.replace('"version": 1', '"version": 9'), weights)).toThrow(
      /unsupported version 9/,
    );
    expect(() => parseModel('{', weights)).toThrow(/not JSON/);
  });
});

describe('float interpreter vs tfjs', () => {
  for (const [name, model] of [
    ['mlp', buildMlp({ inputs: 10, hidden: [8, 6], classes: 4, seed: 2 })],
    ['cnn', cnn()],
    ['autoencoder', buildAutoencoder({ inputs: 10, encoder: [6, 3], seed: 3 })],
  ] as const) {
    it(`${name}: predict matches within 1e-5 and export → import is exact`, async () => {
      const { tf } = await loadTf({ needsConvGradients: true });
      const size = model.inputShape.reduce((a, b) => a * b, 1);
      const xs = rows(8, size, 5);
      const tfModel = toTfModel(tf, model);
      const pred = tfModel.predict(
        tf.tensor(Float32Array.from(xs.flatMap((r) => [...r])), [8, ...model.inputShape]),
      ) as any;
      const out = pred.dataSync() as Float32Array;
      const width = out.length / 8;
      xs.forEach((x, k) => {
        const ours = runFloat(model, x);
        for (let i = 0; i < width; i++) expect(Math.abs(ours[i]! - out[k * width + i]!)).toBeLessThan(1e-5);
      });
      const back = fromTfModel(tfModel);
      expect(back.layers.map((l) => l.op)).toEqual(model.layers.map((l) => l.op));
      expect(runFloat(back, xs[0]!)).toEqual(runFloat(model, xs[0]!));
      pred.dispose();
      tfModel.dispose();
    });
  }
});

describe('training', () => {
  // Three separable blobs, 6 groups.
  const make = (n: number, seed: number) => {
    const rng = createRng(seed);
    const x: Float32Array[] = [];
    const y: number[] = [];
    const groups: string[] = [];
    for (let i = 0; i < n; i++) {
      const c = i % 3;
      x.push(Float32Array.from({ length: 6 }, (_, j) => 5 + (j % 3 === c ? 2 : 0) + rng.normal() * 0.5));
      y.push(c);
      groups.push(`s${i % 6}`);
    }
    return { x, y, groups };
  };
  it('is deterministic, learns, and splits by group', async () => {
    const data = make(300, 1);
    const opts = {
      ...data,
      classes: 3,
      model: buildMlp({ inputs: 6, hidden: [8], classes: 3, seed: 1 }),
      seed: 7,
      epochs: 8,
      learningRate: 0.01,
      quiet: true,
    };
    const a = await trainClassifier(opts);
    const b = await trainClassifier(opts);
    expect(serializeModel(a.model).weights).toEqual(serializeModel(b.model).weights);
    expect(a.validationGroups.length).toBe(1);
    expect(a.trainGroups).not.toContain(a.validationGroups[0]);
    const test = make(90, 2);
    expect(evaluateClassifier(a.model, test.x, test.y, 3).accuracy).toBeGreaterThan(0.9);
    expect(a.history.at(-1)!.loss).toBeLessThan(a.history[0]!.loss);
    expect(a.backend).toMatch(/tfjs/);
    const named = await trainClassifier({ ...opts, classes: ['a', 'b', 'c'], epochs: 1 });
    expect(named.model.meta?.classes).toEqual(['a', 'b', 'c']);
  });
  it('trains a CNN on cpu and stops early on a flat validation loss', async () => {
    const rng = createRng(3);
    const x = Array.from({ length: 60 }, () => Float32Array.from({ length: 72 }, () => rng.normal()));
    const y = x.map((_, i) => i % 3);
    const r = await trainClassifier({
      x,
      y,
      groups: x.map((_, i) => `g${i % 4}`),
      classes: 3,
      model: cnn(),
      seed: 1,
      epochs: 30,
      learningRate: 0.05,
      earlyStopping: { patience: 2 },
      quiet: true,
    });
    expect(r.history.length).toBeLessThan(30);
    expect(r.bestEpoch).toBeLessThanOrEqual(r.history.length);
  });
  it('autoencoder scores separate anomalies', async () => {
    const rng = createRng(4);
    const normal = Array.from({ length: 200 }, () => {
      const t = rng.normal();
      return Float32Array.from({ length: 8 }, (_, j) => t * (j + 1) * 0.3 + rng.normal() * 0.05);
    });
    const r = await trainAutoencoder({
      x: normal,
      groups: normal.map((_, i) => `g${i % 5}`),
      model: buildAutoencoder({ inputs: 8, encoder: [4, 2], seed: 1 }),
      seed: 1,
      epochs: 30,
      learningRate: 0.01,
      quiet: true,
      validationFraction: 0,
    });
    const odd = Array.from({ length: 50 }, () => Float32Array.from({ length: 8 }, () => rng.normal()));
    const scores = reconstructionErrors(r.model, [...normal.slice(0, 50), ...odd]);
    expect(rocAuc(scores, [...new Array(50).fill(0), ...new Array(50).fill(1)])).toBeGreaterThan(0.9);
  });
});

describe('metrics', () => {
  it('computes accuracy, macro-F1, recall and confusion', () => {
    const r = classificationReport([0, 0, 1, 1, 2, 2], [0, 1, 1, 1, 2, 0], 3);
    expect(r.accuracy).toBeCloseTo(4 / 6);
    expect(r.recall).toEqual([0.5, 1, 0.5]);
    expect(r.confusion).toEqual([
      [1, 1, 0],
      [0, 2, 0],
      [1, 0, 1],
    ]);
    // F1 per class: 0.5, 0.8, 0.667
    expect(r.macroF1).toBeCloseTo((0.5 + 0.8 + 2 / 3) / 3);
  });
  it('computes ROC-AUC with ties counted half', () => {
    expect(rocAuc([0.1, 0.2, 0.8, 0.9], [0, 0, 1, 1])).toBe(1);
    expect(rocAuc([0.5, 0.5], [0, 1])).toBe(0.5);
    expect(rocAuc([0.9, 0.1, 0.2], [0, 1, 1])).toBe(0);
  });
  it('splits groups deterministically', () => {
    const g = ['a', 'b', 'c', 'd', 'e'];
    expect(splitGroups(g, 0.4, 1)).toEqual(splitGroups(g, 0.4, 1));
    expect(splitGroups(g, 0.4, 1).validation).toHaveLength(2);
  });
});
