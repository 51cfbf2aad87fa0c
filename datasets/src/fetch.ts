import { existsSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { createProgress, MurmurError, type Progress } from '@murmur/core';
import {
  defaultCatalogDir,
  loadCatalog,
  parseChecksumList,
  readLock,
  writeLock,
  type Catalog,
  type CatalogLock,
  type CatalogSource,
} from './catalog';
import { convertBidmc } from './convert-ppg';
import {
  convertCwruFile,
  convertImsFile,
  ensureRecordingsDir,
  writeVibrationIndex,
} from './convert-vibration';
import { convertWisdm } from './convert-wisdm';
import { resolveDataDir } from './datadir';
import { download, sha256File } from './download';
import type { DatasetName } from './recording';

/**
 * `murmur data fetch`: downloads a dataset's originals (as listed in its catalog) into
 * `<dataDir>/<name>/originals/<source id>/`, verifies each file's SHA-256 (catalog, published list,
 * or lock file), and converts them into `<dataDir>/<name>/` in the layout the loaders read.
 */
export interface FetchOptions {
  dataDir?: string;
  /** Serve every source from here instead of its catalog URL (`<baseUrl>/<path>`); for mirrors and tests. */
  baseUrl?: string;
  /** Where the catalog and lock files live (default `datasets/catalog/`). */
  catalogDir?: string;
  quiet?: boolean;
  /** Progress bars and status lines (default stderr). */
  stream?: NodeJS.WritableStream & { isTTY?: boolean };
}

export interface FetchResult {
  dir: string;
  /** Files fetched over the network in this run. */
  downloaded: number;
  /** Files already present and verified. */
  reused: number;
  /** Hashes newly written to the lock file. */
  locked: number;
  /** What the conversion produced (record ids, subjects or index rows). */
  converted: number;
}

const joinUrl = (base: string, path: string): string => `${base.replace(/\/+$/, '')}/${path}`;

interface FetchState {
  opts: FetchOptions;
  lock: CatalogLock;
  result: FetchResult;
  progress: Progress;
}

/** Makes one original present and verified; returns its local path. */
async function fetchFile(
  state: FetchState,
  source: CatalogSource,
  path: string,
  dir: string,
  expected: string | undefined,
): Promise<string> {
  const dest = join(dir, path);
  const key = `${source.id}/${path}`;
  const locked = state.lock.files[key]?.sha256;
  const want = expected ?? locked;
  if (existsSync(dest)) {
    const have = await sha256File(dest);
    if (want && have !== want) {
      throw new MurmurError(
        `checksum mismatch: expected SHA-256 ${want}, got ${have}; delete it to download again`,
        { file: dest },
      );
    }
    state.result.reused++;
    state.progress.tick(1, path);
    if (!want) record(state, key, have, (await stat(dest)).size);
    return dest;
  }
  const url = joinUrl(state.opts.baseUrl ?? source.baseUrl, path);
  const got = await download(url, dest, {
    sha256: want,
    label: path,
    quiet: state.opts.quiet,
    progressStream: state.opts.stream,
  });
  state.result.downloaded++;
  state.progress.tick(1, path);
  if (!want) record(state, key, got.sha256, got.bytes);
  return dest;
}

function record(state: FetchState, key: string, sha256: string, bytes: number): void {
  state.lock.files[key] = { sha256, bytes };
  state.result.locked++;
}

/** Fetches every file of a source; returns local paths by catalog path. */
async function fetchSource(
  state: FetchState,
  source: CatalogSource,
  root: string,
): Promise<Map<string, string>> {
  const dir = join(root, 'originals', source.id);
  let published = new Map<string, string>();
  if (source.checksums) {
    const list = await fetchFile(state, source, source.checksums, dir, undefined);
    published = parseChecksumList(await readFile(list, 'utf8'), list);
  }
  const out = new Map<string, string>();
  for (const file of source.files) {
    out.set(
      file.path,
      await fetchFile(state, source, file.path, dir, file.sha256 ?? published.get(file.path)),
    );
  }
  return out;
}

async function convert(catalog: Catalog, root: string, files: Map<string, string>[]): Promise<number> {
  const conv = catalog.conversion;
  if (conv.format === 'bidmc-csv')
    return (await convertBidmc(join(root, 'originals', catalog.sources[0]!.id), root)).length;
  if (conv.format === 'wisdm-watch-accel') {
    const zip = [...files[0]!.values()][0]!;
    return (await convertWisdm(zip, root, conv['activities'] as Record<string, string>)).length;
  }
  await ensureRecordingsDir(root);
  const rows: string[] = [];
  for (const [s, source] of catalog.sources.entries()) {
    for (const entry of source.files) {
      const local = files[s]!.get(entry.path)!;
      if (entry.path.endsWith('.mat')) rows.push(await convertCwruFile(local, entry, root));
      else
        rows.push(
          ...(await convertImsFile(local, entry, root, conv['imsChannels'] as Record<string, number>)),
        );
    }
  }
  await writeVibrationIndex(root, rows);
  return rows.length;
}

/** Downloads, verifies and converts one dataset. */
export async function fetchDataset(name: DatasetName, opts: FetchOptions = {}): Promise<FetchResult> {
  const catalogDir = opts.catalogDir ?? defaultCatalogDir();
  const catalog = loadCatalog(name, catalogDir);
  const root = join(resolveDataDir(opts.dataDir), name);
  const total = catalog.sources.reduce((n, s) => n + s.files.length + (s.checksums ? 1 : 0), 0);
  const state: FetchState = {
    opts,
    lock: readLock(name, catalogDir),
    result: { dir: root, downloaded: 0, reused: 0, locked: 0, converted: 0 },
    progress: createProgress({
      total,
      label: `${name}`,
      unit: 'files',
      quiet: opts.quiet,
      stream: opts.stream,
    }),
  };
  const files: Map<string, string>[] = [];
  try {
    for (const source of catalog.sources) files.push(await fetchSource(state, source, root));
  } finally {
    // Keep the hashes of whatever was verified, even when a later file fails.
    if (state.result.locked > 0) writeLock(name, state.lock, catalogDir);
  }
  state.progress.done('verified');
  state.result.converted = await convert(catalog, root, files);
  return state.result;
}
