import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { MurmurError } from '@murmur/core';
import { fetchCommand, resolveDataSource, type DataSource } from '../datadir';
import type { DatasetName } from '../recording';

/**
 * Real data for a test, found in the one order of `resolveDataSource` (MURMUR_DATA_DIR, datasets/cache,
 * the shipped sample). A test whose data is not there is skipped, never passed: its title carries
 * `[skipped: <why and how to get the data>]`, which `npm test`'s closing summary lists.
 *
 *   const wisdm = testData('wearable-activity');                   // the shipped sample is enough
 *   const full = testData('wearable-activity', { full: true });    // needs the whole development data
 *   describe.skipIf(wisdm.skip)(wisdm.title('features on WISDM'), () => { ... wisdm.dataDir ... });
 */
export interface TestData {
  /** The directory holding `<dataset>/` (empty when skipped). */
  dataDir: string;
  source?: DataSource;
  /** True when the test must be skipped. */
  skip: boolean;
  /** Why, and how to get the data ('' when not skipped). */
  reason: string;
  /** The test's title, with `[skipped: reason]` when skipped. */
  title(name: string): string;
}

export const SKIP_TAG = '[skipped: ';

export function testData(dataset: DatasetName, opts: { full?: boolean } = {}): TestData {
  const make = (dataDir: string, reason: string, source?: DataSource): TestData => ({
    dataDir,
    source,
    skip: reason !== '',
    reason,
    title: (name) => (reason ? `${name} ${SKIP_TAG}${reason}]` : name),
  });
  const get = `get it with '${fetchCommand(dataset)}' or set MURMUR_DATA_DIR`;
  let source: DataSource;
  try {
    source = resolveDataSource(dataset);
  } catch (err) {
    if (!(err instanceof MurmurError)) throw err;
    return make('', `needs the ${dataset} dataset, which is not here: ${get}`);
  }
  if (!existsSync(join(source.dataDir, dataset)))
    return make('', `needs ${dataset}/, which ${source.dataDir} does not hold: ${get}`, source);
  if (opts.full && source.kind === 'sample')
    return make('', `needs the whole ${dataset} development data, not the shipped sample: ${get}`, source);
  return make(source.dataDir, '', source);
}
