/**
 * Once per test run (vitest's globalSetup): a PGlite data directory with the migrations applied, which
 * `tempPgliteStore` copies instead of creating each store anew (PGlite's initdb takes seconds, a copy and an
 * open a fraction of that). Its path travels to the test workers in MURMUR_TEST_PGLITE_TEMPLATE.
 */
import { join } from 'node:path';
import { openPglite, SqlStore } from './store';
import { PGLITE_TEMPLATE_ENV, tempDir } from './testing';

export default async function setup(): Promise<() => void> {
  const tmp = tempDir('murmur-pglite-template-');
  const dir = join(tmp.dir, 'db');
  const store = new SqlStore(await openPglite(dir));
  await store.migrate();
  await store.close();
  process.env[PGLITE_TEMPLATE_ENV] = dir;
  return () => tmp.remove();
}
