import { describe, expect, it } from 'vitest';
import { appModelSpec, appRows } from '@murmur/app';
import {
  crossValidate,
  crossValidateRecipes,
  defaultCvCacheDir,
  groupFolds,
  recipeByName,
  schemeResult,
} from '@murmur/pipeline';
import { app } from './index';
import { testData } from '@murmur/datasets/testing';

const data = testData('wearable-activity', { full: true });

describe.skipIf(data.skip)(
  data.title('accuracy on subjects the model never saw (5-fold subject-wise CV)'),
  () => {
    it('reaches the 87 % / macro-F1 0.87 target (measured 87.2 % / 0.872, int8 87.4 % / 0.874); int8 within 1 pp of float', async () => {
      const cv = await crossValidate(app, {
        folds: app.crossValidation!['subjects'] as number,
        cacheDir: defaultCvCacheDir(app.id),
        quiet: true,
      });
      expect(cv.folds).toHaveLength(5);
      expect(cv.float.accuracy).toBeGreaterThanOrEqual(0.87);
      expect(cv.float.macroF1).toBeGreaterThanOrEqual(0.87);
      expect(cv.compressed.accuracy).toBeGreaterThanOrEqual(0.87);
      expect(cv.compressed.macroF1).toBeGreaterThanOrEqual(0.87);
      expect(Math.abs(cv.compressed.accuracy - cv.float.accuracy)).toBeLessThanOrEqual(0.01);
      // Every class is recognised in most of its windows (worst today: sitting 0.78, standing 0.84).
      cv.float.recall.forEach((r) => expect(r).toBeGreaterThanOrEqual(0.7));
      // The interval is by subject: 1362 windows of 38 subjects.
      expect(cv.estimates.float).toMatchObject({ windows: 1362, subjects: 38 });
      expect(cv.estimates.float.accuracyCi[0]).toBeLessThan(cv.float.accuracy);
    }, 300_000);

    it('a recipe ≥ 10× smaller than float stays within 2 pp of it, and int8 is ≥ 3.7× smaller', async () => {
      const rows = await appRows(app);
      const run = await crossValidateRecipes(app, {
        rows,
        folds: groupFolds(rows.groups, 5, appModelSpec(app).settings.seed),
        scheme: 'subjects',
        recipes: ['int8', 'structured50+prune50+cluster8'].map(recipeByName),
        cacheDir: defaultCvCacheDir(app.id),
        quiet: true,
      });
      const s = schemeResult(app, run);
      const int8 = s.recipes.find((r) => r.recipe === 'int8')!;
      expect(int8.ratio).toBeGreaterThanOrEqual(3.7);
      const tenfold = s.recipes.find((r) => r.recipe === s.tenfold)!;
      expect(tenfold.recipe).toBe('structured50+prune50+cluster8');
      expect(tenfold.ratio).toBeGreaterThanOrEqual(10);
      expect(tenfold.cv.dropPp).toBeLessThanOrEqual(2);
      // The build's rule (smallest within the app's 1 pp) takes it here, and it still reaches 87 %.
      expect(s.chosen).toBe('structured50+prune50+cluster8');
      expect(tenfold.cv.accuracy).toBeGreaterThanOrEqual(0.87);
    }, 600_000);
  },
);
