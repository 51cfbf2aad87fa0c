/**
 * The app's own figures (`MurmurApp.taskMetrics`: a rate estimator's error, an on-site baseline's false
 * alarms, ...) on every recording of a dataset directory, outside a build: what `murmur eval` gives an app
 * that ships no model, and what `murmur eval --cv` and the accuracy benchmark print beside the model's
 * cross-validation.
 */
import type { MurmurApp, TaskMetrics } from '@murmur/app';
import type { Board } from '@murmur/boards';
import { createProgress } from '@murmur/core';
import { loadDataset, resolveDataSource } from '@murmur/datasets';
import { extractAppFeatures } from '@murmur/dsp';
import type { AppEvaluation, EvaluateOptions } from './evaluate';

/** The task figures of the app on every recording of the directory, or undefined when it has none. */
export async function appTaskMetrics(
  app: MurmurApp,
  opts: { dataDir?: string; quiet?: boolean } = {},
): Promise<{ dataDir: string; recordings: number; skipped: number; task?: TaskMetrics }> {
  const { dataDir } = resolveDataSource(app.features.dataset, opts.dataDir);
  const recordings = await loadDataset(app.features.dataset, { dataDir });
  if (!app.taskMetrics) return { dataDir, recordings: recordings.length, skipped: 0 };
  const progress = createProgress({
    total: recordings.length,
    label: `features ${app.id}`,
    unit: 'recording',
    quiet: opts.quiet,
  });
  const table = extractAppFeatures(app.features, recordings, (done) => progress.update(done));
  progress.done();
  const task = await app.taskMetrics({ dataDir, recordings, table, classes: app.classes });
  return { dataDir, recordings: recordings.length, skipped: table.skipped.length, task };
}

/**
 * `murmur eval` of an app that ships no model (`model: null`): no model to score and nothing trained, so
 * every recording of the directory counts as unseen; the figures are the app's task figures.
 */
export async function evaluateWithoutModel(
  app: MurmurApp,
  board: Board,
  opts: EvaluateOptions = {},
): Promise<AppEvaluation> {
  const r = await appTaskMetrics(app, opts);
  return {
    app: app.id,
    board: board.id,
    dataset: app.features.dataset,
    dataDir: r.dataDir,
    classes: app.classes,
    uplinkClass: `${app.id} ships no model: the uplink's class comes from the policy's rule${app.uplink.classRule ? ` on '${app.uplink.classRule.feature}'` : ''}; its figures are under task`,
    recordings: { read: r.recordings, evaluated: r.recordings - r.skipped, skipped: [] },
    trainingSubjectsExcluded: [],
    windows: { labelled: 0, unlabelled: 0, nonFinite: 0 },
    task: r.task,
  };
}
