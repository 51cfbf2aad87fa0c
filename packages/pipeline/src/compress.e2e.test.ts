import { describe, expect, it } from 'vitest';
import { appModelSpec, appRows, loadApp } from '@murmur/app';
import { appFineTuneData, defaultRecipes, runRecipes, trainAppModel } from '@murmur/compress';
import { testData } from '@murmur/datasets/testing';

const data = testData('wearable-activity', { full: true });

/** End to end on the real wearable-activity data: app features → float MLP → int8 and compressed recipes. */
describe.skipIf(data.skip)(data.title('wearable-activity on real data'), () => {
  it('int8 stays within 1.5 pp of float and is ≥ 3.7× smaller; a ≥ 10× recipe within 3 pp', async () => {
    const config = await loadApp('wearable-activity');
    const app = appModelSpec(config);
    const rows = await appRows(config, { dataDir: data.dataDir });
    const trained = await trainAppModel(app, rows, { quiet: true });
    // Validation subjects are never seen in training.
    expect(trained.validation.groups.some((g) => trained.train.groups.includes(g))).toBe(false);
    expect(trained.report.accuracy).toBeGreaterThan(0.75);
    const results = await runRecipes({
      model: trained.model,
      train: appFineTuneData(app, trained.train, { quiet: true }),
      validation: trained.validation,
      recipes: defaultRecipes.filter((r) => ['int8', 'structured50+prune50+cluster8'].includes(r.name)),
    });
    // One split of 10 subjects: a smoke test; the cross-validated figures are in src/accuracy.test.ts of the app.
    const [int8, small] = results;
    expect(int8!.dropPp).toBeLessThanOrEqual(1.5);
    expect(int8!.ratio).toBeGreaterThanOrEqual(3.7);
    expect(small!.ratio).toBeGreaterThanOrEqual(10);
    expect(small!.dropPp).toBeLessThanOrEqual(3);
  }, 300_000);
});
