import type { AppRows } from '@murmur/compress';
import { MurmurError } from '@murmur/core';
import { loadDataset, resolveDataSource } from '@murmur/datasets';
import { extractAppFeatures } from '@murmur/dsp';
import type { MurmurApp } from './app';
import { appModelSpec } from './load';

const rowCache = new Map<string, Promise<AppRows>>();

/**
 * The app's labelled feature rows: its dataset (found as `resolveDataSource` finds it; `dataDir` is
 * `--data-dir`) through the TS reference of its feature graph, rows with a non-finite feature dropped.
 * Kept for the life of the process (train then compress in one run extract features once); read-only.
 */
export function appRows(app: MurmurApp, opts: { dataDir?: string } = {}): Promise<AppRows> {
  const classes = app.model ? appModelSpec(app).settings.classes : [...app.classes];
  // Keyed by the directory the data is read from, however it was named (flag, environment, cache, sample).
  const { dataDir } = resolveDataSource(app.features.dataset, opts.dataDir);
  const key = JSON.stringify([app.id, dataDir, classes]);
  let rows = rowCache.get(key);
  if (!rows) {
    rows = extractRows(app, classes, dataDir);
    rowCache.set(key, rows);
    rows.catch(() => rowCache.delete(key));
  }
  return rows;
}

async function extractRows(app: MurmurApp, wanted: string[] | undefined, dataDir: string): Promise<AppRows> {
  const recordings = await loadDataset(app.features.dataset, { dataDir });
  const table = extractAppFeatures(app.features, recordings);
  const rows = table.rows.filter((r) => r.label !== undefined && r.features.every(Number.isFinite));
  if (rows.length === 0)
    throw new MurmurError(`no labelled feature rows in dataset '${app.features.dataset}'`, {
      field: 'dataset',
    });
  const classes = wanted ?? [...new Set(rows.map((r) => r.label!))].sort();
  const index = new Map(classes.map((c, i) => [c, i]));
  const kept = rows.filter((r) => index.has(r.label!));
  return {
    x: kept.map((r) => r.features),
    y: kept.map((r) => index.get(r.label!)!),
    groups: kept.map((r) => r.subject),
    recordings: kept.map((r) => r.recording),
    classes,
    featureNames: table.features.map((f) => f.name),
  };
}
