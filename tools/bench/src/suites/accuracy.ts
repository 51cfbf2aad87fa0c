import type { MurmurApp, TaskMetrics } from '@murmur/app';
import type { BenchSuite } from '../suite';

/**
 * Every app's accuracy estimated by cross-validation on the development data, by subject or recording —
 * never by window — with each scheme the app declares (`crossValidation` in its app.config.ts): pooled
 * float and compressed (int8) accuracy, macro-F1, per-class recall and confusion, and per-fold accuracy;
 * plus the app's task figures on every development recording (they learn nothing from training subjects).
 */
export const suite: BenchSuite = {
  name: 'accuracy',
  description: 'cross-validated accuracy of every app (subject/recording folds), float and int8',
  async run() {
    const { listApps, loadApp } = await import('@murmur/app');
    const pipeline = await import('@murmur/pipeline');
    const apps: Record<string, unknown> = {};
    for (const id of listApps()) {
      const app = await loadApp(id);
      const start = performance.now();
      try {
        apps[id] = {
          schemes: await pipeline.crossValidateApp(app, { quiet: true }),
          task: app.taskMetrics ? await taskMetrics(app) : undefined,
          seconds: (performance.now() - start) / 1000,
        };
      } catch (e) {
        apps[id] = { skipped: (e as Error).message };
      }
    }
    return { dataDir: process.env['MURMUR_DATA_DIR'] ?? null, apps };
  },
};

async function taskMetrics(app: MurmurApp): Promise<TaskMetrics> {
  const { loadDataset, resolveDataSource } = await import('@murmur/datasets');
  const { extractAppFeatures } = await import('@murmur/dsp');
  const { dataDir } = resolveDataSource(app.features.dataset);
  const recordings = await loadDataset(app.features.dataset, { dataDir });
  const table = extractAppFeatures(app.features, recordings);
  return app.taskMetrics!({ dataDir, recordings, table, classes: app.classes });
}
