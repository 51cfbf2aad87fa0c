/**
 * Evaluation of a built app on a dataset directory (the development data or any directory in the same
 * format, such as a sealed split): the float model, the compressed model (TS int8 interpreter) and the
 * firmware in the board's emulator classify every window of every recording whose subject the model was
 * not trained on; the app's own task figures (respiratory-rate error, anomaly AUC), which do not depend on
 * the classifier's training data, are computed on every recording.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { MurmurApp, TaskMetrics } from '@murmur/app';
import { emulatorFor, type Board } from '@murmur/boards';
import { classifyInt8, compressedFromJson, type CompressedModel } from '@murmur/kernels';
import { createProgress, MurmurError, UsageError, workspaceRoot } from '@murmur/core';
import { loadDataset, resolveDataSource, type Recording } from '@murmur/datasets';
import { compileGraph, computeWindow, extractAppFeatures } from '@murmur/dsp';
import { classificationReport, loadModel, predictClasses, type ClassificationReport } from '@murmur/nn';
import { appLibraryOptions, runLibraryCheck } from '@murmur/verify';
import { defaultModelDir, ensureModel } from './model';
import { estimate } from './intervals';
import { recordedWindowCapacity } from './recorded';
import { evaluateWithoutModel } from './task';

/** A classification report with class names. */
export interface NamedReport {
  accuracy: number;
  macroF1: number;
  /** Recall per class (null for a class without windows). */
  recall: Record<string, number | null>;
  /** confusion[true][predicted], rows and columns in `classes` order. */
  confusion: number[][];
  windows: number;
  /** How many subjects the windows come from, and the 95 % intervals (./intervals), where known. */
  groups?: number;
  accuracyCi?: [number, number];
  macroF1Ci?: [number, number];
  method?: string;
}

export interface AppEvaluation {
  app: string;
  board: string;
  dataset: string;
  dataDir: string;
  classes: readonly string[];
  /** Where the uplink's class comes from when it is not the model's output (a class rule of the policy). */
  uplinkClass?: string;
  /** Recordings read, those the app cannot use (with the reason), and windows by fate. */
  recordings: { read: number; evaluated: number; skipped: { recording: string; reason: string }[] };
  /** Subjects left out because the float model was trained on them. */
  trainingSubjectsExcluded: string[];
  windows: { labelled: number; unlabelled: number; nonFinite: number };
  /** The model's figures (absent for an app that ships no model: its figures are under `task`). */
  float?: NamedReport;
  compressed?: NamedReport & { recipe: string };
  firmware?: FirmwareEvaluation;
  /** The app's own figures, on every recording of the directory (see MurmurApp.taskMetrics). */
  task?: TaskMetrics;
}

/** The firmware's classes on recorded windows, from its own output in the emulator. */
export type FirmwareEvaluation = NamedReport & {
  emulator: string;
  /** Windows the firmware ran (scored and straddling) and how many equal the TS reference byte for byte. */
  windowsRun: number;
  windowsEqual: number;
  /** Scored windows whose firmware class equals the TS int8 interpreter's on the device graph's features. */
  agreesWithCompressed: number;
  runs: number;
  /** The subjects the scored windows come from. */
  subjects: string[];
  /** Why some labelled windows were not run (flash per run, window or run cap). */
  note?: string;
};

export interface EvaluateOptions {
  /** Directory in the $MURMUR_DATA_DIR format holding the app's dataset. */
  dataDir?: string;
  /** The build's output folder (default dist/apps/<app>/<board>) and the float model's folder. */
  buildDir?: string;
  modelDir?: string;
  /** Run the firmware on at most this many windows (0: no firmware run). Default 2000. */
  firmwareWindows?: number;
  quiet?: boolean;
}

/**
 * Values per firmware run, at most: where the frames are streamed from a host file, this bounds a run's
 * emulator time; where they are compiled into flash (AVR), the flash bounds it first.
 */
const MAX_VALUES_PER_RUN = 2 * 1024 * 1024;

export function namedReport(r: ClassificationReport, classes: readonly string[]): NamedReport {
  return {
    accuracy: r.accuracy,
    macroF1: r.macroF1,
    recall: Object.fromEntries(classes.map((c, i) => [c, Number.isNaN(r.recall[i]!) ? null : r.recall[i]!])),
    confusion: r.confusion,
    windows: r.samples,
  };
}

/** The named report of predictions, with the subject-bootstrap intervals over `groups` (./intervals). */
export function namedEstimate(
  truth: readonly number[],
  predicted: readonly number[],
  groups: readonly string[],
  classes: readonly string[],
): NamedReport {
  const e = estimate(truth, predicted, groups, classes.length);
  return {
    ...namedReport(classificationReport(truth, predicted, classes.length), classes),
    groups: e.subjects,
    accuracyCi: e.accuracyCi,
    macroF1Ci: e.macroF1Ci,
    method: e.method,
  };
}

