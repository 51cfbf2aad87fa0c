/**
 * The breathing triage's own figures on held-out recordings, from the TS feature rows: respiratory-rate
 * error against the annotated breaths (all windows, trusted and rejected ones), how many windows the
 * estimator rejects, the breathing class the device gives each window (the uplink policy's class rule)
 * against the reference class, and the heart-rate error against the monitor's pulse rate where the
 * recording's numerics exist.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { MurmurError } from '@murmur/core';
import { breathClass, loadPpgNumerics, referenceBreathRate, resolveDataSource } from '@murmur/datasets';
import type { Recording } from '@murmur/datasets';
import type { AppFeatureTable } from '@murmur/dsp';
import type { ClassificationReport } from '@murmur/nn';
import type { TaskMetrics } from '@murmur/app';
import { compilePolicy, ruleClass, type CompiledClassRule } from '@murmur/policy';
import { bootstrapFigures, BOOTSTRAP, selectEstimator } from './estimator-selection';
import { featureGraph } from './features';
import { payloadSchema } from './payload';
import { uplinkPolicy } from './policy';

/** One window: its reference and estimated rates, and the device's class (null: rejected). */
export interface TriageWindow {
  recording: string;
  start: number;
  referenceRate: number;
  rate: number;
  quality: number;
  heartRate: number;
  /** Class index the device gives the window, or null when the estimator rejects it. */
  deviceClass: number | null;
  /** The class index the rate gives without the quality gate (null for a rate that is not finite). */
  rateClass: number | null;
  truth: number;
}

function featureIndex(table: AppFeatureTable, name: string): number {
  const i = table.features.findIndex((f) => f.name === name);
  if (i < 0) throw new MurmurError(`the feature table has no '${name}'`, { field: 'features' });
  return i;
}

/** The uplink policy's class rule, resolved against the table's feature vector. */
function classRule(table: AppFeatureTable, classes: readonly string[]): CompiledClassRule {
  const policy = compilePolicy(uplinkPolicy, {
    payload: payloadSchema,
    classes,
    featureNames: table.features.map((f) => f.name),
    hopSamples: featureGraph.hop,
    rateHz: featureGraph.rateHz,
  });
  return policy.classRule!;
}

/** Every window of the table that has a reference rate (annotated breaths), with the device's class. */
export function triageWindows(
  recordings: readonly Recording[],
  table: AppFeatureTable,
  classes: readonly string[],
): TriageWindow[] {
  const rule = classRule(table, classes);
  const ungated: CompiledClassRule = { ...rule, quality: undefined };
  const at = {
    rate: featureIndex(table, 'rr_rate'),
    quality: featureIndex(table, 'rr_quality'),
    heart: featureIndex(table, 'hr_rate'),
  };
  const byId = new Map(recordings.map((r) => [r.id, r]));
  const out: TriageWindow[] = [];
  for (const row of table.rows) {
    const rec = byId.get(row.recording);
    if (!rec) continue;
    const startS = row.start / rec.rateHz;
    const referenceRate = referenceBreathRate(rec, startS, startS + featureGraph.window / rec.rateHz);
    if (referenceRate === null) continue;
    out.push({
      recording: row.recording,
      start: row.start,
      referenceRate,
      rate: row.features[at.rate]!,
      quality: row.features[at.quality]!,
      heartRate: row.features[at.heart]!,
      deviceClass: ruleClass(rule, row.features),
      rateClass: ruleClass(ungated, row.features),
      truth: classes.indexOf(breathClass(referenceRate)),
    });
  }
  return out;
}

const mean = (xs: readonly number[]): number | null =>
  xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : null;

/** Accuracy, macro-F1, recall per class name and confusion (rows: truth, columns: prediction). */
function named(r: ClassificationReport, classes: readonly string[]): Record<string, unknown> {
  return {
    windows: r.samples,
    accuracy: r.accuracy,
    macroF1: r.macroF1,
    recall: Object.fromEntries(classes.map((c, i) => [c, Number.isNaN(r.recall[i]!) ? null : r.recall[i]!])),
    confusion: r.confusion,
  };
}

