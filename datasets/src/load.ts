import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { resolveDataDir } from './datadir';
import { loadPpgTriage } from './ppg-triage';
import { loadPredictiveMaintenance } from './predictive-maintenance';
import type { DatasetName, Recording } from './recording';
import { syntheticDataset } from './synthetic';
import { loadWearableActivity } from './wearable-activity';

export interface LoadOptions {
  /** Dataset directory (default: `$MURMUR_DATA_DIR`, then `datasets/cache/`). */
  dataDir?: string;
  /**
   * When `<dataDir>/<name>/` does not exist, return seeded synthetic recordings instead of failing,
   * with a warning on stderr. Off by default: missing data is an error.
   */
  allowSynthetic?: boolean;
}

const loaders: Record<DatasetName, (dataDir: string) => Promise<Recording[]>> = {
  'predictive-maintenance': loadPredictiveMaintenance,
  'wearable-activity': loadWearableActivity,
  'ppg-triage': loadPpgTriage,
};

/** Loads one of the three datasets from `<dataDir>/<name>/` as Recordings. */
export async function loadDataset(name: DatasetName, opts: LoadOptions = {}): Promise<Recording[]> {
  const dataDir = resolveDataDir(opts.dataDir);
  if (opts.allowSynthetic && !existsSync(join(dataDir, name))) {
    process.stderr.write(
      `WARNING: dataset '${name}' not found in ${dataDir}; using SYNTHETIC data instead.\n` +
        `WARNING: results on synthetic data say nothing about real-world accuracy. Run 'murmur data fetch ${name}' or set --data-dir.\n`,
    );
    return syntheticDataset(name);
  }
  return loaders[name](dataDir);
}
