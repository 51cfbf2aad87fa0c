import { hashString } from '@murmur/core';
import { MurmurError } from '@murmur/core';

/**
 * Subject-wise splits: every window of a subject (person, machine, patient) lands in the same part,
 * so a model is always tested on subjects it never saw. Parts are chosen by hashing the subject id,
 * which keeps each subject's part unchanged when other subjects are added or removed.
 */
export interface SubjectSplit {
  train: string[];
  validation: string[];
  test: string[];
}

export interface SplitOptions {
  seed: number | string;
  /** Expected fraction of subjects in validation, 0..1. */
  validation: number;
  /** Expected fraction of subjects in test, 0..1. */
  test: number;
}

/** A uniform number in [0, 1) from the subject id and seed (FNV-1a, then the murmur3 finaliser). */
export function subjectHash(subject: string, seed: number | string): number {
  let h = hashString(`${seed}\u0000${subject}`);
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return ((h ^ (h >>> 16)) >>> 0) / 4294967296;
}

const unique = (subjects: Iterable<string>): string[] => [...new Set(subjects)].sort();

/**
 * Assigns each distinct subject to train, validation or test by its hash: test when h < test,
 * validation when h < test + validation, train otherwise. Fractions are expectations, so with few
 * subjects a part can come out empty; check the result when that matters.
 */
export function splitBySubject(subjects: Iterable<string>, opts: SplitOptions): SubjectSplit {
  const { validation, test } = opts;
  if (!(validation >= 0 && test >= 0 && validation + test <= 1)) {
    throw new MurmurError(
      `split fractions must be >= 0 and sum to at most 1 (validation ${validation}, test ${test})`,
    );
  }
  const out: SubjectSplit = { train: [], validation: [], test: [] };
  for (const s of unique(subjects)) {
    const h = subjectHash(s, opts.seed);
    if (h < test) out.test.push(s);
    else if (h < test + validation) out.validation.push(s);
    else out.train.push(s);
  }
  return out;
}

/** One fold of a subject-wise cross-validation. */
export interface SubjectFold {
  train: string[];
  test: string[];
}

/**
 * k folds over the distinct subjects: subjects are ordered by hash and dealt round-robin, so fold
 * sizes differ by at most one and every subject is tested exactly once.
 */
export function subjectKFold(subjects: Iterable<string>, k: number, seed: number | string): SubjectFold[] {
  const all = unique(subjects);
  if (!Number.isInteger(k) || k < 2 || k > all.length) {
    throw new MurmurError(
      `k-fold needs an integer k between 2 and the number of subjects (${all.length}), got ${k}`,
    );
  }
  const order = all
    .map((s) => ({ s, h: subjectHash(s, seed) }))
    .sort((a, b) => a.h - b.h || (a.s < b.s ? -1 : 1))
    .map((x) => x.s);
  const folds = Array.from({ length: k }, () => new Set<string>());
  order.forEach((s, i) => folds[i % k]!.add(s));
  return folds.map((fold) => ({
    test: all.filter((s) => fold.has(s)),
    train: all.filter((s) => !fold.has(s)),
  }));
}

/** Sorts items (recordings, windows) into the parts of a split by their `subject`. */
export function partitionBySubject<T extends { subject: string }>(
  items: readonly T[],
  split: SubjectSplit,
): { train: T[]; validation: T[]; test: T[] } {
  const part = new Map<string, keyof SubjectSplit>();
  for (const key of ['train', 'validation', 'test'] as const) for (const s of split[key]) part.set(s, key);
  const out = { train: [] as T[], validation: [] as T[], test: [] as T[] };
  for (const item of items) {
    const key = part.get(item.subject);
    if (key) out[key].push(item);
  }
  return out;
}
