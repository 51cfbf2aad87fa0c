import { readdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BenchSuite } from '../suite';

/** Every benchmark suite: one file per suite in this folder, exporting `suite` (`npm run bench -- <name>`). */
export async function loadSuites(): Promise<BenchSuite[]> {
  const dir = dirname(fileURLToPath(import.meta.url));
  const files = readdirSync(dir).filter(
    (f) => f.endsWith('.ts') && f !== 'index.ts' && !f.endsWith('.test.ts'),
  );
  const modules = await Promise.all(
    files.map(async (f) => ((await import(`./${f}`)) as { suite?: BenchSuite }).suite),
  );
  return modules.filter((s): s is BenchSuite => s !== undefined).sort((a, b) => a.name.localeCompare(b.name));
}
