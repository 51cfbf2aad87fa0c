/**
 * One error type for every failure a user can cause: it names where the problem is
 * (a file, a field path, a byte offset) so the message can be acted on without a debugger.
 */
export interface ErrorLocation {
  /** File the bad input came from. */
  file?: string;
  /** Path to the bad field, e.g. `radio.regions[2]`. */
  field?: string;
  /** Byte offset in a binary input. */
  offset?: number;
  /** Line number (1-based) in a text input. */
  line?: number;
}

export class MurmurError extends Error {
  override readonly name = 'MurmurError';
  readonly location: ErrorLocation;
  /** Exit code the CLI uses: 2 for usage errors, 1 for everything else. */
  readonly exitCode: number;

  constructor(message: string, location: ErrorLocation = {}, options: { cause?: unknown; exitCode?: number } = {}) {
    super(formatLocated(message, location), { cause: options.cause });
    this.location = location;
    this.exitCode = options.exitCode ?? 1;
  }
}

/** A mistake in how a command was called (missing option, unknown value): exit code 2. */
export class UsageError extends MurmurError {
  constructor(message: string) {
    super(message, {}, { exitCode: 2 });
  }
}

export function formatLocated(message: string, loc: ErrorLocation): string {
  const where: string[] = [];
  if (loc.file !== undefined) where.push(loc.line !== undefined ? `${loc.file}:${loc.line}` : loc.file);
  else if (loc.line !== undefined) where.push(`line ${loc.line}`);
  if (loc.field !== undefined) where.push(`field '${loc.field}'`);
  if (loc.offset !== undefined) where.push(`byte ${loc.offset}`);
  return where.length ? `${where.join(', ')}: ${message}` : message;
}

/** Joins a path of keys/indices as `a.b[3].c`. */
export function fieldPath(path: readonly (string | number | symbol)[]): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else out += out ? `.${String(key)}` : String(key);
  }
  return out;
}
