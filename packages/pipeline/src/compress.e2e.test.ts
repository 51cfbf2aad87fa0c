import { describe, expect, it } from 'vitest';
import { appModelSpec, appRows, loadApp } from '@murmur/app';
import { runRecipes, trainAppModel, type Recipe } from '@murmur/compress';
import { testData } from '@murmur/datasets/testing';

const data = testData('wearable-activity', { full: true });

/** End to end on the real wearable-activity data: app features → float MLP → int8 and compressed recipes. */
describe.skipIf(data.skip)(data.title('wearable-activity on real data'), () => {
  it('int8 stays within 1.5 pp of float and a ≥ 10× recipe within 3 pp', async () => {
    const config = await loadApp('wearable-activity');
    const app = appModelSpec(config);
    // A model whose weights dominate its per-channel constants (int32 bias, Q31 multiplier, shift: 9 B per
    // output channel), so that a 10× ratio measures weight compression rather than that overhead.
    app.settings.hidden = [64, 32];
    const rows = await appRows(config, { dataDir: data.dataDir });
    const trained = await trainAppModel(app, rows, { quiet: true });
    // Validation subjects are never seen in training.
    expect(trained.validation.groups.some((g) => trained.train.groups.includes(g))).toBe(false);
    expect(trained.report.accuracy).toBeGreaterThan(0.75);
    const recipes: Recipe[] = [
      { name: 'int8', steps: [], weights: 'int8' },
      {
        // 12× on 19.2 s windows (1,362 rows), 0.8 pp below float on the validation subjects.
        name: 'structured40+prune50+cluster8',
        steps: [
          { kind: 'structured', fraction: 0.4 },
          { kind: 'prune', sparsity: 0.5 },
          { kind: 'cluster', k: 8 },
        ],
        weights: 'int8',
      },
    ];
    const results = await runRecipes({
      model: trained.model,
      train: { ...trained.train, classes: rows.classes.length, seed: 1, quiet: true },
      validation: trained.validation,
      recipes,
    });
    const int8 = results[0]!;
    expect(int8.dropPp).toBeLessThanOrEqual(1.5);
    expect(int8.ratio).toBeGreaterThan(3);
    const small = results.filter((r) => r.ratio >= 10 && r.dropPp <= 3);
    expect(small.length).toBeGreaterThan(0);
  }, 300_000);
});
