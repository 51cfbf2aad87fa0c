/**
 * 95 % intervals for every accuracy Murmur prints. Windows of one subject are not independent (the same
 * wrist, the same habits), so an accuracy over several subjects gets a subject-level bootstrap: the
 * subjects are resampled with replacement (seeded, so the interval is reproducible), each resample's figure
 * is computed over all windows of the subjects drawn, and the interval is the 2.5th to 97.5th percentile.
 * Over a single subject the bootstrap has nothing to resample: the accuracy then gets the Wilson interval
 * (@murmur/report), which takes its windows as independent and so is too narrow, and says so. Over fewer
 * than FEW_BOOTSTRAP_SUBJECTS subjects the bootstrap's interval is too narrow as well (few distinct
 * resamples), and its method says that too.
 */
import { createRng } from '@murmur/core';
import type { CvEstimate } from '@murmur/compress';
import { wilsonInterval } from '@murmur/report';

export interface BootstrapOptions {
  /** Resamples (default 2000). */
  resamples?: number;
  /** Seed of the resampling (default 1). */
  seed?: number;
}

export const DEFAULT_BOOTSTRAP = { resamples: 2000, seed: 1 } as const;

/** An accuracy and macro-F1 with what they were measured on and their 95 % intervals. */
export interface Estimate {
  accuracy: number;
  macroF1: number;
  windows: number;
  subjects: number;
  accuracyCi: [number, number];
  /** [NaN, NaN] when it cannot be estimated (a single subject). */
  macroF1Ci: [number, number];
  method: string;
}

/** Below this many subjects a percentile bootstrap has few distinct resamples and comes out too narrow. */
export const FEW_BOOTSTRAP_SUBJECTS = 10;

const bootstrapMethod = (o: Required<BootstrapOptions>, subjects: number): string =>
  `subject bootstrap, ${o.resamples} resamples, seed ${o.seed}` +
  (subjects < FEW_BOOTSTRAP_SUBJECTS ? `; only ${subjects} subjects, so too narrow` : '');

/** The p-quantile (0..1) of sorted values, linear between neighbours. */
export function quantile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const at = p * (sorted.length - 1);
  const lo = Math.floor(at);
  const hi = Math.min(sorted.length - 1, lo + 1);
  return sorted[lo]! + (at - lo) * (sorted[hi]! - sorted[lo]!);
}

/**
 * Subject-level percentile bootstrap of statistics of a sum: `parts[g]` is subject g's contribution (e.g. its
 * confusion counts, flattened), `statistics` maps the sum over a resample of subjects to the figures. Returns
 * each figure's [2.5 %, 97.5 %] percentiles.
 */
export function subjectBootstrap(
  parts: readonly Float64Array[],
  statistics: (sum: Float64Array) => number[],
  opts: BootstrapOptions = {},
): [number, number][] {
  const o = { ...DEFAULT_BOOTSTRAP, ...opts };
  const g = parts.length;
  const width = parts[0]?.length ?? 0;
  const rng = createRng(o.seed).fork('subject bootstrap');
  const draws: number[][] = [];
  const sum = new Float64Array(width);
  for (let b = 0; b < o.resamples; b++) {
    sum.fill(0);
    for (let k = 0; k < g; k++) {
      const part = parts[Math.floor(rng.next() * g)]!;
      for (let j = 0; j < width; j++) sum[j]! += part[j]!;
    }
    statistics(sum).forEach((v, i) => (draws[i] ??= []).push(v));
  }
  return draws.map((values) => {
    const sorted = values.filter((v) => !Number.isNaN(v)).sort((a, b) => a - b);
    return [quantile(sorted, 0.025), quantile(sorted, 0.975)];
  });
}

/** Accuracy and macro-F1 of a confusion matrix held flat (classes × classes, row = truth). */
function confusionFigures(flat: Float64Array, classes: number): [number, number] {
  let correct = 0;
  let total = 0;
  let f1Sum = 0;
  let f1Count = 0;
  for (let c = 0; c < classes; c++) {
    let support = 0;
    let predicted = 0;
    for (let k = 0; k < classes; k++) {
      support += flat[c * classes + k]!;
      predicted += flat[k * classes + c]!;
    }
    const tp = flat[c * classes + c]!;
    correct += tp;
    total += support;
    if (support === 0 && predicted === 0) continue;
    const precision = predicted ? tp / predicted : 0;
    const recall = support ? tp / support : 0;
    f1Sum += precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : 0;
    f1Count++;
  }
  return [total ? correct / total : NaN, f1Count ? f1Sum / f1Count : NaN];
}

/** Rows of each subject, subjects in sorted order. */
function bySubject(groups: readonly string[]): number[][] {
  const index = new Map<string, number[]>();
  groups.forEach((g, i) => {
    let rows = index.get(g);
    if (!rows) index.set(g, (rows = []));
    rows.push(i);
  });
  return [...index.keys()].sort().map((k) => index.get(k)!);
}

/**
 * Accuracy and macro-F1 of predictions with 95 % intervals: subject bootstrap over `groups` (the subject of
 * each row), or Wilson for the accuracy when all rows come from one subject.
 */
