import { readFile, stat } from 'node:fs/promises';
import { gunzip } from 'node:zlib';
import { promisify } from 'node:util';
import { MurmurError } from '@murmur/core';
import { parseCsv, type CsvTable } from './csv';

const gunzipAsync = promisify(gunzip);

/** Reads a file, turning a missing or unreadable file into a MurmurError naming it. */
export async function readBytes(file: string): Promise<Buffer> {
  try {
    return await readFile(file);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'file not found' : `cannot read file (${code ?? String(err)})`;
    throw new MurmurError(why, { file }, { cause: err });
  }
}

/** Reads a file and gunzips it when its name ends in `.gz` (corrupt data is an error naming the file). */
export async function readMaybeGzip(file: string): Promise<Buffer> {
  const bytes = await readBytes(file);
  if (!file.endsWith('.gz')) return bytes;
  try {
    return await gunzipAsync(bytes);
  } catch (err) {
    throw new MurmurError(`not a valid gzip file (${(err as Error).message})`, { file }, { cause: err });
  }
}

/** Reads and parses a (possibly gzipped) CSV file with a header row. */
export async function readCsvTable(file: string): Promise<CsvTable> {
  return parseCsv((await readMaybeGzip(file)).toString('utf8'), file);
}

/** Throws a MurmurError unless `dir` is an existing directory. */
export async function requireDir(dir: string, what: string): Promise<void> {
  const info = await stat(dir).catch(() => undefined);
  if (!info?.isDirectory()) {
    throw new MurmurError(
      `${what} not found (expected a directory); run 'murmur data fetch' or set --data-dir`,
      {
        file: dir,
      },
    );
  }
}

/** Runs `fn` over `items` with at most `limit` in flight, keeping the input order in the result. */
export async function mapLimit<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T, i: number) => Promise<R>,
): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]!, i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}
