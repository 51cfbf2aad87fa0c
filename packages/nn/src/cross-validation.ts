/**
 * Cross-validation by group (subject, recording), never by window: the folds, and the estimate a choice
 * made by cross-validation rests on. Every package that cross-validates deals its folds here, so the same
 * seed gives the same folds everywhere.
 */
import { createRng, MurmurError, UsageError } from '@murmur/core';

/** A fold: its name and the rows it holds out (every row carries its group). */
export interface GroupFold {
  name: string;
  test(row: { group: string }): boolean;
}

/**
 * `k` folds of whole groups: the groups sorted, shuffled with `createRng(seed).fork('cross-validation')` and
 * dealt round-robin (sizes differ by at most one); `k` at least the number of groups gives
 * leave-one-group-out.
 */
export function groupFolds(groups: readonly string[], k: number, seed = 1): GroupFold[] {
  const unique = [...new Set(groups)].sort();
  if (!Number.isInteger(k) || k < 2) throw new UsageError(`folds must be an integer ≥ 2, got ${k}`);
  if (unique.length < 2)
    throw new MurmurError(`cross-validation needs at least 2 groups, found ${unique.length}`);
  const n = Math.min(k, unique.length);
  createRng(seed).fork('cross-validation').shuffle(unique);
  return Array.from({ length: n }, (_, f) => {
    const held = new Set(unique.filter((_, i) => i % n === f));
    const names = [...held].sort();
    return {
      name: n === unique.length ? names[0]! : `fold ${f + 1}/${n}: ${names.join(' ')}`,
      test: (row: { group: string }) => held.has(row.group),
    };
  });
}

/**
 * A cross-validated estimate of a candidate model: pooled over the held-out predictions of every fold
 * (folds by subject or recording), with 95 % intervals; `dropPp` is the float model's accuracy minus the
 * candidate's on the same rows, each fold's candidate made from that fold's float model.
 */
export interface CvEstimate {
  /** Scheme name and number of folds, e.g. `subjects` and 5. */
  scheme: string;
  folds: number;
  /** Held-out windows and the groups (subjects, recordings) they come from. */
  windows: number;
  groups: number;
  accuracy: number;
  macroF1: number;
  floatAccuracy: number;
  floatMacroF1: number;
  /** 100 · (float accuracy − accuracy), percentage points (negative: better than float). */
  dropPp: number;
  /** 95 % intervals: of the accuracy, macro-F1 and drop (pp), by `method`. */
  accuracyCi: [number, number];
  macroF1Ci: [number, number];
  dropCi: [number, number];
  /** How the intervals were computed, e.g. `subject bootstrap, 2000 resamples, seed 1`. */
  method: string;
}
