/**
 * An app's feature extraction over its dataset: which graph applies to a recording, how windows are
 * labelled, and the extraction of every window's feature vector (what `murmur features` prints).
 */
import type { DatasetName, Recording, WindowLabeler } from '@murmur/datasets';
import { compileGraph, type CompiledGraph, type FeatureGraph, type FeatureInfo } from './graph';
import { computeWindow, windowStarts } from './run';

export interface AppFeatures {
  dataset: DatasetName;
  /** The graph for one recording (e.g. built for its machine's shaft speed), or a reason it does not fit the app. */
  graphFor(rec: Recording): FeatureGraph | { skip: string };
  /** Label of the window [start, start + length) (default: the recording's label); null drops the window. */
  label?: WindowLabeler;
}

export interface FeatureRow {
  recording: string;
  subject: string;
  label?: string;
  /** Index of the window in its recording, and its first sample. */
  window: number;
  start: number;
  features: Float32Array;
}

export interface AppFeatureTable {
  features: FeatureInfo[];
  rows: FeatureRow[];
  /** Recordings left out, with the reason. */
  skipped: { recording: string; reason: string }[];
}

/** Computes the feature vector of every window of every recording the app can use (TS reference). */
export function extractAppFeatures(
  app: AppFeatures,
  recordings: readonly Recording[],
  onRecording?: (done: number, total: number) => void,
): AppFeatureTable {
  const compiled = new Map<string, CompiledGraph>();
  const table: AppFeatureTable = { features: [], rows: [], skipped: [] };
  recordings.forEach((rec, i) => {
    const graph = app.graphFor(rec);
    if ('skip' in graph) table.skipped.push({ recording: rec.id, reason: graph.skip });
    else {
      const key = JSON.stringify(graph);
      let g = compiled.get(key);
      if (!g) compiled.set(key, (g = compileGraph(graph)));
      if (!table.features.length) table.features = g.features;
      const channels = graph.channels.map((c) => rec.channels[rec.channelNames.indexOf(c)]);
      const missing = graph.channels.filter((_, ci) => !channels[ci]);
      if (missing.length)
        table.skipped.push({ recording: rec.id, reason: `no channel ${missing.join(', ')}` });
      else {
        windowStarts(g, channels[0].length).forEach((start, window) => {
          const label = app.label ? app.label(rec, start, graph.window) : rec.label;
          if (label === null) return;
          const features = computeWindow(
            g,
            channels.map((c) => c.subarray(start, start + graph.window)),
          );
          table.rows.push({
            recording: rec.id,
            subject: rec.subject,
            label: label ?? undefined,
            window,
            start,
            features,
          });
        });
      }
    }
    onRecording?.(i + 1, recordings.length);
  });
  return table;
}
