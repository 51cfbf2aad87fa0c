import { resolveDataDir } from './datadir';
import { loadPpgTriage } from './ppg-triage';
import { loadPredictiveMaintenance } from './predictive-maintenance';
import type { DatasetName, Recording } from './recording';
import { loadWearableActivity } from './wearable-activity';

export interface LoadOptions {
  /** Dataset directory (default: `$MURMUR_DATA_DIR`, then `datasets/cache/`). */
  dataDir?: string;
}

const loaders: Record<DatasetName, (dataDir: string) => Promise<Recording[]>> = {
  'predictive-maintenance': loadPredictiveMaintenance,
  'wearable-activity': loadWearableActivity,
  'ppg-triage': loadPpgTriage,
};

/** Loads one of the three datasets from `<dataDir>/<name>/` as Recordings. */
export async function loadDataset(name: DatasetName, opts: LoadOptions = {}): Promise<Recording[]> {
  return loaders[name](resolveDataDir(opts.dataDir));
}
