import { describe, expect, it } from 'vitest';
import { calibrate, quantizeModel, type WeightEncoding } from '@murmur/compress';
import { createRng } from '@murmur/core';
import { prepareGraph, quantizeModelInput, runGraph, runInt8, type CompressedModel } from '@murmur/kernels';
import { buildCnn, buildMlp, type ModelIR } from '@murmur/nn';
import { compressedToGraph, exportTflite, importTflite } from '@murmur/tflite';
import { loadTfliteRuntime } from '@murmur/tflite/tflite-runtime';

/** A Murmur model quantized on random calibration samples, with the given weight encodings. */
function quantized(model: ModelIR, inputs: number, encodings: WeightEncoding[], seed: number) {
  const rng = createRng(seed);
  // Fresh models have zero biases: give them some, so that the biases' export is checked too.
  for (const layer of model.layers) {
    const bias = (layer.tensors as Record<string, { data: Float32Array } | undefined>).bias;
    if (bias) bias.data.forEach((_, i) => (bias.data[i] = 0.3 * rng.normal()));
  }
  const samples = Array.from({ length: 64 }, () => Float32Array.from({ length: inputs }, () => rng.normal()));
  const compressed = quantizeModel(model, calibrate(model, samples), { encodings });
  return { compressed, samples };
}

/** Murmur's int8 path and the exported .tflite, re-imported, agree on every logit of every sample. */
function expectSameLogits(compressed: CompressedModel, samples: Float32Array[]): void {
  const graph = importTflite(
    exportTflite(compressedToGraph(compressed, 'exported')),
    'exported.tflite',
    'exported',
  );
  const prepared = prepareGraph(graph);
  // Murmur's int8 path keeps the logits; the .tflite ends in TFLite's SOFTMAX, whose input they are.
  const last = graph.ops.at(-1)!;
  const logits = last.op === 'softmax' ? last.inputs[0] : graph.outputs[0]!;
  for (const sample of samples) {
    const input = quantizeModelInput(compressed, sample);
    const values = runGraph(prepared, [input]);
    expect([...(values[logits] as Int8Array)]).toEqual([...runInt8(compressed, input)]);
  }
}

describe("Murmur's own models exported to .tflite", () => {
  for (const encoding of ['int8', 'int4', 'clustered', 'binary'] as const) {
    it(`an MLP with ${encoding} weights gives the same logits after export and import`, () => {
      const model = buildMlp({ inputs: 30, hidden: [24, 16], classes: 6, seed: 3 });
      const { compressed, samples } = quantized(model, 30, [encoding, encoding, encoding], 3);
      expectSameLogits(compressed, samples);
    });
  }

  it('a 1-D CNN (conv, depthwise, pools, flatten and global pooling) gives the same logits', () => {
    for (const head of ['flatten', 'global'] as const) {
      const model = buildCnn({
        steps: 32,
        channels: 3,
        blocks: [
          { kind: 'conv', filters: 8, kernelSize: 5, padding: 'same', pool: { op: 'maxpool1d', size: 2 } },
          { kind: 'separable', filters: 12, kernelSize: 3, strides: 2, pool: { op: 'avgpool1d', size: 2 } },
        ],
        head,
        hidden: [10],
        classes: 4,
        seed: 5,
      });
      const { compressed, samples } = quantized(model, 96, [], 5);
      expectSameLogits(compressed, samples);
    }
  });

  it('TensorFlow Lite runs the exported MLP and CNN: every class Murmur computes, every output within 1 LSB', async () => {
    const cases = [
      quantized(buildMlp({ inputs: 30, hidden: [24, 16], classes: 6, seed: 3 }), 30, [], 3),
      quantized(
        buildCnn({
          steps: 32,
          channels: 3,
          blocks: [
            { kind: 'conv', filters: 8, kernelSize: 5, padding: 'same', pool: { op: 'maxpool1d', size: 2 } },
            { kind: 'separable', filters: 12, kernelSize: 3, strides: 2, pool: { op: 'avgpool1d', size: 2 } },
          ],
          head: 'global',
          hidden: [10],
          classes: 4,
          seed: 5,
        }),
        96,
        [],
        5,
      ),
    ];
    for (const { compressed, samples } of cases) {
      const graph = compressedToGraph(compressed, 'exported');
      const prepared = prepareGraph(graph);
      const tflite = await loadTfliteRuntime(exportTflite(graph), 'exported.tflite');
      let maxDifference = 0;
      for (const sample of samples) {
        const input = quantizeModelInput(compressed, sample);
        const murmur = runGraph(prepared, [input])[graph.outputs[0]!] as Int8Array;
        const [fromTflite] = tflite.run([input]);
        murmur.forEach((v, i) => (maxDifference = Math.max(maxDifference, Math.abs(v - fromTflite![i]!))));
      }
      tflite.close();
      expect(maxDifference).toBeLessThanOrEqual(1);
    }
  });
});
