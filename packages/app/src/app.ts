/**
 * A Murmur app: everything `apps/<app>/app.config.ts` declares — the dataset and its windows (through the
 * feature graph), the model family and training settings, the compression tolerance, the payload schema
 * and its examples, and the uplink policy. No package reads anything else about an app.
 */
import type { AppModelSettings } from '@murmur/compress';
import type { Recording } from '@murmur/datasets';
import type { AppFeatures, AppFeatureTable, FeatureGraph } from '@murmur/dsp';
import type { PayloadExample, PayloadSchema } from '@murmur/payload';
import type { UplinkPolicyDef } from '@murmur/policy';

/** What a cross-validation scheme sees of a feature row: its subject and recording. */
export interface RowKey {
  /** Subject (person, machine load, PPG record). */
  group: string;
  recording: string;
}

/** One fold of a cross-validation scheme. */
export interface Fold {
  name: string;
  /** True for the rows this fold holds out (tests on). */
  test: (row: RowKey) => boolean;
}

/**
 * The sensor as the firmware's sensor check sees it: a window with a non-finite sample, a sample at or
 * beyond `range` (clipping), or a channel that holds one value for `stuckSeconds` is a sensor fault, never
 * classified (@murmur/dsp `SensorCheck`).
 */
export interface SensorDescription {
  description: string;
  /** Full scale [min, max] in the unit of the feature graph's channels. */
  range: readonly [number, number];
  /** Seconds of equal consecutive samples on one channel from which the sensor counts as stuck. */
  stuckSeconds: number;
  /** Average supply current while it samples, µA (the datasheet's typical figure; for the battery estimate). */
  currentUa: number;
}

export interface MurmurApp {
  /** Folder name under apps/, e.g. `wearable-activity`. */
  id: string;
  title: string;
  /** What the app detects, one sentence (report and README). */
  summary: string;
  /** The model's classes in output order (also the payload's class enum values). */
  classes: readonly string[];
  /** The sensor the device reads (the firmware's weak `murmur_sensor_read` documents it). */
  sensor: SensorDescription;
  /** The dataset, how its recordings become labelled windows, and the feature graph per recording. */
  features: AppFeatures;
  /** The feature graph the device runs (the one built for the device's nominal configuration). */
  featureGraph: FeatureGraph;
  /**
   * Model family and training settings (defaults in @murmur/compress), or null for an app that ships no
   * model: its uplink policy's class rule gives every window's class (it must have one), builds skip
   * training and compression, and the generated library has no model.
   */
  model: Partial<AppModelSettings> | null;
  /** Largest accuracy drop (percentage points) a compressed model may have against the float model. */
  compression: { maxDropPp: number };
  payload: PayloadSchema;
  /** Test vectors of the uplink (TTN device-repository examples, codec tests). */
  payloadExamples?: PayloadExample[];
  /** Test vectors of the downlinks the app accepts, if any. */
  downlinkExamples?: PayloadExample[];
  uplink: UplinkPolicyDef;
  /** The board `npm start` builds for and the app's README recommends. */
  defaultBoard: string;
  /**
   * The app's own figures beside classification accuracy (respiratory-rate error, anomaly ROC-AUC, ...),
   * from parts that learn nothing from the training data (a rate estimator, a baseline learned on site), so
   * `murmur eval` computes them on every recording of the directory and reports them under `task`.
   */
  taskMetrics?: (input: TaskMetricsInput) => TaskMetrics | Promise<TaskMetrics>;
  /**
   * How the app's accuracy is estimated on the development data, by scheme name: a number of subject
   * folds, or folds built from the rows' subjects and recordings (e.g. leave one motor load out). Default:
   * `{ subjects: 5 }`.
   */
  crossValidation?: Record<string, number | ((rows: readonly RowKey[]) => Fold[])>;
}

/** What an app's task metrics see: the held-out recordings and their feature rows (TS reference). */
export interface TaskMetricsInput {
  /** The dataset directory the recordings come from (for side files such as monitor numerics). */
  dataDir: string;
  recordings: readonly Recording[];
  table: AppFeatureTable;
  classes: readonly string[];
}

/** Named figures, each a number or a small JSON object (e.g. per-class recall). */
export type TaskMetrics = Record<string, number | string | Record<string, unknown> | unknown[]>;
