import { describe, expect, it } from 'vitest';
import { partitionBySubject, splitBySubject, subjectKFold } from './split';

const subjects = Array.from({ length: 60 }, (_, i) => String(1600 + i));

describe('splitBySubject', () => {
  it('puts every subject in exactly one part, deterministically', () => {
    const a = splitBySubject(subjects, { seed: 7, validation: 0.2, test: 0.2 });
    const b = splitBySubject([...subjects].reverse(), { seed: 7, validation: 0.2, test: 0.2 });
    expect(a).toEqual(b);
    const all = [...a.train, ...a.validation, ...a.test];
    expect(all.sort()).toEqual([...subjects].sort());
    expect(new Set(all).size).toBe(subjects.length);
    expect(a.test.length).toBeGreaterThan(4);
    expect(a.validation.length).toBeGreaterThan(4);
    expect(a.train.length).toBeGreaterThan(24);
    expect(splitBySubject(subjects, { seed: 8, validation: 0.2, test: 0.2 })).not.toEqual(a);
  });

  it('keeps existing subjects where they were when subjects are added', () => {
    const before = splitBySubject(subjects.slice(0, 30), { seed: 'x', validation: 0.25, test: 0.25 });
    const after = splitBySubject(subjects, { seed: 'x', validation: 0.25, test: 0.25 });
    for (const key of ['train', 'validation', 'test'] as const) {
      for (const s of before[key]) expect(after[key]).toContain(s);
    }
  });

  it('rejects impossible fractions', () => {
    expect(() => splitBySubject(subjects, { seed: 1, validation: 0.7, test: 0.5 })).toThrow(
      /sum to at most 1/,
    );
  });

  it('partitions items by their subject', () => {
    const split = splitBySubject(subjects, { seed: 3, validation: 0.2, test: 0.2 });
    const items = subjects.flatMap((subject) => [0, 1, 2].map((k) => ({ subject, k })));
    const parts = partitionBySubject(items, split);
    expect(parts.train.length + parts.validation.length + parts.test.length).toBe(items.length);
    const inTest = new Set(parts.test.map((x) => x.subject));
    expect(parts.train.some((x) => inTest.has(x.subject))).toBe(false);
    expect(parts.validation.some((x) => inTest.has(x.subject))).toBe(false);
  });
});

describe('subjectKFold', () => {
  it('tests each subject exactly once and never trains on a test subject', () => {
    const folds = subjectKFold(subjects, 5, 42);
    expect(folds).toHaveLength(5);
    expect(folds.flatMap((f) => f.test).sort()).toEqual([...subjects].sort());
    for (const f of folds) {
      expect(f.test).toHaveLength(12);
      expect(f.train.filter((s) => f.test.includes(s))).toEqual([]);
      expect(f.train.length + f.test.length).toBe(60);
    }
    expect(subjectKFold([...subjects].reverse(), 5, 42)).toEqual(folds);
    expect(() => subjectKFold(['a', 'b'], 3, 1)).toThrow(/k-fold/);
  });
});
