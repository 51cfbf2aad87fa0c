import { trainClassifier, type ModelIR, type TrainOptions } from '@murmur/nn';

/** Training rows for compression fine-tuning (the training split only; validation is measured apart). */
export interface FineTuneData {
  x: Float32Array[];
  y: number[];
  groups: string[];
  classes: number;
  seed: number;
  /** Epochs of fine-tuning per step (default 5). */
  epochs?: number;
  learningRate?: number;
  batchSize?: number;
  quiet?: boolean;
}

/** Fine-tunes a classifier on all rows with graph hooks / per-step projections; returns the new model. */
export async function fineTune(
  model: ModelIR,
  data: FineTuneData,
  extra: Pick<TrainOptions, 'hooks' | 'afterStep' | 'label'> & { epochs?: number },
): Promise<ModelIR> {
  const r = await trainClassifier({
    x: data.x,
    y: data.y,
    groups: data.groups,
    classes: data.classes,
    model,
    seed: data.seed,
    epochs: extra.epochs ?? data.epochs ?? 5,
    learningRate: data.learningRate ?? 5e-4,
    batchSize: data.batchSize,
    validationFraction: 0,
    hooks: extra.hooks,
    afterStep: extra.afterStep,
    label: extra.label ?? 'fine-tune',
    quiet: data.quiet ?? true,
  });
  return r.model;
}
