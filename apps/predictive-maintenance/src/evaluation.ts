/**
 * How the bearing monitor is judged on data it never saw.
 *
 * Cross-validation schemes (by recording, never by window):
 * - `loads`: leave one operating condition out — one fold per subject, which for CWRU is the motor
 *   load (`cwru_<n>hp`). The CWRU healthy recording exists at 0 HP only, so the folds of the other
 *   loads hold out fault windows only.
 * - `faultSizes`: leave one fault diameter out — the held-out rows are the fault windows of that
 *   diameter (recording ids end in `_007`, `_014`, `_021`: thousandths of an inch); healthy rows have
 *   no diameter and stay in training in every fold.
 *
 * Anomaly score (`anomalyMetrics`): the device learns its baseline on site, so the evaluation does the
 * same per subject (machine / load): the baseline is commissioned, through the policy's own reference
 * code, on the first half of that subject's healthy windows in time order; the other half and the
 * subject's fault windows are then scored, giving a ROC-AUC. The device commissions on
 * `commissioningWindows` windows (1,000, about 3 minutes); the CWRU data hold 22 healthy windows, so
 * the evaluation commissions on fewer, and says how many.
 */
import { MurmurError } from '@murmur/core';
import type { FeatureRow } from '@murmur/dsp';
import { rocAuc } from '@murmur/nn';
import type { Fold, RowKey, TaskMetrics, TaskMetricsInput } from '@murmur/app';
import { compilePolicy, PolicyRunner } from '@murmur/policy';
import { baselineFalseAlarms } from './baseline-false-alarms';
import { featureGraph } from './features';
import { payloadSchema } from './payload';
import { uplinkPolicy } from './policy';
import { vibrationSensorLimits } from './sensor';

const HEALTHY = 'normal';

/** Fault diameter of a recording in thousandths of an inch (`cwru_de12k_0hp_ball_007` → `007`). */
export function faultSizeOf(recording: string): string | undefined {
  return /_(\d{3})$/.exec(recording)?.[1];
}

/** One fold per subject (motor load): trains on the other loads, tests on this one. */
export function loadFolds(rows: readonly RowKey[]): Fold[] {
  const loads = [...new Set(rows.map((r) => r.group))].sort();
  if (loads.length < 2)
    throw new MurmurError(`leave-one-load-out needs at least 2 loads, found ${loads.join(', ') || 'none'}`, {
      field: 'subject',
    });
  return loads.map((load) => ({ name: load, test: (r) => r.group === load }));
}

/** One fold per fault diameter: tests on its fault windows; healthy windows always stay in training. */
export function faultSizeFolds(rows: readonly RowKey[]): Fold[] {
  const sizes = [...new Set(rows.map((r) => faultSizeOf(r.recording)).filter((s) => s !== undefined))].sort();
  if (sizes.length < 2)
    throw new MurmurError(
      `leave-one-fault-size-out needs recordings of at least 2 fault diameters (ids ending in _007, _014, ...), found ${sizes.join(', ') || 'none'}`,
      { field: 'recording' },
    );
  return sizes.map((size) => ({
    name: `0.${size} in`,
    test: (r) => faultSizeOf(r.recording) === size,
  }));
}

/** Fewest healthy windows of a subject for an anomaly evaluation (half commission, half are scored). */
export const MIN_HEALTHY_WINDOWS = 6;

interface SubjectAnomaly {
  subject: string;
  commissioningWindows: number;
  healthyScored: number;
  faultScored: number;
  /** Held-out healthy windows vs the fault windows of every subject (other loads included). */
  rocAuc: number;
  /** Held-out healthy windows vs this subject's own fault windows (NaN when it has none). */
  rocAucSameSubject: number;
  /** Fractions of windows above the policy's alert threshold. */
  healthyAboveThreshold: number;
  faultAboveThreshold: number;
}

