import { readdirSync, readFileSync } from 'node:fs';
import { basename, join, relative } from 'node:path';
import { fieldPath, MurmurError, workspaceRoot } from '@murmur/core';
import { boardSchema, type Board } from './schema';

/** The folder holding one JSON file per board. */
export function boardsDir(): string {
  return join(workspaceRoot(), 'boards');
}

/** Validates one board object; `file` is named in errors. */
export function parseBoard(value: unknown, file = '<board>'): Board {
  const result = boardSchema.safeParse(value);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    const more =
      result.error.issues.length > 1 ? ` (and ${result.error.issues.length - 1} more problems)` : '';
    throw new MurmurError(`${issue.message}${more}`, { file, field: fieldPath(issue.path) || '(root)' });
  }
  const board = result.data;
  const stem = basename(file, '.json');
  if (file.endsWith('.json') && stem !== board.id) {
    throw new MurmurError(`id '${board.id}' does not match the file name '${stem}.json'`, {
      file,
      field: 'id',
    });
  }
  return board;
}

export function readBoardFile(file: string): Board {
  let value: unknown;
  const shown = relative(process.cwd(), file) || file;
  try {
    value = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new MurmurError(`not valid JSON: ${(err as Error).message}`, { file: shown }, { cause: err });
  }
  return parseBoard(value, shown.endsWith('.json') ? shown : file);
}

/** Whether a file in the boards folder is a board (not the JSON Schema, not a `_`-prefixed draft). */
export function isBoardFile(name: string): boolean {
  return name.endsWith('.json') && !name.endsWith('.schema.json') && !name.startsWith('_');
}

/** Every board in `dir` (default `boards/`), sorted by id. Throws on the first invalid file. */
export function loadBoards(dir: string = boardsDir()): Board[] {
  return readdirSync(dir)
    .filter(isBoardFile)
    .sort()
    .map((f) => readBoardFile(join(dir, f)));
}

export function getBoard(id: string, dir: string = boardsDir()): Board {
  const boards = loadBoards(dir);
  const board = boards.find((b) => b.id === id);
  if (!board) {
    throw new MurmurError(`unknown board '${id}'; known boards: ${boards.map((b) => b.id).join(', ')}`);
  }
  return board;
}
