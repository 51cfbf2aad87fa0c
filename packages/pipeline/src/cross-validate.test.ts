import { describe, expect, it } from 'vitest';
import { createRng } from '@murmur/core';
import type { AppRows } from '@murmur/compress';
import type { MurmurApp } from '@murmur/app';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { selectGroups } from '@murmur/compress';
import {
  crossValidate,
  crossValidateRecipes,
  groupFolds,
  recipeByName,
  recipeEstimate,
} from './cross-validate';

const app = {
  id: 'blobs',
  classes: ['a', 'b', 'c'],
  features: { dataset: 'none', graphFor: () => ({ skip: 'unused' }) },
  model: { hidden: [8], epochs: 15, patience: 0 },
  compression: { maxDropPp: 1 },
} as unknown as MurmurApp;

/** Three separable classes in 6 features; 8 subjects, 2 recordings each. */
function blobs(): AppRows {
  const rng = createRng(7);
  const rows: AppRows = {
    x: [],
    y: [],
    groups: [],
    recordings: [],
    classes: ['a', 'b', 'c'],
    featureNames: [],
  };
  for (let i = 0; i < 480; i++) {
    const c = i % 3;
    const s = Math.floor(i / 60);
    rows.x.push(Float32Array.from({ length: 6 }, (_, f) => (f % 3 === c ? 2 : 0) + rng.normal() * 0.5));
    rows.y.push(c);
    rows.groups.push(`s${s}`);
    rows.recordings.push(`s${s}_r${i % 2}`);
  }
  rows.featureNames = ['f0', 'f1', 'f2', 'f3', 'f4', 'f5'];
  return rows;
}

describe('cross-validation', () => {
  it('predicts every row once, from a model that never saw its subject', async () => {
    const rows = blobs();
    const cv = await crossValidate(app, { rows, folds: 4, quiet: true });
    expect(cv.predictions.map((p) => p.row).sort((a, b) => a - b)).toEqual(rows.x.map((_, i) => i));
    for (const f of cv.folds) {
      expect(f.trainRows + f.testRows).toBe(rows.x.length);
      expect(f.testGroups.length).toBe(2);
    }
    expect(cv.float.samples).toBe(rows.x.length);
    expect(cv.float.accuracy).toBeGreaterThan(0.95);
    expect(Math.abs(cv.compressed.accuracy - cv.float.accuracy)).toBeLessThan(0.03);
    // Intervals by subject: 8 subjects, every row once.
    expect(cv.estimates.float).toMatchObject({ windows: 480, subjects: 8, accuracy: cv.float.accuracy });
    expect(cv.estimates.cv.dropPp).toBeCloseTo(100 * (cv.float.accuracy - cv.compressed.accuracy), 10);
    expect(cv.estimates.cv.dropCi[0]).toBeLessThanOrEqual(cv.estimates.cv.dropPp);
  }, 120_000);
  it('cross-validates several recipes on the same fold models and reads them back from the cache', async () => {
    const rows = blobs();
    const cacheDir = mkdtempSync(join(tmpdir(), 'murmur-cv-'));
    try {
      const folds = groupFolds(rows.groups, 4);
      const recipes = ['int8', 'mixed-int4/int8', 'structured50+prune50+cluster8'].map(recipeByName);
      const first = await crossValidateRecipes(app, {
        rows,
        folds,
        scheme: 'subjects',
        recipes,
        cacheDir,
        quiet: true,
      });
      expect(first.cache).toEqual({ read: 0, made: 4 * (1 + recipes.length) });
      expect(Object.keys(first.recipes)).toEqual(recipes.map((r) => r.name));
      const again = await crossValidateRecipes(app, {
        rows,
        folds,
        scheme: 'subjects',
        recipes,
        cacheDir,
        quiet: true,
      });
      expect(again.cache).toEqual({ read: 4 * (1 + recipes.length), made: 0 });
      expect(again.recipes).toEqual(first.recipes);
      expect(again.float).toEqual(first.float);
      const e = recipeEstimate(again, 'structured50+prune50+cluster8');
      expect(e).toMatchObject({ scheme: 'subjects', folds: 4, windows: 480, groups: 8 });
      // Other rows (one subject fewer) are other fold models, but for a fold that trains on exactly the
      // same rows as one before (here two folds: the old folds that held out s7 and one more subject).
      const fewer = selectGroups(rows, ['s0', 's1', 's2', 's3', 's4', 's5', 's6']);
      const other = await crossValidateRecipes(app, {
        rows: fewer,
        folds: groupFolds(fewer.groups, 4),
        scheme: 'subjects',
        recipes: recipes.slice(0, 1),
        cacheDir,
        quiet: true,
      });
      const training = (all: string[], held: string[]): string =>
        all.filter((g) => !held.includes(g)).join(' ');
      const before = new Set(first.folds.map((f) => training([...new Set(rows.groups)], f.testGroups)));
      const same = other.folds.filter((f) => before.has(training([...new Set(fewer.groups)], f.testGroups)));
      expect(other.cache).toEqual({ read: 2 * same.length, made: 2 * (4 - same.length) });
    } finally {
      rmSync(cacheDir, { recursive: true, force: true });
    }
  }, 240_000);
  it('takes explicit folds, e.g. by recording', async () => {
    const folds = [0, 1].map((r) => ({
      name: `r${r}`,
      test: (k: { recording: string }) => k.recording.endsWith(`_r${r}`),
    }));
    const cv = await crossValidate(app, { rows: blobs(), folds, quiet: true });
    expect(cv.folds.map((f) => [f.name, f.testRows])).toEqual([
      ['r0', 240],
      ['r1', 240],
    ]);
  }, 120_000);
  it('refuses folds that hold out nothing, overlap, or an unknown recipe', async () => {
    const rows = blobs();
    await expect(
      crossValidate(app, { rows, folds: [{ name: 'none', test: () => false }], quiet: true }),
    ).rejects.toThrow(/fold 'none' holds out 0 of 480 rows/);
    const twice = [0, 1].map((n) => ({ name: `f${n}`, test: (k: { group: string }) => k.group === 's0' }));
    await expect(crossValidate(app, { rows, folds: twice, quiet: true })).rejects.toThrow(
      /held out by two folds/,
    );
    await expect(crossValidate(app, { rows, recipe: 'nope' })).rejects.toThrow(/unknown recipe 'nope'/);
  }, 120_000);
});