export function estimate(
  truth: readonly number[],
  predicted: readonly number[],
  groups: readonly string[],
  classes: number,
  opts: BootstrapOptions = {},
): Estimate {
  if (truth.length !== predicted.length || truth.length !== groups.length)
    throw new RangeError(`${truth.length} labels, ${predicted.length} predictions, ${groups.length} groups`);
  const subjects = bySubject(groups);
  const parts = subjects.map((rows) => {
    const flat = new Float64Array(classes * classes);
    for (const i of rows) flat[truth[i]! * classes + predicted[i]!]!++;
    return flat;
  });
  const total = new Float64Array(classes * classes);
  for (const p of parts) p.forEach((v, j) => (total[j]! += v));
  const [accuracy, macroF1] = confusionFigures(total, classes);
  const base = { accuracy, macroF1, windows: truth.length, subjects: subjects.length };
  if (subjects.length < 2) {
    let correct = 0;
    for (let c = 0; c < classes; c++) correct += total[c * classes + c]!;
    const w = wilsonInterval(correct, truth.length);
    return {
      ...base,
      accuracyCi: [w.lo, w.hi],
      macroF1Ci: [NaN, NaN],
      method: 'Wilson (one subject: its windows taken as independent, so too narrow)',
    };
  }
  const o = { ...DEFAULT_BOOTSTRAP, ...opts };
  const [accuracyCi, macroF1Ci] = subjectBootstrap(parts, (sum) => confusionFigures(sum, classes), o);
  return {
    ...base,
    accuracyCi: accuracyCi!,
    macroF1Ci: macroF1Ci!,
    method: bootstrapMethod(o, subjects.length),
  };
}

/**
 * The accuracy drop of `candidate` against `reference` on the same rows, 100 · (acc_ref − acc_cand) in
 * percentage points, with the paired subject bootstrap's 95 % interval (both models resampled together).
 */
export function pairedDrop(
  truth: readonly number[],
  reference: readonly number[],
  candidate: readonly number[],
  groups: readonly string[],
  opts: BootstrapOptions = {},
): { dropPp: number; ci: [number, number]; method: string } {
  const subjects = bySubject(groups);
  // Per subject: windows, reference right, candidate right.
  const parts = subjects.map((rows) => {
    const p = new Float64Array(3);
    for (const i of rows) {
      p[0]!++;
      if (reference[i] === truth[i]) p[1]!++;
      if (candidate[i] === truth[i]) p[2]!++;
    }
    return p;
  });
  const drop = (s: Float64Array): number => (s[0] ? (100 * (s[1]! - s[2]!)) / s[0] : NaN);
  const total = new Float64Array(3);
  for (const p of parts) p.forEach((v, j) => (total[j]! += v));
  if (subjects.length < 2) {
    // Newcombe's paired interval would need the windows independent too; say only the figure.
    return { dropPp: drop(total), ci: [NaN, NaN], method: 'one subject: no interval' };
  }
  const o = { ...DEFAULT_BOOTSTRAP, ...opts };
  const [ci] = subjectBootstrap(parts, (s) => [drop(s)], o);
  return { dropPp: drop(total), ci: ci!, method: bootstrapMethod(o, subjects.length) };
}

/** A cross-validated estimate of a candidate (see CvEstimate) from pooled held-out predictions. */
export function cvEstimate(
  scheme: { name: string; folds: number },
  truth: readonly number[],
  floatPredicted: readonly number[],
  predicted: readonly number[],
  groups: readonly string[],
  classes: number,
  opts: BootstrapOptions = {},
): CvEstimate {
  const float = estimate(truth, floatPredicted, groups, classes, opts);
  const own = estimate(truth, predicted, groups, classes, opts);
  const drop = pairedDrop(truth, floatPredicted, predicted, groups, opts);
  return {
    scheme: scheme.name,
    folds: scheme.folds,
    windows: truth.length,
    groups: own.subjects,
    accuracy: own.accuracy,
    macroF1: own.macroF1,
    floatAccuracy: float.accuracy,
    floatMacroF1: float.macroF1,
    dropPp: drop.dropPp,
    accuracyCi: own.accuracyCi,
    macroF1Ci: own.macroF1Ci,
    dropCi: drop.ci,
    method: own.method,
  };
}

const int = (n: number): string => n.toLocaleString('en-US');
const pct1 = (v: number): string => (100 * v).toFixed(1);

/** `87.2 % (95 % CI 84.9–89.3)` */
export function formatAccuracy(value: number, ci: readonly [number, number]): string {
  if (Number.isNaN(value)) return '–';
  return Number.isNaN(ci[0])
    ? `${pct1(value)} %`
    : `${pct1(value)} % (95 % CI ${pct1(ci[0])}–${pct1(ci[1])})`;
}

/** `0.872 (95 % CI 0.849–0.893)` */
export function formatF1(value: number, ci: readonly [number, number]): string {
  if (Number.isNaN(value)) return '–';
  return Number.isNaN(ci[0])
    ? value.toFixed(3)
    : `${value.toFixed(3)} (95 % CI ${ci[0].toFixed(3)}–${ci[1].toFixed(3)})`;
}

/** `1,362 windows of 38 subjects` */
export function formatSupport(e: { windows: number; subjects: number }): string {
  return `${int(e.windows)} windows of ${e.subjects} subject${e.subjects === 1 ? '' : 's'}`;
}

/** `87.2 % (95 % CI 84.9–89.3), macro-F1 0.872 (95 % CI 0.849–0.893), 1,362 windows of 38 subjects` */
export function formatEstimate(e: Estimate): string {
  return `${formatAccuracy(e.accuracy, e.accuracyCi)}, macro-F1 ${formatF1(e.macroF1, e.macroF1Ci)}, ${formatSupport(e)}`;
}
