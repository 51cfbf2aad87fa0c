import { readdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Command } from 'commander';

/**
 * A command module: one file per top-level command in this folder, exporting `command`.
 * Modules import heavy dependencies (tfjs, codegen) inside their actions, so `murmur --help` stays fast.
 */
export interface CommandModule {
  /** Position in `murmur --help` (lower first). */
  order: number;
  register(program: Command): void;
}

/** Every command module in this folder, in help order. */
export async function loadCommands(): Promise<CommandModule[]> {
  const dir = dirname(fileURLToPath(import.meta.url));
  const files = readdirSync(dir).filter(
    (f) => f.endsWith('.ts') && f !== 'index.ts' && !f.endsWith('.test.ts'),
  );
  const modules = await Promise.all(
    files.map(async (f) => ((await import(`./${f}`)) as { command?: CommandModule }).command),
  );
  return modules.filter((m): m is CommandModule => m !== undefined).sort((a, b) => a.order - b.order);
}
