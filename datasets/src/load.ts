import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { dataSourceLine, fetchCommand, resolveDataSource, type DataSource } from './datadir';
import { loadPpgTriage } from './ppg-triage';
import { loadPredictiveMaintenance } from './predictive-maintenance';
import type { DatasetName, Recording } from './recording';
import { syntheticDataset } from './synthetic';
import { loadWearableActivity } from './wearable-activity';

export interface LoadOptions {
  /** `--data-dir`: the directory holding `<name>/` (default: the order of `resolveDataSource`). */
  dataDir?: string;
  /**
   * When `<dataDir>/<name>/` does not exist, return seeded synthetic recordings instead of failing,
   * with a warning on stderr. Off by default: missing data is an error.
   */
  allowSynthetic?: boolean;
  /** Print no `data: ...` line. */
  quiet?: boolean;
}

const loaders: Record<DatasetName, (dataDir: string) => Promise<Recording[]>> = {
  'predictive-maintenance': loadPredictiveMaintenance,
  'wearable-activity': loadWearableActivity,
  'ppg-triage': loadPpgTriage,
};

/** The data lines already printed by this process (one per dataset and directory). */
const announced = new Set<string>();

/**
 * Loads one of the three datasets from where `resolveDataSource` finds it, as Recordings, and says once
 * per process on stderr which data that is (`data: shipped sample ... (10 of 51 WISDM subjects); ...`).
 */
export async function loadDataset(name: DatasetName, opts: LoadOptions = {}): Promise<Recording[]> {
  const source = findSource(name, opts);
  if (!source) {
    process.stderr.write(
      `WARNING: dataset '${name}' not found; using SYNTHETIC data instead.\n` +
        `WARNING: results on synthetic data say nothing about real-world accuracy. Run '${fetchCommand(name)}' or set --data-dir.\n`,
    );
    return syntheticDataset(name);
  }
  const recordings = await loaders[name](source.dataDir);
  announce(source, recordings, opts.quiet);
  return recordings;
}

/** The dataset's source; with `allowSynthetic`, undefined where there is none rather than an error. */
function findSource(name: DatasetName, opts: LoadOptions): DataSource | undefined {
  if (!opts.allowSynthetic) return resolveDataSource(name, opts.dataDir);
  try {
    const source = resolveDataSource(name, opts.dataDir);
    return existsSync(join(source.dataDir, name)) ? source : undefined;
  } catch {
    return undefined;
  }
}

function announce(source: DataSource, recordings: readonly Recording[], quiet?: boolean): void {
  const key = `${source.dataset}\0${source.dataDir}`;
  if (quiet || announced.has(key)) return;
  announced.add(key);
  process.stderr.write(`${dataSourceLine(source, new Set(recordings.map((r) => r.subject)).size)}\n`);
}
