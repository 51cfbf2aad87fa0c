import { describe, expect, it } from 'vitest';
import { createRng } from '@murmur/core';
import {
  argmax,
  buildAutoencoder,
  buildCnn,
  buildMlp,
  reconstructionErrors,
  runFloat,
  type ModelIR,
} from '@murmur/nn';
import {
  argmaxInt8,
  classifyInt8,
  compressedFromJson,
  compressedToJson,
  dequantize,
  dotRow,
  modelWeightBytes,
  packBits,
  type QuantizedWeightLayer,
  quantizeInput,
  readSignedBits,
  reconstructionErrorInt8,
  roundedMean,
  runInt8,
} from '@murmur/kernels';
import {
  activationQuantFromRange,
  calibrate,
  dequantizeWeights,
  choosePerTensor,
  encodeWeights,
  quantizeModel,
} from './quantize';

describe('quantization', () => {
  it('activation ranges keep 0 exact and cover the range', () => {
    const q = activationQuantFromRange(-1, 3);
    expect(q.scale).toBe(Math.fround(4 / 255)); // float32, as a .tflite holds it
    expect(q.scale * (-128 - q.zeroPoint)).toBeLessThanOrEqual(-1 + q.scale / 2);
    expect(activationQuantFromRange(0, 6).zeroPoint).toBe(-128);
    const x = Float32Array.from([-1, 0, 0.5, 3, 10]);
    const back = dequantize(quantizeInput(x, q), q);
    expect(back[1]).toBe(0);
    for (let i = 0; i < 4; i++) expect(Math.abs(back[i]! - x[i]!)).toBeLessThanOrEqual(q.scale / 2 + 1e-7);
    expect(back[4]).toBeCloseTo(q.scale * (127 - q.zeroPoint), 6); // saturates
  });
  it('int8 and int4 weights are within half a step of the float weights', () => {
    const rng = createRng(1);
    const rows = 5;
    const cols = 33;
    const w = Float64Array.from({ length: rows * cols }, () => rng.normal() * 0.3);
    for (const [enc, qmax] of [
      ['int8', 127],
      ['int4', 7],
    ] as const) {
      const t = encodeWeights(w, rows, cols, enc, true, false);
      const back = dequantizeWeights(t);
      for (let r = 0; r < rows; r++) {
        for (let c = 0; c < cols; c++) {
          expect(Math.abs(back[r * cols + c]! - w[r * cols + c]!)).toBeLessThanOrEqual(
            t.scales[r]! / 2 + 1e-9,
          );
        }
        expect(t.scales[r]! * qmax).toBeCloseTo(
          Math.max(...Array.from(w.subarray(r * cols, (r + 1) * cols), Math.abs)),
          5,
        );
      }
    }
  });
  it('quantizes a layer per tensor unless per-channel scales gain something', () => {
    const rng = createRng(2);
    const rows = 8;
    const cols = 20;
    // Rows of similar magnitude: one scale loses almost nothing.
    const even = Float64Array.from({ length: rows * cols }, () => rng.normal() * 0.3);
    const a = choosePerTensor(even, rows, cols, 127);
    expect(a.perTensor).toBe(true);
    expect(a.sqnrPerTensorDb).toBeGreaterThan(30);
    const t = encodeWeights(even, rows, cols, 'int8');
    expect(new Set(t.scales).size).toBe(1);
    // Rows spread over 3.5 decades: one scale would round the smallest rows to almost nothing.
    const spread = Float64Array.from(even, (v, i) => v * 10 ** -(Math.floor(i / cols) / 2));
    const b = choosePerTensor(spread, rows, cols, 127);
    expect(b.perTensor).toBe(false);
    expect(b.sqnrPerChannelDb - b.sqnrPerTensorDb).toBeGreaterThan(1);
    expect(new Set(encodeWeights(spread, rows, cols, 'int8').scales).size).toBe(rows);
    // int4 has 16 times fewer levels: per-channel where it helps, even for even rows.
    const c = choosePerTensor(even, rows, cols, 7);
    expect(c.sqnrPerTensorDb).toBeLessThan(30);
    // A single row is the same either way.
    expect(choosePerTensor(even.subarray(0, cols), 1, cols, 7).perTensor).toBe(true);
    // The rule can be set.
    expect(choosePerTensor(even, rows, cols, 127, { minSqnrDb: 99, minGainDb: 0 }).perTensor).toBe(false);
  });
  it('stores one multiplier and shift for a per-tensor layer and an int16 bias where it fits', () => {
    const model = buildMlp({ inputs: 30, hidden: [32, 16], classes: 6, seed: 4 });
    const rng = createRng(4);
    for (const layer of model.layers) {
      const bias = (layer.tensors as Record<string, { data: Float32Array } | undefined>).bias;
      if (bias) bias.data.forEach((_, i) => (bias.data[i] = 0.2 * rng.normal()));
    }
    const samples = Array.from({ length: 64 }, () => Float32Array.from({ length: 30 }, () => rng.normal()));
    const acts = calibrate(model, samples);
    const narrow = quantizeModel(model, acts, { allowSparse: false });
    const wide = quantizeModel(model, acts, { allowSparse: false, perTensor: false, narrowBias: false });
    const layers = narrow.layers.filter((l): l is QuantizedWeightLayer => 'weights' in l);
    for (const l of layers) {
      expect(l.multiplier).toHaveLength(1);
      expect(l.shift).toHaveLength(1);
      expect(l.bias).toBeInstanceOf(Int16Array);
    }
    // 30·32 + 32·16 + 16·6 int8 weights; int16 biases; 5 bytes of multiplier and shift per layer.
    const weights = 30 * 32 + 32 * 16 + 16 * 6;
    expect(modelWeightBytes(narrow)).toBe(weights + 2 * (32 + 16 + 6) + 3 * 5);
    expect(modelWeightBytes(wide)).toBe(weights + 9 * (32 + 16 + 6));
    const floatBytes = 4 * (weights + 32 + 16 + 6);
    expect(floatBytes / modelWeightBytes(narrow)).toBeGreaterThanOrEqual(3.7);
    // The same logits either way but for the scales' rounding: both track float.
    for (const x of samples.slice(0, 8)) {
      const f = argmax(runFloat(model, x));
      expect(argmaxInt8(runInt8(narrow, quantizeInput(x, narrow.input))).index).toBe(f);
    }
    // A bias beyond 16 bits at its scale stays int32; the JSON form keeps either.
    const big = structuredClone(model);
    (big.layers[0]!.tensors as { bias: { data: Float32Array } }).bias.data[0] = 500;
    const b = quantizeModel(big, calibrate(big, samples));
    expect((b.layers[0] as QuantizedWeightLayer).bias).toBeInstanceOf(Int32Array);
    const back = compressedFromJson(compressedToJson(narrow));
    expect((back.layers[0] as QuantizedWeightLayer).bias).toBeInstanceOf(Int16Array);
    expect(back.version).toBe(2);
  });
  it('reads version 1 models (int32 bias, a multiplier per row) and refuses inconsistent arrays', () => {
    const model = buildMlp({ inputs: 4, hidden: [3], classes: 2, seed: 1 });
    const samples = [Float32Array.from([1, 2, 3, 4]), Float32Array.from([-1, 0, 1, 2])];
    const v1 = quantizeModel(model, calibrate(model, samples), { perTensor: false, narrowBias: false });
    const json = compressedToJson({ ...v1, version: 1 as 2 });
    expect(compressedFromJson(json).version).toBe(2);
    const bad = structuredClone(v1);
    (bad.layers[0] as QuantizedWeightLayer).shift = new Int8Array(2);
    expect(() => compressedFromJson(compressedToJson(bad))).toThrow(
      /bias, multiplier and shift must have 3 values/,
    );
  });
  it('packs int4 two per byte, low nibble first', () => {
    const packed = packBits([1, -1, 7, -7, 3], 4);
    expect(Array.from(packed)).toEqual([0xf1, 0x97, 0x03]);
    expect([0, 1, 2, 3, 4].map((i) => readSignedBits(packed, i, 4))).toEqual([1, -1, 7, -7, 3]);
  });
  it('every format dots a row exactly like its dequantized int8 values', () => {
    const rng = createRng(2);
    const rows = 4;
    const cols = 300; // > 256: uint16 column indices
    const w = Float64Array.from({ length: rows * cols }, () => (rng.next() < 0.8 ? 0 : rng.normal()));
    const patch = Int32Array.from({ length: cols }, () => rng.int(-255, 255));
    for (const enc of ['int8', 'int4', 'binary', 'clustered'] as const) {
      const src = enc === 'clustered' ? w.map((v) => Math.round(v * 2) / 2) : w;
      const t = encodeWeights(src, rows, cols, enc);
      if (enc === 'int8') expect(t.format).toBe('sparse');
      const deq = dequantizeWeights(t);
      for (let r = 0; r < rows; r++) {
        let expected = 0;
        for (let c = 0; c < cols; c++) expected += patch[c]! * Math.round(deq[r * cols + c]! / t.scales[r]!);
        expect(dotRow(t, r, patch)).toBe(expected);
      }
    }
  });
  it('rounds integer means half away from zero', () => {
    expect(roundedMean(5, 2)).toBe(3);
    expect(roundedMean(-5, 2)).toBe(-3);
    expect(roundedMean(4, 3)).toBe(1);
    expect(roundedMean(-4, 3)).toBe(-1);
    expect(roundedMean(1000, 2)).toBe(127);
  });
  it('argmax takes the first maximum and reports the margin', () => {
    expect(argmaxInt8(Int8Array.from([3, 9, 9, -2]))).toEqual({ index: 1, margin: 0 });
    expect(argmaxInt8(Int8Array.from([-128, 127]))).toEqual({ index: 1, margin: 255 });
  });
});

