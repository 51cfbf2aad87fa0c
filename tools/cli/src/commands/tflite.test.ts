import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { calibrate, quantizeModel } from '@murmur/compress';
import { createRng } from '@murmur/core';
import { compressedToJson, inferGraph, prepareGraph } from '@murmur/kernels';
import { buildMlp } from '@murmur/nn';
import { floatEdgesGraph, floatInputs, tinyGraph } from '@murmur/kernels/testing';
import { exportTflite } from '@murmur/tflite';
import { capture, restoreAfterEach, run } from '../testing';

restoreAfterEach();

describe('murmur tflite inspect', () => {
  const dir = mkdtempSync(join(tmpdir(), 'murmur-tflite-'));
  const model = join(dir, 'tiny.tflite');
  writeFileSync(model, exportTflite(tinyGraph()));

  it('lists ops, shapes, MACs and constant bytes', async () => {
    const io = capture();
    expect(await run('tflite', 'inspect', model, '--json')).toBe(0);
    const json = JSON.parse(io.out());
    expect(json.ops.map((o: { op: string }) => o.op)).toEqual([
      'conv2d',
      'depthwise_conv2d',
      'conv2d',
      'add',
      'maxpool2d',
      'avgpool2d',
      'reshape',
      'fully_connected',
      'softmax',
    ]);
    // conv 6·6·4 outputs × 3·3·2, depthwise 3·3·8 × 3·3, pointwise 3·3·8 × 8, fully connected 3 × 8.
    expect(json.macs).toBe(6 * 6 * 4 * 18 + 72 * 9 + 72 * 8 + 24);
    expect(json.inputs[0]).toMatchObject({ name: 'input', shape: [1, 6, 6, 2], zeroPoint: 3 });
    expect(await run('tflite', 'inspect', model)).toBe(0);
    expect(io.out()).toMatch(/tiny: 9 ops, 3,840 MACs/);
  });

  it('exits 1 naming the file when it is not a model', async () => {
    const io = capture();
    const bad = join(dir, 'bad.tflite');
    writeFileSync(bad, 'not a model at all');
    expect(await run('tflite', 'inspect', bad)).toBe(1);
    expect(io.err()).toMatch(/bad\.tflite.*not a TFLite model/);
  });

  it('verify: the generated C against a golden file; exit 1 and the first difference when a case differs', async () => {
    const prepared = prepareGraph(tinyGraph());
    const inputs = [3, 7, 11].map((k) => Int8Array.from({ length: 72 }, (_, i) => ((i * k) % 256) - 128));
    const cases = inputs.map((input, index) => ({
      index,
      input: Buffer.from(input.buffer).toString('base64'),
      output: Buffer.from(inferGraph(prepared, [input])[0]!.buffer).toString('base64'),
    }));
    const golden = join(dir, 'tiny.json');
    writeFileSync(golden, JSON.stringify({ cases }));
    const io = capture();
    expect(await run('tflite', 'verify', model, '--golden', golden, '--json')).toBe(0);
    const ok = JSON.parse(io.out());
    expect(ok).toMatchObject({ cases: 3, casesEqual: 3, firstDifference: null, board: 'native' });
    expect(ok.arenaBytes).toBeGreaterThan(0);
    const wrong = Buffer.from(cases[1]!.output, 'base64');
    wrong[2] ^= 1;
    cases[1]!.output = wrong.toString('base64');
    writeFileSync(golden, JSON.stringify({ cases }));
    const before = io.out().length;
    expect(await run('tflite', 'verify', model, '--golden', golden, '--json')).toBe(1);
    const bad = JSON.parse(io.out().slice(before));
    expect(bad.casesEqual).toBe(2);
    expect(bad.firstDifference).toMatchObject({ case: 1, index: 2 });
  });

  it('verify: a model with float32 edges against golden float32 bytes (raw little-endian, base64)', async () => {
    const graph = floatEdgesGraph();
    const floatModel = join(dir, 'float_edges.tflite');
    writeFileSync(floatModel, exportTflite(graph));
    const prepared = prepareGraph(graph);
    const cases = [0, 1, 2].map((index) => {
      const input = floatInputs(`cli ${index}`, 12, 0.03);
      const output = inferGraph(prepared, [input])[0]!;
      expect(output).toBeInstanceOf(Float32Array);
      return {
        index,
        input: Buffer.from(input.buffer).toString('base64'),
        output: Buffer.from(output.buffer).toString('base64'),
      };
    });
    const golden = join(dir, 'float_edges.json');
    writeFileSync(golden, JSON.stringify({ cases }));
    const io = capture();
    expect(await run('tflite', 'inspect', floatModel, '--json')).toBe(0);
    const inspected = JSON.parse(io.out());
    expect(inspected.inputs[0]).toMatchObject({ name: 'input', shape: [1, 12], type: 'float32' });
    expect(inspected.ops.map((o: { op: string }) => o.op)).toEqual([
      'quantize',
      'fully_connected',
      'dequantize',
    ]);
    let before = io.out().length;
    expect(await run('tflite', 'verify', floatModel, '--golden', golden, '--json')).toBe(0);
    expect(JSON.parse(io.out().slice(before))).toMatchObject({
      cases: 3,
      casesEqual: 3,
      firstDifference: null,
    });
    // One float32 output one bit off: element 3 of case 2 differs.
    const wrong = Buffer.from(cases[2]!.output, 'base64');
    wrong[12] ^= 1;
    cases[2]!.output = wrong.toString('base64');
    writeFileSync(golden, JSON.stringify({ cases }));
    before = io.out().length;
    expect(await run('tflite', 'verify', floatModel, '--golden', golden, '--json')).toBe(1);
    expect(JSON.parse(io.out().slice(before))).toMatchObject({
      casesEqual: 2,
      firstDifference: { case: 2, index: 3 },
    });
    // A float32 output that is not a whole number of values names the file and the field.
    cases[0]!.output = Buffer.from([1, 2, 3]).toString('base64');
    writeFileSync(golden, JSON.stringify({ cases }));
    expect(await run('tflite', 'verify', floatModel, '--golden', golden)).toBe(1);
    expect(io.err()).toMatch(
      /float_edges\.json.*cases\[0\]\.output.*3 bytes: float32 values take 4 bytes each/,
    );
  });

  it('export: a compressed model to a .tflite that inspect reads; a bad file is a typed error naming it', async () => {
    const rng = createRng('cli-export');
    const mlp = buildMlp({ inputs: 12, hidden: [8], classes: 3, seed: 1 });
    const samples = Array.from({ length: 16 }, () => Float32Array.from({ length: 12 }, () => rng.normal()));
    const compressedFile = join(dir, 'model.compressed.json');
    writeFileSync(
      compressedFile,
      compressedToJson(quantizeModel(mlp, calibrate(mlp, samples), { encodings: ['clustered', 'int8'] })),
    );
    const io = capture();
    const out = join(dir, 'exported.tflite');
    expect(await run('tflite', 'export', compressedFile, '--out', out)).toBe(0);
    expect(await run('tflite', 'inspect', out, '--json')).toBe(0);
    const json = JSON.parse(io.out().slice(io.out().indexOf('{')));
    expect(json.ops.map((o: { op: string }) => o.op)).toEqual([
      'fully_connected',
      'fully_connected',
      'softmax',
    ]);
    expect(json.macs).toBe(12 * 8 + 8 * 3);
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, '{"format": "something else"}');
    expect(await run('tflite', 'export', bad, '--out', join(dir, 'bad.tflite'))).toBe(1);
    expect(io.err()).toContain('bad.json');
  });
});
