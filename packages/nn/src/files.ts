import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { MurmurError } from '@murmur/core';
import { parseModel, serializeModel, type ModelIR } from './ir';

/** File names of a saved model inside its directory. */
export const MODEL_JSON = 'model.json';
export const MODEL_WEIGHTS = 'weights.bin';

/** Writes `model.json` + `weights.bin` into `dir` (created if needed). */
export function saveModel(dir: string, model: ModelIR): void {
  const { json, weights } = serializeModel(model);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, MODEL_JSON), json);
  writeFileSync(join(dir, MODEL_WEIGHTS), weights);
}

/** Reads a model saved by `saveModel`; a missing or bad file throws MurmurError naming it. */
export function loadModel(dir: string): ModelIR {
  const jsonFile = join(dir, MODEL_JSON);
  const weightsFile = join(dir, MODEL_WEIGHTS);
  const read = (file: string): Buffer => {
    try {
      return readFileSync(file);
    } catch (e) {
      throw new MurmurError(`cannot read: ${(e as Error).message}`, { file });
    }
  };
  return parseModel(read(jsonFile).toString('utf8'), new Uint8Array(read(weightsFile)), {
    json: jsonFile,
    weights: weightsFile,
  });
}
