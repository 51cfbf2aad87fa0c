import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MurmurError } from '@murmur/core';
import { exportTflite } from './export';
import { readGolden } from './golden';
import { importTflite } from './import';
import { MLPERF_TINY_MODELS, mlperfTiny } from './testing';
import { loadTfliteRuntime } from './tflite-runtime';

const models = mlperfTiny();

describe('TensorFlow Lite itself on the files Murmur writes', () => {
  it.skipIf(models.skip)(
    models.title(
      'runs each MLPerf Tiny model re-exported by Murmur exactly as the original, on every golden case',
    ),
    async () => {
      for (const name of MLPERF_TINY_MODELS) {
        const original = readFileSync(join(models.dir, `${name}.tflite`));
        const exported = exportTflite(importTflite(original, `${name}.tflite`, name));
        const golden = readGolden(join(models.dir, 'golden', `${name}.json`));
        const a = await loadTfliteRuntime(original, `${name}.tflite`);
        const b = await loadTfliteRuntime(exported, `${name} (exported)`);
        expect(b.inputs).toEqual(a.inputs);
        expect(b.outputs).toEqual(a.outputs);
        for (const [i, c] of golden.cases.entries()) {
          const [fromOriginal] = a.run([c.input]);
          const [fromExported] = b.run([c.input]);
          expect([...fromExported!], `${name} case ${i}`).toEqual([...fromOriginal!]);
        }
        a.close();
        b.close();
      }
    },
  );

  it('refuses a file that is not a model with TensorFlow Lite’s own words, as a MurmurError naming the file', async () => {
    const junk = new Uint8Array(64).fill(7);
    const err = await loadTfliteRuntime(junk, 'junk.tflite').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(MurmurError);
    expect((err as MurmurError).message).toMatch(/TensorFlow Lite refuses the model/);
    expect((err as MurmurError).location.file).toBe('junk.tflite');
  });
});