/**
 * ROC-AUC of the on-site anomaly score (see the module comment). Subjects with fewer than
 * MIN_HEALTHY_WINDOWS healthy windows are listed as skipped. `anomalyRocAuc` pools, over the
 * evaluated subjects, their held-out healthy windows against every fault window of the data scored
 * with that subject's baseline; `anomalyRocAucSameSubject` only against the subject's own fault
 * windows (the CWRU healthy data exist at 0 HP only, so faults at other loads differ from it by the
 * load as well). Both are NaN when nothing can be evaluated.
 */
export function anomalyMetrics({ table, classes, recordings }: TaskMetricsInput): TaskMetrics {
  const baseline = uplinkPolicy.baseline!;
  const threshold = uplinkPolicy.alert?.anomalyAbove ?? Infinity;
  const featureNames = table.features.map((f) => f.name);
  const byTime = (a: FeatureRow, b: FeatureRow): number =>
    a.recording < b.recording ? -1 : a.recording > b.recording ? 1 : a.window - b.window;
  const labelled = table.rows.filter((r) => r.label !== undefined);
  const faults = labelled.filter((r) => r.label !== HEALTHY);
  const subjects = [...new Set(labelled.map((r) => r.subject))].sort();
  const evaluated: SubjectAnomaly[] = [];
  const skipped: string[] = [];
  const pooled = {
    all: [] as number[],
    allFaulty: [] as boolean[],
    own: [] as number[],
    ownFaulty: [] as boolean[],
  };
  for (const subject of subjects) {
    const healthy = labelled.filter((r) => r.subject === subject && r.label === HEALTHY).sort(byTime);
    if (healthy.length < MIN_HEALTHY_WINDOWS) {
      skipped.push(`${subject}: ${healthy.length} healthy windows`);
      continue;
    }
    const commissioning = Math.min(baseline.commissioningWindows, Math.floor(healthy.length / 2));
    const policy = compilePolicy(
      { ...uplinkPolicy, baseline: { ...baseline, commissioningWindows: commissioning } },
      {
        payload: payloadSchema,
        classes,
        featureNames,
        hopSamples: featureGraph.hop,
        rateHz: featureGraph.rateHz,
      },
    );
    const runner = new PolicyRunner(policy);
    const score = (r: FeatureRow): number =>
      runner.push({ classIndex: 0, confidence: 1, features: r.features }).anomaly;
    healthy.slice(0, commissioning).forEach(score);
    const healthyScores = healthy.slice(commissioning).map(score);
    const own = faults.filter((r) => r.subject === subject).map(score);
    const all = faults.map(score);
    const above = (s: number[]): number => s.filter((v) => v > threshold).length / Math.max(1, s.length);
    const auc = (f: number[]): number =>
      rocAuc([...healthyScores, ...f], [...healthyScores.map(() => false), ...f.map(() => true)]);
    evaluated.push({
      subject,
      commissioningWindows: commissioning,
      healthyScored: healthyScores.length,
      faultScored: own.length,
      rocAuc: auc(all),
      rocAucSameSubject: auc(own),
      healthyAboveThreshold: above(healthyScores),
      faultAboveThreshold: above(own),
    });
    pooled.all.push(...healthyScores, ...all);
    pooled.allFaulty.push(...healthyScores.map(() => false), ...all.map(() => true));
    pooled.own.push(...healthyScores, ...own);
    pooled.ownFaulty.push(...healthyScores.map(() => false), ...own.map(() => true));
  }
  // The baseline on machines the classifier never saw: subjects with healthy recordings only (IMS).
  const falseAlarms = baselineFalseAlarms(recordings, classes, vibrationSensorLimits);
  return {
    anomalyRocAuc: rocAuc(pooled.all, pooled.allFaulty),
    anomalyRocAucSameSubject: rocAuc(pooled.own, pooled.ownFaulty),
    anomaly: {
      method:
        'per subject: baseline commissioned on the first half of its healthy windows (time order), ' +
        `the rest and its fault windows scored; the device commissions on ${baseline.commissioningWindows} windows`,
      threshold,
      subjects: evaluated,
      skipped,
      recordingsNotAnalysed: table.skipped.length,
    },
    ...(falseAlarms ? { baselineFalseAlarms: falseAlarms as unknown as Record<string, unknown> } : {}),
  };
}
