/**
 * Where tests find the MLPerf Tiny reference models and their golden outputs: MURMUR_MODELS_DIR, else
 * `models/mlperf-tiny` beside the data directory (MURMUR_DATA_DIR/..), else `../shared/models/mlperf-tiny`
 * beside the checkout. Missing, the tests that need them are skipped with the reason in their title.
 */
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { workspaceRoot } from '@murmur/core';

export const MLPERF_TINY_MODELS = [
  'kws_ref_model',
  'vww_96_int8',
  'pretrainedResnet_quant',
  'ad01_int8',
] as const;

export function mlperfTinyDir(): string | undefined {
  const candidates = [
    process.env.MURMUR_MODELS_DIR && join(process.env.MURMUR_MODELS_DIR, 'mlperf-tiny'),
    process.env.MURMUR_MODELS_DIR,
    process.env.MURMUR_DATA_DIR &&
      join(dirname(resolve(process.env.MURMUR_DATA_DIR)), 'models', 'mlperf-tiny'),
    join(workspaceRoot(), '..', 'shared', 'models', 'mlperf-tiny'),
  ];
  return candidates.find((d): d is string => !!d && existsSync(join(d, 'kws_ref_model.tflite')));
}

/** Like @murmur/datasets/testing's testData: `skip` and a title that says why. */
export function mlperfTiny(): { dir: string; skip: boolean; title: (t: string) => string } {
  const dir = mlperfTinyDir();
  const reason =
    'MLPerf Tiny models not found: set MURMUR_MODELS_DIR or put shared/models/mlperf-tiny beside the checkout';
  return { dir: dir ?? '', skip: !dir, title: (t) => (dir ? t : `${t} [skipped: ${reason}]`) };
}