export async function evaluateApp(
  app: MurmurApp,
  board: Board,
  opts: EvaluateOptions = {},
): Promise<AppEvaluation> {
  if (!app.model) return evaluateWithoutModel(app, board, opts);
  const file = join(
    opts.buildDir ?? join(workspaceRoot(), 'dist', 'apps', app.id, board.id),
    'model.compressed.json',
  );
  if (!existsSync(file))
    throw new UsageError(
      `${app.id} is not built for ${board.id} (no ${file}); run: npx nx build ${app.id} --configuration=${board.id}`,
    );
  const compressed = compressedFromJson(readFileSync(file, 'utf8'), file);
  // The float model of the build, and the subjects it was trained on as it recorded them (so the dataset
  // directories in MURMUR_DATA_DIR and --data-dir may differ); older models: from the training data.
  const modelDir = opts.modelDir ?? defaultModelDir(app.id);
  if (!existsSync(join(modelDir, 'model.json')))
    throw new UsageError(
      `no float model in ${modelDir}; run: npx nx build ${app.id} --configuration=${board.id}`,
    );
  const model = loadModel(modelDir);
  const recorded = model.meta?.['trainingSubjects'] as string[] | undefined;
  const trainingSubjects = new Set(
    recorded ?? (await ensureModel(app, { quiet: opts.quiet, modelDir })).train.groups,
  );

  const { dataDir } = resolveDataSource(app.features.dataset, opts.dataDir);
  const all = await loadDataset(app.features.dataset, { dataDir });
  const recordings = all.filter((r) => !trainingSubjects.has(r.subject));
  const excluded = [
    ...new Set(all.filter((r) => trainingSubjects.has(r.subject)).map((r) => r.subject)),
  ].sort();
  if (recordings.length === 0)
    throw new UsageError(
      `every recording in ${dataDir}/${app.features.dataset} belongs to a subject the model was trained on`,
    );
  // Features once: of every recording when the task figures need them (see below), else of the unseen ones.
  const extracted = app.taskMetrics ? all : recordings;
  const progress = createProgress({
    total: extracted.length,
    label: `features ${app.id}`,
    unit: 'recording',
    quiet: opts.quiet,
  });
  const table = extractAppFeatures(app.features, extracted, (done) => progress.update(done));
  progress.done();
  const unseenIds = new Set(recordings.map((r) => r.id));
  const unseen = table.rows.filter((r) => unseenIds.has(r.recording));
  const skipped = table.skipped.filter((s) => unseenIds.has(s.recording));
  const index = new Map(app.classes.map((name, i) => [name, i]));
  const labelled = unseen.filter((r) => r.label !== undefined && index.has(r.label));
  const rows = labelled.filter((r) => r.features.every(Number.isFinite));
  const truth = rows.map((r) => index.get(r.label!)!);
  const subjects = rows.map((r) => r.subject);
  const float = namedEstimate(
    truth,
    predictClasses(
      model,
      rows.map((r) => r.features),
    ),
    subjects,
    app.classes,
  );
  const int8 = namedEstimate(
    truth,
    rows.map((r) => classifyInt8(compressed, r.features).index),
    subjects,
    app.classes,
  );
  const evaluation: AppEvaluation = {
    app: app.id,
    board: board.id,
    dataset: app.features.dataset,
    dataDir,
    classes: app.classes,
    recordings: {
      read: all.length,
      evaluated: recordings.length - skipped.length,
      skipped,
    },
    trainingSubjectsExcluded: excluded,
    windows: {
      labelled: rows.length,
      unlabelled: unseen.length - labelled.length,
      nonFinite: labelled.length - rows.length,
    },
    ...(app.uplink.classRule
      ? {
          uplinkClass: `the uplink's class comes from the policy's rule on '${app.uplink.classRule.feature}', not from the model: its figures are under task`,
        }
      : {}),
    float,
    compressed: { ...int8, recipe: compressed.recipe ?? 'unknown' },
  };
  const budget = opts.firmwareWindows ?? 2000;
  if (budget > 0)
    evaluation.firmware = await evaluateFirmware(
      app,
      board,
      compressed,
      recordings,
      { windows: budget },
      opts.quiet,
    );
  // The task figures (e.g. an anomaly baseline learned on site, a rate estimate) do not depend on what the
  // classifier was trained on, so they see every recording of the directory.
  if (app.taskMetrics)
    evaluation.task = await app.taskMetrics({ dataDir, recordings: all, table, classes: app.classes });
  return evaluation;
}

