import { statSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { MurmurError } from '@murmur/core';

/** What a failed system call was trying to do, as a user would say it. */
const ACTIONS: Record<string, string> = {
  access: 'access',
  chmod: 'change the permissions of',
  close: 'close',
  connect: 'connect',
  getaddrinfo: 'look up',
  copyfile: 'copy',
  fstat: 'inspect',
  link: 'link',
  lstat: 'inspect',
  mkdir: 'create the directory',
  mkdtemp: 'create a temporary directory in',
  open: 'open',
  opendir: 'list the directory',
  read: 'read',
  readlink: 'read the link',
  realpath: 'resolve',
  rename: 'rename',
  rm: 'delete',
  rmdir: 'delete the directory',
  scandir: 'list the directory',
  stat: 'inspect',
  symlink: 'link',
  unlink: 'delete',
  utime: 'set the times of',
  write: 'write',
};

/** Node's error from a failed system call: a code (`ENOENT`), the call, usually the path. */
export function isSystemError(
  err: unknown,
): err is NodeJS.ErrnoException & { code: string; syscall: string } {
  return (
    err instanceof Error &&
    typeof (err as NodeJS.ErrnoException).code === 'string' &&
    typeof (err as NodeJS.ErrnoException).syscall === 'string'
  );
}

/** Reasons for the codes whose Node message does not spell one out (spawn, network). */
const REASONS: Record<string, string> = {
  EACCES: 'permission denied',
  ECONNREFUSED: 'connection refused',
  ENOENT: 'not found',
  ENOTFOUND: 'host not found',
  ETIMEDOUT: 'timed out',
};

/** `file already exists (EEXIST)`: the system's reason without Node's call and path. */
export function systemReason(err: NodeJS.ErrnoException): string {
  const m = /^[A-Z0-9_]+: (.*?), [a-zA-Z_ ]+(?: '|$)/.exec(err.message);
  const reason = m?.[1] ?? REASONS[err.code ?? ''];
  return reason === undefined ? String(err.code ?? err.message) : `${reason} (${err.code})`;
}

/**
 * One line for a failed system call: the path, what failed and why, e.g.
 * `out/codec: cannot create the directory: file already exists (EEXIST)`.
 */
export function systemErrorText(err: NodeJS.ErrnoException & { syscall: string }): string {
  const spawn = /^spawn(?:Sync)? (.+)$/.exec(err.syscall);
  const action = spawn ? 'run' : (ACTIONS[err.syscall] ?? err.syscall);
  const { dest, address, port, hostname } = err as {
    dest?: string;
    address?: string;
    port?: number;
    hostname?: string;
  };
  const peer = address === undefined ? hostname : port === undefined ? address : `${address}:${port}`;
  const path = err.path ?? spawn?.[1] ?? peer;
  const where = path === undefined ? '' : dest === undefined ? `${path}: ` : `${path} → ${dest}: `;
  return `${where}cannot ${action}: ${systemReason(err)}`;
}

/** Writes an output file; a failure is an error naming the file and why (exit 1). */
export function writeOutputFile(file: string, data: string | Uint8Array): void {
  try {
    writeFileSync(file, data);
  } catch (err) {
    if (!isSystemError(err)) throw err;
    throw new MurmurError(`cannot write: ${systemReason(err)}`, { file }, { cause: err });
  }
}

/** The file standing where `dir` or one of its parents should be a directory, or undefined when none. */
function fileInTheWay(dir: string): string | undefined {
  let at = resolve(dir);
  for (;;) {
    try {
      return statSync(at).isDirectory() ? undefined : at;
    } catch (err) {
      // Missing (ENOENT), or below a file (ENOTDIR): the first part that exists tells.
      const missing = isSystemError(err) && (err.code === 'ENOENT' || err.code === 'ENOTDIR');
      if (!missing || dirname(at) === at) throw err;
      at = dirname(at);
    }
  }
}

/**
 * Checks, before any work, that `dir` is a directory or can be created as one: neither it nor a parent is
 * a file. A path that cannot be used is a failure naming it (exit 1), like any file that cannot be written.
 */
export function requireOutputDir(dir: string, option: string): void {
  const file = fileInTheWay(dir);
  if (file === undefined) return;
  throw new MurmurError(
    file === resolve(dir)
      ? `${option} needs a directory, and this is a file`
      : `is a file, so ${option} ${dir} cannot be created`,
    { file },
  );
}

/** Checks, before any work, that `file` can be written: not a directory, in a folder that exists. */
export function requireOutputFile(file: string, option: string): void {
  let isDirectory = false;
  try {
    isDirectory = statSync(file).isDirectory();
  } catch {
    // absent (or not inspectable): the folder check below and the write itself tell
  }
  if (isDirectory) throw new MurmurError(`${option} needs a file name, and this is a directory`, { file });
  const folder = dirname(resolve(file));
  const inTheWay = fileInTheWay(folder);
  if (inTheWay !== undefined)
    throw new MurmurError(`is a file, so ${option} ${file} cannot be written`, { file: inTheWay });
  try {
    statSync(folder);
  } catch (err) {
    if (!isSystemError(err) || err.code !== 'ENOENT') throw err;
    throw new MurmurError(`folder not found, so ${option} ${file} cannot be written`, { file: folder });
  }
}
