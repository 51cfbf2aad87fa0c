import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { MurmurError } from '@murmur/core';
import { resolveDataSource, type DataSourceKind } from './datadir';
import { loadDataset } from './load';
import { datasetNames, type DatasetName, type Recording } from './recording';

/** What `murmur data list` reports per dataset. */
export interface DatasetSummary {
  name: DatasetName;
  dir: string;
  /** Where the dataset was found (see resolveDataSource); absent when nowhere. */
  source?: DataSourceKind;
  found: boolean;
  recordings: number;
  subjects: number;
  /** Recordings per label. */
  labels: Record<string, number>;
  /** Hours of signal (samples / rate, summed over recordings). */
  hours: number;
  ratesHz: number[];
  channels: string[];
  /** Load time in seconds. */
  loadSeconds: number;
  /** Why a dataset that is present could not be read. */
  error?: string;
}

/** Summarises loaded recordings. */
export function summarizeRecordings(
  name: DatasetName,
  dir: string,
  recs: readonly Recording[],
  loadSeconds = 0,
): DatasetSummary {
  const labels: Record<string, number> = {};
  for (const r of recs) labels[r.label ?? '(none)'] = (labels[r.label ?? '(none)'] ?? 0) + 1;
  const seconds = recs.reduce((s, r) => s + (r.channels[0]?.length ?? 0) / r.rateHz, 0);
  return {
    name,
    dir,
    found: true,
    recordings: recs.length,
    subjects: new Set(recs.map((r) => r.subject)).size,
    labels,
    hours: seconds / 3600,
    ratesHz: [...new Set(recs.map((r) => r.rateHz))].sort((a, b) => a - b),
    channels: [...new Set(recs.flatMap((r) => r.channelNames))],
    loadSeconds,
  };
}

/**
 * Loads and summarises every dataset from where `resolveDataSource` finds it (`dataDir`: `--data-dir`);
 * absent ones are reported as not found.
 */
export async function summarizeDatasets(dataDir?: string): Promise<DatasetSummary[]> {
  const out: DatasetSummary[] = [];
  for (const name of datasetNames) {
    let source;
    try {
      source = resolveDataSource(name, dataDir);
    } catch (err) {
      if (!(err instanceof MurmurError)) throw err;
    }
    const dir = source ? join(source.dataDir, name) : '';
    const empty: DatasetSummary = {
      name,
      dir,
      source: source?.kind,
      found: false,
      recordings: 0,
      subjects: 0,
      labels: {},
      hours: 0,
      ratesHz: [],
      channels: [],
      loadSeconds: 0,
    };
    if (!source || !existsSync(dir)) {
      out.push(empty);
      continue;
    }
    const started = performance.now();
    try {
      const recs = await loadDataset(name, { dataDir: source.dataDir, quiet: true });
      out.push({
        ...summarizeRecordings(name, dir, recs, (performance.now() - started) / 1000),
        source: source.kind,
      });
    } catch (err) {
      if (!(err instanceof MurmurError)) throw err;
      out.push({ ...empty, found: true, error: err.message });
    }
  }
  return out;
}
