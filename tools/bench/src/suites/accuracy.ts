import type { MurmurApp, TaskMetrics } from '@murmur/app';
import type { SchemeResult } from '@murmur/pipeline';
import type { BenchSuite } from '../suite';

/**
 * Every app's accuracy estimated by cross-validation on the development data, by subject or recording —
 * never by window — with each scheme the app declares (`crossValidation` in its app.config.ts): pooled
 * float accuracy and macro-F1 and every compression recipe's (each fold's compressed model made from that
 * fold's float model), with 95 % subject-bootstrap intervals, per-class recall and confusion, per-fold
 * accuracy; the recipe a build's rule chooses (the smallest within the app's tolerance of float) and the
 * smallest ≥ 10× one; plus the app's task figures on every development recording (they learn nothing from
 * training subjects). `summary` holds the headline figures of the first scheme.
 */
export const suite: BenchSuite = {
  name: 'accuracy',
  description:
    'cross-validated accuracy of every app (subject/recording folds) with 95 % intervals: float, every recipe, the chosen and the ≥ 10× one',
  async run() {
    const { listApps, loadApp } = await import('@murmur/app');
    const pipeline = await import('@murmur/pipeline');
    const apps: Record<string, unknown> = {};
    for (const id of listApps()) {
      const app = await loadApp(id);
      const start = performance.now();
      try {
        const schemes = app.model ? await pipeline.crossValidateApp(app, { quiet: true }) : undefined;
        const first = schemes && Object.values(schemes)[0];
        if (first) process.stderr.write(`${id}: ${describe(first)}\n`);
        apps[id] = {
          summary: first ? summary(first) : 'no model (model: null): classes from the uplink policy',
          schemes,
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

type Scheme = SchemeResult;

/** The headline figures of a scheme: float, int8 (and its ratio), the chosen recipe and the ≥ 10× one. */
function summary(s: Scheme) {
  const figure = (r: Scheme['recipes'][number] | undefined) =>
    r && {
      recipe: r.recipe,
      weightBytes: r.weightBytes,
      ratio: Number(r.ratio.toFixed(2)),
      accuracy: r.cv.accuracy,
      accuracyCi: r.cv.accuracyCi,
      macroF1: r.cv.macroF1,
      macroF1Ci: r.cv.macroF1Ci,
      dropPp: Number(r.cv.dropPp.toFixed(2)),
      dropCi: r.cv.dropCi.map((v) => Number(v.toFixed(2))),
    };
  const find = (name: string | undefined) => s.recipes.find((r) => r.recipe === name);
  return {
    scheme: s.scheme,
    folds: s.folds.length,
    windows: s.float.windows,
    subjects: s.float.subjects,
    method: s.float.method,
    float: {
      weightBytes: s.floatBytes,
      accuracy: s.float.accuracy,
      accuracyCi: s.float.accuracyCi,
      macroF1: s.float.macroF1,
      macroF1Ci: s.float.macroF1Ci,
    },
    int8: figure(find('int8')),
    maxDropPp: s.maxDropPp,
    chosen: figure(find(s.chosen)),
    tenfold: figure(find(s.tenfold)) ?? null,
  };
}

async function taskMetrics(app: MurmurApp): Promise<TaskMetrics> {
  const { loadDataset, resolveDataSource } = await import('@murmur/datasets');
  const { extractAppFeatures } = await import('@murmur/dsp');
  const { dataDir } = resolveDataSource(app.features.dataset);
  const recordings = await loadDataset(app.features.dataset, { dataDir });
  const table = extractAppFeatures(app.features, recordings);
  return app.taskMetrics!({ dataDir, recordings, table, classes: app.classes });
}

/** One line for the log: each headline figure with its interval. */
function describe(s: Scheme): string {
  const ci = (v: number, c: readonly number[], f1 = false): string =>
    f1
      ? `${v.toFixed(3)} (${c[0]!.toFixed(3)}–${c[1]!.toFixed(3)})`
      : `${(100 * v).toFixed(1)} % (${(100 * c[0]!).toFixed(1)}–${(100 * c[1]!).toFixed(1)})`;
  const one = (label: string, r: Scheme['recipes'][number] | undefined): string =>
    r
      ? `${label} ${r.recipe} ${r.weightBytes} B (${r.ratio.toFixed(2)}×) ${ci(r.cv.accuracy, r.cv.accuracyCi)}, F1 ${ci(r.cv.macroF1, r.cv.macroF1Ci, true)}, drop ${r.cv.dropPp.toFixed(1)} pp (${r.cv.dropCi[0].toFixed(1)} to ${r.cv.dropCi[1].toFixed(1)})`
      : `${label} none`;
  const find = (name: string | undefined) => s.recipes.find((r) => r.recipe === name);
  return [
    `${s.scheme}, ${s.folds.length} folds, ${s.float.windows} windows of ${s.float.subjects} subjects: float ${ci(s.float.accuracy, s.float.accuracyCi)}, F1 ${ci(s.float.macroF1, s.float.macroF1Ci, true)}`,
    one('int8', find('int8')),
    one(`chosen (≤ ${s.maxDropPp} pp)`, find(s.chosen)),
    one('≥ 10×', find(s.tenfold)),
  ].join('; ');
}
