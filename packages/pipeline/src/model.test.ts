import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MurmurApp } from '@murmur/app';
import { getBoard } from '@murmur/boards';
import { appModelSpec } from '@murmur/app';
import { selectGroups, trainAppModel, type AppRows } from '@murmur/compress';
import { createRng } from '@murmur/core';
import { evaluateClassifier } from '@murmur/nn';
import { compressForBoard, selectionFolds, type TrainedModel } from './model';

const blobsApp = (maxDropPp: number, crossValidation?: MurmurApp['crossValidation']): MurmurApp =>
  ({
    id: 'blobs',
    classes: ['a', 'b', 'c'],
    features: { dataset: 'none', graphFor: () => ({ skip: 'unused' }) },
    model: { hidden: [8], epochs: 15, patience: 0 },
    compression: { maxDropPp },
    crossValidation,
  }) as unknown as MurmurApp;

/** Three separable classes in 6 features; `subjects` subjects of 40 rows. */
function blobs(subjects: number): AppRows {
  const rng = createRng(7);
  const rows: AppRows = {
    x: [],
    y: [],
    groups: [],
    recordings: [],
    classes: ['a', 'b', 'c'],
    featureNames: [],
  };
  for (let i = 0; i < subjects * 40; i++) {
    const c = i % 3;
    const s = Math.floor(i / 40);
    rows.x.push(Float32Array.from({ length: 6 }, (_, f) => (f % 3 === c ? 2 : 0) + rng.normal() * 0.6));
    rows.y.push(c);
    rows.groups.push(`s${s}`);
    rows.recordings.push(`s${s}_r${i % 2}`);
  }
  rows.featureNames = ['f0', 'f1', 'f2', 'f3', 'f4', 'f5'];
  return rows;
}

describe('the folds a build chooses with', () => {
  it("are the app's first scheme on the training subjects, fewer on few subjects, and say so", () => {
    const few = selectionFolds(blobsApp(1, { subjects: 5, 'subjects-10': 10 }), blobs(7));
    expect(few.scheme).toBe('subjects');
    expect(few.folds).toHaveLength(3);
    expect(few.note).toBe('3 folds instead of 5: only 7 training subjects');
    const many = selectionFolds(blobsApp(1, { subjects: 5 }), blobs(20));
    expect(many.folds).toHaveLength(5);
    expect(many.note).toBeUndefined();
    const byRecording = selectionFolds(
      blobsApp(1, {
        recordings: () =>
          [0, 1].map((r) => ({
            name: `r${r}`,
            test: (k: { recording: string }) => k.recording.endsWith(`_r${r}`),
          })),
      }),
      blobs(7),
    );
    expect(byRecording.folds.map((f) => f.name)).toEqual(['r0', 'r1']);
    expect(selectionFolds(blobsApp(1), blobs(20)).folds).toHaveLength(5);
  });
});

describe('a build chooses its recipe by cross-validation on the training subjects', () => {
  const dir = mkdtempSync(join(tmpdir(), 'murmur-select-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  let trained: TrainedModel;
  const rows = blobs(12);
  const board = getBoard('native');
  const recipes = ['int8', 'structured50', 'structured50+prune50+cluster8'];

  beforeAll(async () => {
    const app = blobsApp(1);
    const t = await trainAppModel(appModelSpec(app), rows, { quiet: true });
    trained = {
      model: t.model,
      rows,
      train: t.train,
      validation: t.validation,
      validationSubjects: [...new Set(t.validation.groups)],
      report: evaluateClassifier(t.model, t.validation.x, t.validation.y, 3),
      trained: true,
    };
    expect(selectGroups(rows, trained.validationSubjects).x.length).toBe(t.validation.x.length);
  }, 120_000);

  const run = (maxDropPp: number, name: string) =>
    compressForBoard(
      blobsApp(maxDropPp),
      trained,
      board,
      { flash: 0, ram: 0 },
      {
        quiet: true,
        recipes,
        cacheDir: join(dir, 'recipes'),
        cvCacheDir: join(dir, `cv-${name}`),
      },
    );

  it('from the smallest recipe up, and stops at the first within the tolerance', async () => {
    const out = await run(50, 'loose');
    expect(out.selection.evaluated).toEqual(['structured50+prune50+cluster8']);
    expect(out.choice.chosen.recipe).toBe('structured50+prune50+cluster8');
    expect(out.choice.withinTolerance).toBe(true);
    expect(out.choice.chosen.cv).toMatchObject({ scheme: 'subjects', folds: 3, groups: 9 });
    expect(out.selection).toMatchObject({
      scheme: 'subjects',
      folds: 3,
      note: '3 folds instead of 5: only 9 training subjects',
      subjects: 9,
    });
    expect(out.selection.windows).toBe(trained.train.x.length);
    // The others were applied to the float model (bytes, validation accuracy) but not cross-validated.
    expect(out.results.filter((r) => r.cv).map((r) => r.recipe)).toEqual(['structured50+prune50+cluster8']);
    expect(out.results.every((r) => Number.isFinite(r.accuracy))).toBe(true);
  }, 240_000);

  it('cross-validates every fitting recipe when none is within the tolerance, and takes the least drop', async () => {
    const out = await run(-100, 'strict');
    expect(out.selection.evaluated).toEqual(['structured50+prune50+cluster8', 'structured50', 'int8']);
    expect(out.choice.withinTolerance).toBe(false);
    const least = Math.min(...out.results.map((r) => r.cv!.dropPp));
    expect(out.choice.chosen.cv!.dropPp).toBe(least);
    // The fold models of the first run were kept: the same folds, so the float models are read back.
    expect(out.selection.cache.read).toBeGreaterThan(0);
  }, 240_000);
});
