import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { getBoard } from '@murmur/boards';
import { INT8_GRAPH_VERSION, type Int8Graph } from '@murmur/kernels';
import { tinyGraph } from '@murmur/kernels/testing';
import { chromiumPath, renderInChromium } from '@murmur/report';
import { exportTflite } from '@murmur/tflite';
import { buildTflite } from './tflite-build';

describe('murmur tflite build', () => {
  const dir = mkdtempSync(join(tmpdir(), 'murmur-tflite-build-'));
  const model = join(dir, 'tiny.tflite');
  writeFileSync(model, exportTflite(tinyGraph()));

  it('writes the library, the firmware and a report with the per-layer cost measured on the board', async () => {
    const out = join(dir, 'an386');
    const result = await buildTflite({ file: model, board: getBoard('qemu-mps2-an386'), outDir: out });
    expect('skipped' in result.verification).toBe(false);
    const v = result.verification as Exclude<typeof result.verification, { skipped: string }>;
    expect(v.casesEqual).toBe(1);
    expect(v.perOp).toHaveLength(9);
    expect(v.perOp!.every((c, i) => (i === 6 ? c >= 0 : c > 0))).toBe(true);
    expect(v.perInference).toBe(v.perOp!.reduce((a, b) => a + b, 0));
    for (const f of [
      'lib/Makefile',
      'lib/CMakeLists.txt',
      'lib/library.properties',
      'lib/src/murmur_tiny.c',
      'lib/src/murmur_nn.h',
      'firmware/firmware.elf',
    ])
      expect(existsSync(join(out, f)), f).toBe(true);
    const html = readFileSync(result.report, 'utf8');
    expect(html).toContain('Per layer');
    expect(html).toContain('depthwise_conv2d');
  });

  it('skips the run, and says why, when the model does not fit the board', async () => {
    // One fully-connected layer of 1024 x 300 int8 weights (307 KB, with its requantization 310 KB): more than the micro:bit's 256 KB of flash.
    const graph: Int8Graph = {
      format: 'murmur-int8-graph',
      version: INT8_GRAPH_VERSION,
      name: 'wide',
      tensors: [
        { name: 'x', shape: [1, 1024], type: 'int8', quant: { scale: [0.5], zeroPoint: [0], axis: 0 } },
        {
          name: 'w',
          shape: [300, 1024],
          type: 'int8',
          quant: { scale: [0.01], zeroPoint: [0], axis: 0 },
          data: new Int8Array(300 * 1024).fill(3),
        },
        { name: 'y', shape: [1, 300], type: 'int8', quant: { scale: [1], zeroPoint: [0], axis: 0 } },
      ],
      ops: [{ op: 'fully_connected', inputs: [0, 1, -1], outputs: [2], activation: 'none' }],
      inputs: [0],
      outputs: [2],
    };
    const file = join(dir, 'wide.tflite');
    writeFileSync(file, exportTflite(graph));
    const result = await buildTflite({
      file,
      board: getBoard('qemu-microbit'),
      outDir: join(dir, 'microbit'),
    });
    expect(result.verification).toEqual({
      skipped: expect.stringMatching(/309,900 B of constants.*qemu-microbit has 262,144 B of flash/),
    });
    expect(existsSync(join(dir, 'microbit', 'lib', 'src', 'murmur_wide.c'))).toBe(true);
    expect(readFileSync(result.report, 'utf8')).toContain('qemu-microbit has 262,144 B of flash');
  });

  it.skipIf(!chromiumPath)('draws the report in Chromium without errors', async () => {
    const result = await buildTflite({
      file: model,
      board: getBoard('qemu-mps2-an386'),
      outDir: join(dir, 'render'),
    });
    const check = await renderInChromium(result.report);
    expect(check.errors).toEqual([]);
    expect(check.layoutProblems).toEqual([]);
    expect(check.plots.length).toBe(1);
    expect(check.plots[0]!.shapes).toBeGreaterThan(9);
  });
});
