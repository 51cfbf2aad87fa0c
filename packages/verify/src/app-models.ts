import { calibrate, quantizeModel, type WeightEncoding } from '@murmur/compress';
import { type CompressedModel } from '@murmur/kernels';
import { buildMlp, computeInputNorm } from '@murmur/nn';

/**
 * A deterministic int8 model with an app's shapes (its feature count in, its classes out), calibrated on
 * the given feature rows (and standardized with their statistics, as a trained model is): stands in for the trained model where only the generated code is under test
 * (bit-exactness and cost do not depend on what the weights learned).
 */
export function calibratedMlp(
  rows: readonly Float32Array[],
  classes: number,
  options: { hidden?: number[]; seed?: number; encodings?: WeightEncoding[] } = {},
): CompressedModel {
  const inputs = rows[0]!.length;
  const hidden = options.hidden ?? [64, 32];
  const model = buildMlp({ inputs, hidden, classes, seed: options.seed ?? 1 });
  const finite = rows.map((r) => r.map((v) => (Number.isFinite(v) ? v : 0)));
  model.inputNorm = computeInputNorm(finite);
  return quantizeModel(model, calibrate(model, finite), {
    encodings: options.encodings,
    recipe: options.encodings ? options.encodings.join('+') : 'int8',
  });
}
