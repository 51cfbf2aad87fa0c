import { describe, expect, it } from 'vitest';
import { calibrate, quantizeModel } from '@murmur/compress';
import { createRng } from '@murmur/core';
import { buildCnn, buildMlp, computeInputNorm, type ModelIR } from '@murmur/nn';
import type { CompressedModel } from '@murmur/kernels';
import { generateModelCode } from './model-codegen';

function quantized(model: ModelIR, standardize: boolean): CompressedModel {
  const rng = createRng(3);
  const n = model.inputShape.reduce((a, b) => a * b, 1);
  const rows = Array.from({ length: 32 }, () => Float32Array.from({ length: n }, () => rng.next() * 4 - 2));
  if (standardize) model.inputNorm = computeInputNorm(rows);
  return quantizeModel(model, calibrate(model, rows));
}

const models: [string, CompressedModel][] = [
  [
    'mlp, standardized input',
    quantized(buildMlp({ inputs: 12, hidden: [16, 8], classes: 4, seed: 1 }), true),
  ],
  [
    'cnn with pools',
    quantized(
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
      false,
    ),
  ],
];

/** The lines `profile` adds to the source (statements indented by two spaces). */
const probeLines = [
  /^#include "murmur_cost\.h"$/,
  /^uint32_t \w+_(layer|input)_cost(\[\w+\])?;$/,
  /^ {2}uint32_t mark = murmur_cost_end\(\)(, now)?;$/,
  /^ {2}now = murmur_cost_end\(\);$/,
  /^ {2}\w+_layer_cost\[\d+\] = now - mark;$/,
  /^ {2}mark = now;$/,
  /^ {2}\w+_input_cost = murmur_cost_end\(\) - mark;$/,
];
const probeLine = { test: (line: string): boolean => probeLines.some((r) => r.test(line)) };

describe('per-layer cost probes', () => {
  it.each(models)('%s: none unless asked for', (_, model) => {
    const plain = generateModelCode(model, { name: 'demo', app: 'demo-app' });
    const off = generateModelCode(model, { name: 'demo', app: 'demo-app', profile: false });
    expect(off.source).toBe(plain.source);
    expect(off.header).toBe(plain.header);
    expect(plain.source).not.toMatch(/murmur_cost|_layer_cost|_input_cost/);
    expect(plain.header).not.toMatch(/murmur_cost|_layer_cost|_input_cost|Verification build/);
  });

  it.each(models)('%s: only add lines, a read after every layer', (_, model) => {
    const plain = generateModelCode(model, { name: 'demo' });
    const profiled = generateModelCode(model, { name: 'demo', profile: true });
    expect(profiled.options.profile).toBe(true);
    // Everything else is the same code: the profiled source without its probe lines (and the banner's note
    // and blank line) is the plain source.
    const strip = (text: string): string =>
      text
        .split('\n')
        .filter((l) => !probeLine.test(l) && !l.includes('Verification build: per-layer cost probes'))
        .join('\n')
        .replace(/\n\n\n+/g, '\n\n');
    expect(strip(profiled.source)).toBe(plain.source.replace(/\n\n\n+/g, '\n\n'));
    const n = model.layers.length;
    const run = profiled.source.slice(profiled.source.indexOf('int murmur_model_demo_run('));
    const body = run.slice(0, run.indexOf('\n}\n'));
    expect(body.match(/murmur_cost_end\(\)/g)).toHaveLength(n + 1);
    for (let i = 0; i < n; i++) {
      // Layer i's cost is taken after its code and before layer i + 1's.
      const stored = body.indexOf(`murmur_model_demo_layer_cost[${i}] = now - mark;`);
      expect(stored).toBeGreaterThan(body.indexOf(`/* layer ${i}:`));
      if (i + 1 < n) expect(stored).toBeLessThan(body.indexOf(`/* layer ${i + 1}:`));
    }
    expect(body.indexOf(`murmur_model_demo_layer_cost[${n - 1}]`)).toBeLessThan(
      body.indexOf('memcpy(output'),
    );
    expect(profiled.source).toContain('murmur_model_demo_input_cost = murmur_cost_end() - mark;');
    expect(profiled.header).toContain(`#define MURMUR_MODEL_DEMO_LAYERS ${n}`);
    expect(profiled.header).toContain(
      'extern uint32_t murmur_model_demo_layer_cost[MURMUR_MODEL_DEMO_LAYERS];',
    );
    expect(profiled.header).toContain('extern uint32_t murmur_model_demo_input_cost;');
    // The same arena, weights and work.
    expect(profiled.plan).toEqual(plain.plan);
    expect([profiled.weightBytes, profiled.macs]).toEqual([plain.weightBytes, plain.macs]);
  });
});
