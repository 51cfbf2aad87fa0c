import { MurmurError } from '@murmur/core';
import { cloneModel, isWeightLayer, type ModelIR, type Tensor, type TfParams, type Tf } from '@murmur/nn';
import { fineTune, type FineTuneData } from './finetune';

/**
 * 1D k-means (Lloyd) of `values`: deterministic initialisation at the (i + 0.5)/k quantiles, `iterations`
 * rounds. Returns centroids (ascending) and each value's centroid index.
 */
export function kmeans1d(
  values: Float32Array,
  k: number,
  iterations = 25,
): { centroids: Float64Array; assign: Uint8Array } {
  const sorted = Float64Array.from(values).sort();
  const distinct = new Set(sorted).size;
  const kk = Math.max(1, Math.min(k, distinct));
  let centroids = Float64Array.from(
    { length: kk },
    (_, i) => sorted[Math.floor(((i + 0.5) / kk) * sorted.length)]!,
  );
  const assign = new Uint8Array(values.length);
  for (let it = 0; it < iterations; it++) {
    centroids = Float64Array.from(new Set(centroids)).sort();
    for (let j = 0; j < values.length; j++) assign[j] = nearest(centroids, values[j]!);
    const sum = new Float64Array(centroids.length);
    const count = new Float64Array(centroids.length);
    for (let j = 0; j < values.length; j++) {
      sum[assign[j]!]! += values[j]!;
      count[assign[j]!]!++;
    }
    let moved = false;
    for (let c = 0; c < centroids.length; c++) {
      if (!count[c]) continue;
      const next = sum[c]! / count[c]!;
      if (next !== centroids[c]) moved = true;
      centroids[c] = next;
    }
    if (!moved) break;
  }
  for (let j = 0; j < values.length; j++) assign[j] = nearest(centroids, values[j]!);
  return { centroids, assign };
}

function nearest(centroids: Float64Array, v: number): number {
  let best = 0;
  for (let c = 1; c < centroids.length; c++)
    if (Math.abs(v - centroids[c]!) < Math.abs(v - centroids[best]!)) best = c;
  return best;
}

/** Per clustered layer: the fixed assignment and whether cluster 0 is the pinned zero of a pruned layer. */
interface Clustering {
  assign: Uint8Array;
  clusters: number;
  zeroPinned: boolean;
}

/** Replaces each kernel value by the mean of its cluster (zero stays zero when pinned). */
function snap(data: Float32Array, c: Clustering): void {
  const sum = new Float64Array(c.clusters);
  const count = new Float64Array(c.clusters);
  for (let j = 0; j < data.length; j++) {
    sum[c.assign[j]!]! += data[j]!;
    count[c.assign[j]!]!++;
  }
  const centroid = Array.from(sum, (s, i) => (c.zeroPinned && i === 0 ? 0 : count[i] ? s / count[i]! : 0));
  for (let j = 0; j < data.length; j++) data[j] = centroid[c.assign[j]!]!;
}

/**
 * Weight clustering: every weight kernel gets at most `k` distinct values (k-means per layer). Kernels that
 * hold exact zeros (pruned) keep them as a pinned centroid, so pruning survives clustering. With
 * `data`, the centroids are fine-tuned: the assignment stays fixed and after every optimizer step each
 * centroid becomes the mean of its members (the averaged gradient step of the shared weight).
 */
export async function clusterWeights(model: ModelIR, k: number, data?: FineTuneData): Promise<ModelIR> {
  if (!Number.isInteger(k) || k < 2 || k > 256)
    throw new MurmurError(`k must be an integer in [2, 256]: ${k}`, { field: 'k' });
  const out = cloneModel(model);
  const clusterings = new Map<number, Clustering>();
  out.layers.forEach((layer, i) => {
    if (!isWeightLayer(layer)) return;
    const kernel = (layer.tensors as { kernel: Tensor }).kernel;
    const zeroPinned = kernel.data.some((v) => v === 0) && kernel.data.some((v) => v !== 0);
    const live = zeroPinned ? kernel.data.filter((v) => v !== 0) : kernel.data;
    const km = kmeans1d(live, zeroPinned ? k - 1 : k);
    const assign = new Uint8Array(kernel.data.length);
    let at = 0;
    for (let j = 0; j < kernel.data.length; j++) {
      if (zeroPinned && kernel.data[j] === 0) assign[j] = 0;
      else assign[j] = km.assign[at++]! + (zeroPinned ? 1 : 0);
    }
    const c = { assign, clusters: km.centroids.length + (zeroPinned ? 1 : 0), zeroPinned };
    snap(kernel.data, c);
    clusterings.set(i, c);
  });
  if (!data) return out;
  const project = (params: TfParams, tf: Tf): void => {
    for (const [i, c] of clusterings) {
      const v = params.kernels[i]!;
      const values = Float32Array.from(v.dataSync());
      snap(values, c);
      tf.tidy(() => v.assign(tf.tensor(values, v.shape)));
    }
  };
  return fineTune(out, data, { afterStep: project, label: `cluster k=${k}` });
}

/** Number of distinct values in each weight kernel (for checks and reports). */
export function distinctKernelValues(model: ModelIR): number[] {
  return model.layers.filter(isWeightLayer).map((l) => new Set(l.tensors.kernel.data).size);
}
