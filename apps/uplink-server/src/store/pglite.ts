/**
 * The embedded store: PGlite (PostgreSQL compiled to WebAssembly) with its data directory on disk. One
 * process owns a data directory at a time (a lock file, `murmur.lock`, holds the owner's pid). A commit
 * returns once PostgreSQL has written it through the operating system, so it survives the process; PGlite
 * does not fsync, so for durability across a power loss use PostgreSQL.
 */
import { closeSync, mkdirSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { MurmurError } from '@murmur/core';
import type { SqlDriver, SqlQueries } from './driver';

function queriesOf(db: Pick<PGlite, 'query' | 'exec'>): SqlQueries {
  return {
    async query<T>(sql: string, params: unknown[] = []): Promise<T[]> {
      return (await db.query<T>(sql, params)).rows;
    },
    async exec(sql: string): Promise<void> {
      await db.exec(sql);
    },
  };
}

/** True when a process with this pid runs. */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Takes the data directory's lock for this process; returns its release. */
function lock(dir: string): () => void {
  const file = join(dir, 'murmur.lock');
  for (let attempt = 0; ; attempt++) {
    try {
      const fd = openSync(file, 'wx');
      writeSync(fd, String(process.pid));
      closeSync(fd);
      return () => {
        try {
          unlinkSync(file);
        } catch {
          // already gone
        }
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      let owner = NaN;
      try {
        owner = Number(readFileSync(file, 'utf8').trim());
      } catch {
        // removed meanwhile: try again
      }
      if (attempt === 0 && !(Number.isInteger(owner) && owner > 0 && alive(owner))) {
        unlinkSync(file); // left by a process that is gone
        continue;
      }
      throw new MurmurError(
        `the data directory is in use${Number.isInteger(owner) ? ` by process ${owner}` : ''} (one server per directory)`,
        { file: dir },
      );
    }
  }
}

/** A PGlite database in `dir` (created when missing). */
export async function openPglite(dir: string): Promise<SqlDriver> {
  const path = resolve(dir);
  mkdirSync(path, { recursive: true });
  const release = lock(path);
  let db: PGlite;
  try {
    db = await PGlite.create(path);
  } catch (err) {
    release();
    throw err;
  }
  return {
    kind: 'pglite',
    location: path,
    ...queriesOf(db),
    transaction: (fn) => db.transaction((tx) => fn(queriesOf(tx))),
    close: async () => {
      try {
        await db.close();
      } finally {
        release();
      }
    },
  };
}
