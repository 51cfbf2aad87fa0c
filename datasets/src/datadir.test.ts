import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { workspaceRoot } from '@murmur/core';
import { resolveDataDir } from './datadir';

const saved = process.env['MURMUR_DATA_DIR'];
afterEach(() => {
  if (saved === undefined) delete process.env['MURMUR_DATA_DIR'];
  else process.env['MURMUR_DATA_DIR'] = saved;
});

describe('resolveDataDir', () => {
  it('prefers --data-dir, then $MURMUR_DATA_DIR, then datasets/cache', () => {
    process.env['MURMUR_DATA_DIR'] = '/tmp/env-data';
    expect(resolveDataDir('rel/dir')).toBe(resolve('rel/dir'));
    expect(resolveDataDir()).toBe('/tmp/env-data');
    delete process.env['MURMUR_DATA_DIR'];
    expect(resolveDataDir()).toBe(join(workspaceRoot(), 'datasets', 'cache'));
  });
});