/** Mean absolute heart-rate error against the monitor's median pulse rate over each window. */
async function heartRateError(
  windows: readonly TriageWindow[],
  rateHz: number,
  dataDir: string = resolveDataSource('ppg-triage').dataDir,
): Promise<{ windows: number; recordings: number; mae: number | null }> {
  let sum = 0;
  let n = 0;
  const used = new Set<string>();
  for (const id of new Set(windows.map((w) => w.recording))) {
    if (!existsSync(join(dataDir, 'ppg-triage', 'numerics', `${id}_numerics.csv.gz`))) continue;
    const num = await loadPpgNumerics(id, dataDir);
    for (const w of windows.filter((x) => x.recording === id)) {
      const t0 = w.start / rateHz;
      const pulse = Array.from(num.pulse_bpm)
        .filter((v, i) => num.tS[i]! >= t0 && num.tS[i]! < t0 + featureGraph.window / rateHz && v > 0)
        .sort((a, b) => a - b);
      if (!pulse.length || !Number.isFinite(w.heartRate)) continue;
      sum += Math.abs(w.heartRate - pulse[pulse.length >> 1]!);
      n++;
      used.add(id);
    }
  }
  return { windows: n, recordings: used.size, mae: n ? sum / n : null };
}

/**
 * The figures `murmur eval` prints under `task`: respiratory-rate MAE (all, trusted and rejected windows),
 * rejected windows (count, share, by reference class), the device's breathing class on the trusted windows
 * (rejected windows are sent as no class), the same rule applied to every window for comparison, the
 * heart-rate MAE, 95 % recording-level bootstrap intervals of these figures (`interval95`), and the
 * nested leave-one-recording-out cross-validation of the estimator's choices (`nestedCv`).
 */
export async function triageMetrics(input: {
  dataDir?: string;
  recordings: readonly Recording[];
  table: AppFeatureTable;
  classes: readonly string[];
}): Promise<TaskMetrics> {
  const { classificationReport } = await import('@murmur/nn');
  const { classes } = input;
  const windows = triageWindows(input.recordings, input.table, classes);
  const trusted = windows.filter((w) => w.deviceClass !== null);
  const rejected = windows.filter((w) => w.deviceClass === null);
  const err = (ws: readonly TriageWindow[]): number | null =>
    mean(ws.filter((w) => Number.isFinite(w.rate)).map((w) => Math.abs(w.rate - w.referenceRate)));
  const rated = windows.filter((w) => w.rateClass !== null);
  const rateHz = input.recordings[0]?.rateHz ?? featureGraph.rateHz;
  return {
    windows: windows.length,
    recordings: new Set(windows.map((w) => w.recording)).size,
    rrMae: { all: err(windows), trusted: err(trusted), rejected: err(rejected) },
    rejected: {
      windows: rejected.length,
      share: windows.length ? rejected.length / windows.length : null,
      byReferenceClass: Object.fromEntries(
        classes.map((c, i) => [c, rejected.filter((w) => w.truth === i).length]),
      ),
    },
    breathing: named(
      classificationReport(
        trusted.map((w) => w.truth),
        trusted.map((w) => w.deviceClass!),
        classes.length,
      ),
      classes,
    ),
    breathingWithoutQualityGate: named(
      classificationReport(
        rated.map((w) => w.truth),
        rated.map((w) => w.rateClass!),
        classes.length,
      ),
      classes,
    ),
    hrMae: await heartRateError(windows, rateHz, input.dataDir),
    // Recording-level bootstrap of the figures above (the estimator's choices are fixed here).
    interval95: {
      ...bootstrapFigures(
        windows.map((w) => ({
          recording: w.recording,
          reference: w.referenceRate,
          rate: w.rate,
          trusted: w.deviceClass !== null,
        })),
      ),
      method: `recording-level bootstrap, ${BOOTSTRAP.resamples} resamples, seed '${BOOTSTRAP.seed}'`,
    },
    // The estimator's choices made by nested leave-one-recording-out cross-validation (./estimator-selection).
    nestedCv: nestedCv(input.recordings),
  };
}

/** The nested cross-validation of the estimator's choices, without the per-estimator grid. */
function nestedCv(recordings: readonly Recording[]): Record<string, unknown> {
  const { grid: _grid, folds, ...rest } = selectEstimator(recordings);
  const choices = new Map<string, number>();
  for (const f of folds) {
    const key = JSON.stringify({ ...f.estimator, threshold: f.threshold });
    choices.set(key, (choices.get(key) ?? 0) + 1);
  }
  return {
    ...rest,
    foldChoices: [...choices].map(([choice, folds]) => ({ ...JSON.parse(choice), folds })),
  };
}