function randomInputs(model: ModelIR, n: number, seed: number): Float32Array[] {
  const rng = createRng(seed);
  const size = model.inputShape.reduce((a, b) => a * b, 1);
  return Array.from({ length: n }, () => Float32Array.from({ length: size }, () => rng.normal()));
}

/** Logits (pre-softmax) of the float model. */
const floatLogits = (model: ModelIR, x: Float32Array): Float32Array =>
  runFloat({ ...model, layers: model.layers.filter((l) => l.op !== 'softmax') }, x);

describe('int8 interpreter vs float', () => {
  const cases: [string, ModelIR][] = [
    ['mlp', buildMlp({ inputs: 12, hidden: [16, 8], classes: 4, seed: 1 })],
    [
      'cnn',
      buildCnn({
        steps: 32,
        channels: 3,
        blocks: [
          { kind: 'conv', filters: 6, kernelSize: 5, padding: 'same', pool: { op: 'maxpool1d', size: 2 } },
          { kind: 'separable', filters: 8, kernelSize: 3, pool: { op: 'avgpool1d', size: 2 } },
        ],
        head: 'global',
        hidden: [8],
        classes: 3,
        seed: 2,
      }),
    ],
  ];
  for (const [name, model] of cases) {
    it(`${name}: dequantized int8 logits track the float logits`, () => {
      const calib = randomInputs(model, 64, 10);
      const q = quantizeModel(model, calibrate(model, calib));
      const outQ = q.layers.at(-1)!.output;
      let maxErr = 0;
      let range = 0;
      for (const x of calib.slice(0, 32)) {
        const f = floatLogits(model, x);
        const d = dequantize(runInt8(q, quantizeInput(x, q.input)), outQ);
        for (let i = 0; i < f.length; i++) {
          maxErr = Math.max(maxErr, Math.abs(f[i]! - d[i]!));
          range = Math.max(range, Math.abs(f[i]!));
        }
      }
      expect(maxErr).toBeLessThan(0.08 * range);
      expect(modelWeightBytes(q)).toBeGreaterThan(0);
      const back = compressedFromJson(compressedToJson(q));
      const x = randomInputs(model, 1, 12)[0]!;
      expect(runInt8(back, quantizeInput(x, back.input))).toEqual(runInt8(q, quantizeInput(x, q.input)));
      const dense = (m: typeof q) => m.layers.find((l) => l.op === 'dense') as QuantizedWeightLayer;
      expect(dense(back).bias.constructor).toBe(dense(q).bias.constructor);
      expect([...dense(back).bias]).toEqual([...dense(q).bias]);
    });
  }
  it('standardizes raw inputs like the float model before quantizing', () => {
    const model = buildMlp({ inputs: 12, hidden: [8], classes: 3, seed: 5 });
    const rng = createRng(21);
    const mean = Array.from({ length: 12 }, (_, i) => 100 * i);
    const std = Array.from({ length: 12 }, (_, i) => 0.01 * (i + 1));
    model.inputNorm = { mean, invStd: std.map((s) => Math.fround(1 / s)) };
    const raw = Array.from({ length: 64 }, () =>
      Float32Array.from(mean, (m, i) => m + std[i]! * rng.normal()),
    );
    const q = quantizeModel(model, calibrate(model, raw));
    let agree = 0;
    for (const x of raw) if (classifyInt8(q, x).index === argmax(runFloat(model, x))) agree++;
    expect(agree).toBeGreaterThanOrEqual(60);
  });
  it('scores an int8 autoencoder like the float one', () => {
    const model = buildAutoencoder({ inputs: 8, encoder: [6, 3], seed: 2 });
    const xs = randomInputs(model, 64, 30);
    const q = quantizeModel(model, calibrate(model, xs));
    const f = reconstructionErrors(model, xs);
    xs.forEach((x, i) =>
      expect(Math.abs(reconstructionErrorInt8(q, x) - f[i]!)).toBeLessThan(0.1 * f[i]! + 0.02),
    );
  });
  it('percentile calibration narrows the range', () => {
    const model = cases[0]![1];
    const calib = randomInputs(model, 200, 13);
    const mm = calibrate(model, calib);
    const pc = calibrate(model, calib, { method: 'percentile', percentile: 99 });
    expect(pc[0]!.scale).toBeLessThan(mm[0]!.scale);
  });
});
