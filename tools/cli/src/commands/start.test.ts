import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { cacheDataDir } from '@murmur/datasets';
import { capture, restoreAfterEach, run } from '../testing';

restoreAfterEach();

const saved = process.env['MURMUR_DATA_DIR'];
afterEach(() => {
  if (saved === undefined) delete process.env['MURMUR_DATA_DIR'];
  else process.env['MURMUR_DATA_DIR'] = saved;
});

// What a fresh clone has: no MURMUR_DATA_DIR, nothing fetched, the shipped sample.
const fetched = existsSync(join(cacheDataDir(), 'predictive-maintenance'));
const freshTitle = (name: string): string =>
  fetched
    ? `${name} [skipped: datasets/cache holds predictive-maintenance, so this is no fresh clone]`
    : name;

describe('a fresh clone: no data directory', () => {
  it.skipIf(fetched)(
    freshTitle('building predictive-maintenance fails with the fetch command, exit 1, nothing written'),
    async () => {
      delete process.env['MURMUR_DATA_DIR'];
      const out = join(mkdtempSync(join(tmpdir(), 'murmur-start-')), 'out');
      const io = capture();
      expect(await run('build', '--app', 'predictive-maintenance', '--board', 'native', '--out', out)).toBe(
        1,
      );
      expect(io.err()).toContain("'npx murmur data fetch predictive-maintenance'");
      expect(existsSync(out)).toBe(false);
    },
  );

  it('murmur data list names the shipped sample for WISDM and BIDMC, or the source found before it', async () => {
    delete process.env['MURMUR_DATA_DIR'];
    const io = capture();
    expect(await run('data', 'list', '--json')).toBe(0);
    const list = JSON.parse(io.out()) as { name: string; source?: string; subjects: number }[];
    for (const name of ['wearable-activity', 'ppg-triage']) {
      const found = list.find((d) => d.name === name)!;
      const inCache = existsSync(join(cacheDataDir(), name));
      expect(found.source).toBe(inCache ? 'cache' : 'sample');
      if (!inCache) expect(found.subjects).toBe(name === 'wearable-activity' ? 10 : 6);
    }
  });
});
