import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The workspace root: the nearest ancestor holding nx.json (from this file, or from `start`). */
export function workspaceRoot(start: string = dirname(fileURLToPath(import.meta.url))): string {
  let dir = resolve(start);
  for (;;) {
    if (existsSync(join(dir, 'nx.json'))) return dir;
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`no nx.json above ${start}: not inside the Murmur workspace`);
    dir = parent;
  }
}

/** The version in the workspace's package.json. */
export function murmurVersion(): string {
  const pkg = JSON.parse(readFileSync(join(workspaceRoot(), 'package.json'), 'utf8')) as { version: string };
  return pkg.version;
}
