import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { workspaceBoardsDir } from './registry';
import { boardSchema } from './schema';

/** The file the board files name in `$schema`. */
export function boardJsonSchemaPath(dir: string = workspaceBoardsDir()): string {
  return join(dir, 'board.schema.json');
}

/**
 * The JSON Schema of a board file, generated from the zod schema (input side: hex strings allowed, defaults
 * optional). Cross-field rules (flags for the core, emulator for the core, ...) stay in zod only.
 */
export function boardJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(boardSchema, { io: 'input', target: 'draft-2020-12' }) as Record<
    string,
    unknown
  >;
  return {
    ...schema,
    title: 'Murmur board',
    description:
      'One board in boards/<id>.json. Generated from packages/boards/src/schema.ts; do not edit by hand.',
  };
}

/** The text of boards/board.schema.json as it should be committed (formatted with the workspace's Prettier). */
export async function renderBoardJsonSchema(file: string = boardJsonSchemaPath()): Promise<string> {
  const prettier = await import('prettier');
  const options = (await prettier.resolveConfig(file)) ?? {};
  return prettier.format(JSON.stringify(boardJsonSchema()), { ...options, parser: 'json' });
}

/** Writes boards/board.schema.json; returns true when the file changed. */
export async function writeBoardJsonSchema(file: string = boardJsonSchemaPath()): Promise<boolean> {
  const text = await renderBoardJsonSchema(file);
  let current = '';
  try {
    current = readFileSync(file, 'utf8');
  } catch {
    // missing file: written below
  }
  if (current === text) return false;
  writeFileSync(file, text);
  return true;
}
