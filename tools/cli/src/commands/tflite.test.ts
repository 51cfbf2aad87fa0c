import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tinyGraph } from '@murmur/kernels/testing';
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
});
