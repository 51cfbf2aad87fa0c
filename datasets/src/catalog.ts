import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { fieldPath, MurmurError, workspaceRoot } from '@murmur/core';
import type { DatasetName } from './recording';

/**
 * The catalog: one `datasets/catalog/<name>.json` per dataset saying where the originals come from
 * (sources with a base URL and file paths), under which licence, how to cite them, how to check them
 * (a SHA-256 per file, or a published checksum list such as PhysioNet's SHA256SUMS.txt) and how they
 * are converted to the folder layout the loaders read. Files without a published hash get one in
 * `datasets/catalog/<name>.lock.json` on first download, which later downloads must match.
 */

const fileSchema = z.object({
  path: z.string().min(1),
  sha256: z
    .string()
    .regex(/^[0-9a-f]{64}$/)
    .optional(),
  /** Per-file facts the conversion needs (label, load, rate, ...). */
  meta: z.record(z.string(), z.union([z.string(), z.number()])).optional(),
});

const sourceSchema = z.object({
  id: z.string().regex(/^[a-z0-9-]+$/),
  baseUrl: z.string().url(),
  /** Path (under baseUrl) of a published `sha256  path` list covering the files. */
  checksums: z.string().optional(),
  note: z.string().optional(),
  files: z.array(fileSchema).min(1),
});

export const catalogSchema = z.object({
  name: z.string(),
  title: z.string(),
  homepage: z.string().url(),
  doi: z.string().optional(),
  licence: z.string(),
  citation: z.array(z.string()).min(1),
  sources: z.array(sourceSchema).min(1),
  conversion: z
    .object({
      format: z.enum(['bidmc-csv', 'wisdm-watch-accel', 'cwru-ims']),
      description: z.string(),
    })
    .catchall(z.unknown()),
});

export type Catalog = z.infer<typeof catalogSchema>;
export type CatalogSource = Catalog['sources'][number];
export type CatalogFile = CatalogSource['files'][number];

/** Hashes recorded on first download: `<source id>/<path>` → SHA-256 and size. */
export interface CatalogLock {
  dataset: string;
  files: Record<string, { sha256: string; bytes: number }>;
}

export const defaultCatalogDir = (): string => join(workspaceRoot(), 'datasets', 'catalog');

function readJson(file: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new MurmurError('file not found', { file }, { cause: err });
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    throw new MurmurError(`not valid JSON (${(err as Error).message})`, { file }, { cause: err });
  }
}

/** Reads and validates `<catalogDir>/<name>.json`. */
export function loadCatalog(name: DatasetName, catalogDir = defaultCatalogDir()): Catalog {
  const file = join(catalogDir, `${name}.json`);
  const parsed = catalogSchema.safeParse(readJson(file));
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new MurmurError(issue.message, { file, field: fieldPath(issue.path) || '(root)' });
  }
  if (parsed.data.name !== name)
    throw new MurmurError(`catalog names '${parsed.data.name}'`, { file, field: 'name' });
  return parsed.data;
}

export const lockPath = (name: DatasetName, catalogDir = defaultCatalogDir()): string =>
  join(catalogDir, `${name}.lock.json`);

/** Reads the lock file, or an empty lock when there is none yet. */
export function readLock(name: DatasetName, catalogDir = defaultCatalogDir()): CatalogLock {
  const file = lockPath(name, catalogDir);
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8')) as unknown;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { dataset: name, files: {} };
    throw new MurmurError(`cannot read lock file (${(err as Error).message})`, { file });
  }
  const lock = raw as CatalogLock;
  if (typeof lock !== 'object' || lock === null || typeof lock.files !== 'object') {
    throw new MurmurError("expected { dataset, files: { '<source>/<path>': { sha256, bytes } } }", { file });
  }
  return lock;
}

export function writeLock(name: DatasetName, lock: CatalogLock, catalogDir = defaultCatalogDir()): void {
  const sorted = Object.fromEntries(Object.entries(lock.files).sort(([a], [b]) => (a < b ? -1 : 1)));
  writeFileSync(lockPath(name, catalogDir), `${JSON.stringify({ dataset: name, files: sorted }, null, 2)}\n`);
}

/** Parses a `sha256sum`-style list (`<hex>  <path>` or `<hex> *<path>`) into path → hash. */
export function parseChecksumList(text: string, file: string): Map<string, string> {
  const out = new Map<string, string>();
  text.split(/\r?\n/).forEach((line, i) => {
    if (line.trim() === '') return;
    const m = /^([0-9a-fA-F]{64})\s+\*?(.+)$/.exec(line.trim());
    if (!m) throw new MurmurError('expected "<sha256>  <path>"', { file, line: i + 1 });
    out.set(m[2]!.replace(/^\.\//, ''), m[1]!.toLowerCase());
  });
  return out;
}