/**
 * Runs the labelled windows through the generated library in the board's emulator. Each window's frames
 * fill a slot of whole hops, slots laid end to end, so every slot starts a window of the device's stream
 * that equals the window the TS reference classified; windows straddling two slots are run but not scored.
 */
export async function evaluateFirmware(
  app: MurmurApp,
  board: Board,
  model: CompressedModel,
  recordings: readonly Recording[],
  limits: { windows: number; runs?: number },
  quiet?: boolean,
): Promise<FirmwareEvaluation | undefined> {
  const g = app.featureGraph;
  const index = new Map(app.classes.map((name, i) => [name, i]));
  const items: { rec: Recording; start: number; label: number }[] = [];
  for (const rec of recordings) {
    if (rec.rateHz !== g.rateHz || !g.channels.every((ch) => rec.channelNames.includes(ch))) continue;
    for (let start = 0; start + g.window <= rec.channels[0]!.length; start += g.hop) {
      const label = app.features.label ? app.features.label(rec, start, g.window) : rec.label;
      const i = label === null || label === undefined ? undefined : index.get(label);
      if (i !== undefined) items.push({ rec, start, label: i });
    }
  }
  const labelled = items.length;
  const wanted = Math.min(limits.windows, items.length);
  const hopsPerSlot = Math.ceil(g.window / g.hop);
  const slot = hopsPerSlot * g.hop;
  const capacity = await recordedWindowCapacity(app, board);
  const capacityFrames = capacity === Infinity ? Infinity : g.window + (capacity - 1) * g.hop;
  const slotsPerRun = Math.floor(Math.min(capacityFrames, MAX_VALUES_PER_RUN / g.channels.length) / slot);
  if (slotsPerRun < 1 || wanted === 0) return undefined;
  // When not every window can run, an even spread over all of them (every subject and class) rather than the first.
  const n = Math.min(wanted, (limits.runs ?? Infinity) * slotsPerRun);
  const scored = Array.from({ length: n }, (_, i) => items[Math.floor((i * items.length) / n)]!);
  const options = { ...appLibraryOptions(app, model), board };
  const progress = createProgress({
    total: scored.length,
    label: `firmware on ${board.id}`,
    unit: 'window',
    quiet,
  });
  const truth: number[] = [];
  const predicted: number[] = [];
  const groups: string[] = [];
  let windowsEqual = 0;
  let windowsRun = 0;
  let agreesWithCompressed = 0;
  let runs = 0;
  const device = compileGraph(g);
  for (let first = 0; first < scored.length; first += slotsPerRun) {
    const chunk = scored.slice(first, first + slotsPerRun);
    const frames = g.channels.map((ch) => {
      const out = new Float32Array(chunk.length * slot);
      chunk.forEach((it, j) =>
        out.set(
          it.rec.channels[it.rec.channelNames.indexOf(ch)]!.subarray(it.start, it.start + g.window),
          j * slot,
        ),
      );
      return out;
    });
    const windows = 1 + Math.floor((chunk.length * slot - g.window) / g.hop);
    const r = await runLibraryCheck(board, options, { windows, period: windows, frames });
    runs++;
    windowsRun += r.windows;
    windowsEqual += r.windowsEqual;
    chunk.forEach((it, j) => {
      const cls = Number(r.outputs[j * hopsPerSlot]?.split(' ')[0] ?? -1);
      const window = g.channels.map((ch) =>
        it.rec.channels[it.rec.channelNames.indexOf(ch)]!.subarray(it.start, it.start + g.window),
      );
      if (classifyInt8(model, computeWindow(device, window)).index === cls) agreesWithCompressed++;
      truth.push(it.label);
      predicted.push(cls);
      groups.push(it.rec.subject);
    });
    progress.update(truth.length);
  }
  progress.done(`${windowsEqual}/${windowsRun} windows equal to the TS reference`);
  const missing = predicted.filter((p) => !(p >= 0 && p < app.classes.length)).length;
  if (missing)
    throw new MurmurError(`the firmware on ${board.id} gave no valid class for ${missing} windows`);
  const emulator = emulatorFor(board);
  return {
    ...namedEstimate(truth, predicted, groups, app.classes),
    emulator:
      emulator.kind === 'qemu'
        ? `qemu ${emulator.machine}`
        : emulator.kind === 'simavr'
          ? `simavr ${emulator.mcu}`
          : 'host',
    windowsRun,
    windowsEqual,
    agreesWithCompressed,
    runs,
    subjects: [...new Set(scored.map((it) => it.rec.subject))].sort(),
    note:
      scored.length < labelled
        ? `${scored.length} of ${labelled} labelled windows run, spread evenly over them (at most ${limits.windows} windows${limits.runs ? ` in ${limits.runs} runs` : ''})`
        : undefined,
  };
}
