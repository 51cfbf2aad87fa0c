import { join, resolve } from 'node:path';
import { workspaceRoot } from '@murmur/core';

/** The dataset directory: an explicit `--data-dir`, else `$MURMUR_DATA_DIR`, else `datasets/cache/` (git-ignored). */
export function resolveDataDir(explicit?: string): string {
  if (explicit) return resolve(explicit);
  const env = process.env['MURMUR_DATA_DIR'];
  if (env) return resolve(env);
  return join(workspaceRoot(), 'datasets', 'cache');
}
