import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MurmurError, workspaceRoot } from '@murmur/core';
import { dataSourceLine, resolveDataDir, resolveDataSource } from './datadir';
import { sampleDir } from './sample';

const saved = process.env['MURMUR_DATA_DIR'];
afterEach(() => {
  if (saved === undefined) delete process.env['MURMUR_DATA_DIR'];
  else process.env['MURMUR_DATA_DIR'] = saved;
});

describe('resolveDataDir (where murmur data fetch writes)', () => {
  it('prefers --data-dir, then $MURMUR_DATA_DIR, then datasets/cache', () => {
    process.env['MURMUR_DATA_DIR'] = '/tmp/env-data';
    expect(resolveDataDir('rel/dir')).toBe(resolve('rel/dir'));
    expect(resolveDataDir()).toBe('/tmp/env-data');
    delete process.env['MURMUR_DATA_DIR'];
    expect(resolveDataDir()).toBe(join(workspaceRoot(), 'datasets', 'cache'));
  });
});

describe('resolveDataSource (where every command and test reads a dataset)', () => {
  // An empty cache, as on a fresh clone, and the real shipped sample.
  let places: { cache: string; sample: string };
  beforeEach(() => {
    places = { cache: join(mkdtempSync(join(tmpdir(), 'murmur-cache-')), 'cache'), sample: sampleDir() };
    delete process.env['MURMUR_DATA_DIR'];
  });

  it('with no flag and no environment: the shipped sample for WISDM and BIDMC', () => {
    for (const dataset of ['wearable-activity', 'ppg-triage'] as const) {
      const source = resolveDataSource(dataset, undefined, places);
      expect(source).toEqual({ dataset, kind: 'sample', dataDir: sampleDir() });
    }
    expect(dataSourceLine(resolveDataSource('wearable-activity', undefined, places), 10)).toBe(
      `data: shipped sample ${join(sampleDir(), 'wearable-activity')} (10 of 51 WISDM subjects); ` +
        `'npx murmur data fetch wearable-activity' downloads the full dataset`,
    );
  });

  it('with no flag and no environment: predictive-maintenance fails with the fetch command', () => {
    const err = (() => {
      try {
        resolveDataSource('predictive-maintenance', undefined, places);
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(MurmurError);
    expect((err as MurmurError).exitCode).toBe(1);
    expect((err as Error).message).toContain("'npx murmur data fetch predictive-maintenance'");
    expect((err as Error).message).toContain('no sample of it ships');
  });

  it('a fetched copy in datasets/cache comes before the sample', () => {
    mkdirSync(join(places.cache, 'wearable-activity'), { recursive: true });
    expect(resolveDataSource('wearable-activity', undefined, places)).toMatchObject({
      kind: 'cache',
      dataDir: places.cache,
    });
    expect(resolveDataSource('ppg-triage', undefined, places).kind).toBe('sample');
  });

  it('MURMUR_DATA_DIR, then --data-dir, win over both, and are never passed over', () => {
    mkdirSync(join(places.cache, 'wearable-activity'), { recursive: true });
    process.env['MURMUR_DATA_DIR'] = '/tmp/env-data';
    for (const dataset of ['wearable-activity', 'ppg-triage', 'predictive-maintenance'] as const)
      expect(resolveDataSource(dataset, undefined, places)).toEqual({
        dataset,
        kind: 'env',
        dataDir: '/tmp/env-data',
      });
    expect(resolveDataSource('ppg-triage', 'rel/dir', places)).toEqual({
      dataset: 'ppg-triage',
      kind: 'flag',
      dataDir: resolve('rel/dir'),
    });
    expect(dataSourceLine(resolveDataSource('ppg-triage', undefined, places), 23)).toBe(
      'data: /tmp/env-data/ppg-triage (MURMUR_DATA_DIR; 23 subjects)',
    );
  });

  it('a --data-dir naming the directory the order finds anyway keeps its kind', () => {
    expect(resolveDataSource('wearable-activity', sampleDir(), places).kind).toBe('sample');
    process.env['MURMUR_DATA_DIR'] = '/tmp/env-data';
    expect(resolveDataSource('wearable-activity', '/tmp/env-data', places).kind).toBe('env');
    expect(resolveDataSource('wearable-activity', sampleDir(), places).kind).toBe('flag');
  });
});
