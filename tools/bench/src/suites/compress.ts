import type { BenchSuite } from '../suite';

/**
 * Float vs int8 vs int4/mixed vs pruned vs clustered vs binarized vs combinations for every app whose
 * dataset is available: exact weight bytes, ratio to float32, accuracy on the validation subjects (one
 * split of few subjects: a quick look, never a choice — `npm run bench -- accuracy` cross-validates every
 * recipe by subject) and training/compression seconds.
 */
export const suite: BenchSuite = {
  name: 'compress',
  description: 'model compression per app: weight bytes, ratio and validation accuracy of every recipe',
  async run() {
    const c = await import('@murmur/compress');
    const { appModelSpec, appRows, listApps, loadApp } = await import('@murmur/app');
    const apps = [];
    for (const name of listApps()) {
      const start = performance.now();
      let rows;
      const config = await loadApp(name);
      if (!config.model) {
        apps.push({ app: name, skipped: 'no model (model: null)' });
        continue;
      }
      const app = appModelSpec(config);
      try {
        rows = await appRows(config);
      } catch (e) {
        apps.push({ app: name, skipped: (e as Error).message });
        continue;
      }
      const featureSeconds = (performance.now() - start) / 1000;
      const trained = await c.trainAppModel(app, rows, { quiet: true });
      const results = await c.runRecipes({
        model: trained.model,
        train: c.appFineTuneData(app, trained.train, { quiet: true }),
        validation: trained.validation,
      });
      const floatAccuracy = c.floatAccuracy(trained.model, trained.validation, rows.classes.length);
      const combos = results.filter((r) => r.recipe.includes('+'));
      const within = (pp: number) =>
        combos.filter((r) => r.dropPp <= pp).sort((a, b) => a.weightBytes - b.weightBytes)[0]?.recipe ?? null;
      apps.push({
        app: name,
        backend: trained.result.backend,
        windows: rows.x.length,
        features: rows.featureNames.length,
        classes: rows.classes,
        validationSubjects: [...new Set(trained.validation.groups)].length,
        validationWindows: trained.validation.x.length,
        featureSeconds: Number(featureSeconds.toFixed(2)),
        float: {
          weightBytes: c.floatWeightBytes(trained.model),
          accuracy: floatAccuracy,
          macroF1: trained.report.macroF1,
          trainSeconds: Number(trained.result.seconds.toFixed(2)),
          epochs: trained.result.history.length,
        },
        recipes: results.map((r) => ({
          recipe: r.recipe,
          formats: r.formats,
          weightBytes: r.weightBytes,
          ratio: Number(r.ratio.toFixed(2)),
          activationBytes: r.activationBytes,
          accuracy: r.accuracy,
          macroF1: r.macroF1,
          dropPp: Number(r.dropPp.toFixed(2)),
          seconds: Number(r.seconds.toFixed(2)),
        })),
        int8Ratio: Number((results.find((r) => r.recipe === 'int8')?.ratio ?? NaN).toFixed(2)),
        pareto: c.paretoFront(results).map((r) => r.recipe),
        /** Smallest combination recipe within 2 pp and within 3 pp of float on the validation subjects. */
        bestCombinationWithin2pp: within(2),
        bestCombinationWithin3pp: within(3),
      });
    }
    return { apps };
  },
};
