import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { MurmurError, UsageError, workspaceRoot } from '@murmur/core';
import { loadSuites } from './suites/index';

/** Runs the named suites (all when none is named) and writes bench/results/<name>.json for each. */
export async function runBenchmarks(names: string[]): Promise<string[]> {
  const suites = await loadSuites();
  const known = suites.map((s) => s.name);
  const chosen = names.length ? names : known;
  for (const name of chosen) {
    if (!known.includes(name)) {
      throw new UsageError(`unknown benchmark suite '${name}' (known: ${known.join(', ') || 'none'})`);
    }
  }
  if (chosen.length === 0) throw new MurmurError('no benchmark suites are registered');
  const dir = join(workspaceRoot(), 'bench', 'results');
  mkdirSync(dir, { recursive: true });
  const written: string[] = [];
  for (const name of chosen) {
    const suite = suites.find((s) => s.name === name)!;
    process.stderr.write(`bench ${name}: ${suite.description}\n`);
    const result = await suite.run();
    const file = join(dir, `${name}.json`);
    writeFileSync(
      file,
      `${JSON.stringify({ suite: name, node: process.version, date: new Date().toISOString(), result }, null, 2)}\n`,
    );
    process.stdout.write(`wrote ${file}\n`);
    written.push(file);
  }
  return written;
}
