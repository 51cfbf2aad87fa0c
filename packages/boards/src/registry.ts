import { readdirSync, readFileSync } from 'node:fs';
import { basename, isAbsolute, join, relative, resolve } from 'node:path';
import { fieldPath, MurmurError, UsageError, workspaceRoot } from '@murmur/core';
import { boardSchema, type Board } from './schema';

/** The workspace's own folder of board files (where the committed JSON Schema lives). */
export function workspaceBoardsDir(): string {
  return join(workspaceRoot(), 'boards');
}

/** The folder holding one JSON file per board: `$MURMUR_BOARDS_DIR`, else the workspace's `boards/`. */
export function boardsDir(): string {
  const env = process.env['MURMUR_BOARDS_DIR'];
  return env ? resolve(env) : workspaceBoardsDir();
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

/** A path as errors show it: relative to the working directory when below it, else absolute. */
function shownPath(file: string): string {
  const rel = relative(process.cwd(), file);
  return rel && !rel.startsWith('..') && !isAbsolute(rel) ? rel : resolve(file);
}

export function readBoardFile(file: string): Board {
  const shown = shownPath(file);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? (err as Error).message;
    throw new MurmurError(`cannot read the board file (${code})`, { file: shown }, { cause: err });
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new MurmurError(`not valid JSON: ${(err as Error).message}`, { file: shown }, { cause: err });
  }
  return parseBoard(value, shown);
}

/** Whether a file in the boards folder is a board (not the JSON Schema, not a `_`-prefixed draft). */
export function isBoardFile(name: string): boolean {
  return name.endsWith('.json') && !name.endsWith('.schema.json') && !name.startsWith('_');
}

/** A board file that does not validate: its id (the file name) and the error naming file and field. */
export interface BoardProblem {
  id: string;
  file: string;
  error: MurmurError;
}

/** Every board file in `dir`: the boards that validate (sorted by id) and the files that do not. */
export function scanBoards(dir: string = boardsDir()): { boards: Board[]; problems: BoardProblem[] } {
  let names: string[];
  try {
    names = readdirSync(dir).filter(isBoardFile).sort();
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? (err as Error).message;
    throw new MurmurError(`cannot list the boards folder (${code})`, { file: dir }, { cause: err });
  }
  const boards: Board[] = [];
  const problems: BoardProblem[] = [];
  for (const name of names) {
    const file = join(dir, name);
    try {
      boards.push(readBoardFile(file));
    } catch (err) {
      if (!(err instanceof MurmurError)) throw err;
      problems.push({ id: basename(name, '.json'), file, error: err });
    }
  }
  return { boards, problems };
}

/** The problems already reported by this process (each once). */
const reported = new Set<string>();

function warnSkipped(problems: readonly BoardProblem[]): void {
  for (const p of problems) {
    if (reported.has(p.error.message)) continue;
    reported.add(p.error.message);
    process.stderr.write(`warning: board '${p.id}' skipped: ${p.error.message}\n`);
  }
}

/**
 * Every board in `dir` (default `boards/`) that validates, sorted by id. A file that does not validate is
 * left out, with one warning on stderr naming the file and field (once per process).
 */
export function loadBoards(dir: string = boardsDir()): Board[] {
  const { boards, problems } = scanBoards(dir);
  warnSkipped(problems);
  return boards;
}

/**
 * The board `id`. Its own file failing validation is an error naming the file and field; other files that
 * fail are warned about (once) and do not stand in the way. An unknown id is a usage error listing the boards.
 */
export function getBoard(id: string, dir: string = boardsDir()): Board {
  const { boards, problems } = scanBoards(dir);
  const own = problems.find((p) => p.id === id);
  if (own) throw own.error;
  warnSkipped(problems);
  const board = boards.find((b) => b.id === id);
  if (!board) {
    const invalid = problems.length ? ` (not valid: ${problems.map((p) => p.id).join(', ')})` : '';
    throw new UsageError(
      `unknown board '${id}'; known boards: ${boards.map((b) => b.id).join(', ')}${invalid}`,
    );
  }
  return board;
}
