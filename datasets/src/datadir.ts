import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { MurmurError, workspaceRoot } from '@murmur/core';
import type { DatasetName } from './recording';
import { sampleDir, sampleSpecs } from './sample';

/**
 * Where a dataset is read from, in one order for every command, Nx target and test:
 *   1. `--data-dir <dir>`            (flag)
 *   2. `$MURMUR_DATA_DIR`            (env)
 *   3. `datasets/cache/`, where `murmur data fetch` writes   (cache, when it holds the dataset)
 *   4. `datasets/samples/`, the small sample that ships       (sample, when the dataset has one)
 * A directory given by flag or environment is used as it is, never passed over: a dataset missing
 * there is an error naming that directory, not a silent fall-back to other data.
 */
export type DataSourceKind = 'flag' | 'env' | 'cache' | 'sample';

export interface DataSource {
  dataset: DatasetName;
  kind: DataSourceKind;
  /** The directory holding `<dataset>/`. */
  dataDir: string;
}

export const cacheDataDir = (): string => join(workspaceRoot(), 'datasets', 'cache');

/** The directory `murmur data fetch` writes to: `--data-dir`, else `$MURMUR_DATA_DIR`, else `datasets/cache/`. */
export function resolveDataDir(explicit?: string): string {
  if (explicit) return resolve(explicit);
  const env = process.env['MURMUR_DATA_DIR'];
  if (env) return resolve(env);
  return cacheDataDir();
}

export const fetchCommand = (dataset: DatasetName): string => `npx murmur data fetch ${dataset}`;

/** The workspace's own places for data (a test may point them elsewhere). */
export interface DataPlaces {
  cache: string;
  sample: string;
}

/**
 * Where `dataset` is read from (see DataSourceKind); throws with the fetch command when nowhere. A
 * `--data-dir` that names the directory the order would find anyway keeps that source's kind (a command
 * handed the resolved directory still says "shipped sample").
 */
export function resolveDataSource(
  dataset: DatasetName,
  explicit?: string,
  places: DataPlaces = { cache: cacheDataDir(), sample: sampleDir() },
): DataSource {
  const found = implicitSource(dataset, places);
  if (explicit) {
    const dataDir = resolve(explicit);
    return found?.dataDir === dataDir ? found : { dataset, kind: 'flag', dataDir };
  }
  if (found) return found;
  throw new MurmurError(
    `dataset ${dataset} not found: no --data-dir, MURMUR_DATA_DIR is not set, datasets/cache/${dataset} does ` +
      `not exist${sampleSpecs[dataset] ? '' : ' and no sample of it ships (its licence does not allow it)'}. ` +
      `Download it with '${fetchCommand(dataset)}', or set MURMUR_DATA_DIR to a directory holding ${dataset}/`,
    { file: join(places.cache, dataset) },
  );
}

/** The order without a flag: MURMUR_DATA_DIR, then the cache, then the sample; undefined when none. */
function implicitSource(dataset: DatasetName, places: DataPlaces): DataSource | undefined {
  const env = process.env['MURMUR_DATA_DIR'];
  if (env) return { dataset, kind: 'env', dataDir: resolve(env) };
  if (existsSync(join(places.cache, dataset))) return { dataset, kind: 'cache', dataDir: places.cache };
  if (sampleSpecs[dataset] && existsSync(join(places.sample, dataset)))
    return { dataset, kind: 'sample', dataDir: places.sample };
  return undefined;
}

/**
 * The one line a command that trains or evaluates prints about its data, e.g.
 * `data: shipped sample datasets/samples (10 of 51 WISDM subjects); 'npx murmur data fetch wearable-activity' downloads the full dataset`.
 */
export function dataSourceLine(source: DataSource, subjects: number): string {
  const where = join(source.dataDir, source.dataset);
  const unit = `${subjects} subject${subjects === 1 ? '' : 's'}`;
  switch (source.kind) {
    case 'flag':
      return `data: ${where} (--data-dir; ${unit})`;
    case 'env':
      return `data: ${where} (MURMUR_DATA_DIR; ${unit})`;
    case 'cache':
      return `data: ${where} (fetched; ${unit})`;
    case 'sample': {
      const spec = sampleSpecs[source.dataset]!;
      return (
        `data: shipped sample ${where} (${subjects} of ${spec.of} ${spec.noun}); ` +
        `'${fetchCommand(source.dataset)}' downloads the full dataset`
      );
    }
  }
}
