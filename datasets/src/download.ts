import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, rename, rm, stat } from 'node:fs/promises';
import { get as httpGet, type IncomingMessage } from 'node:http';
import { get as httpsGet } from 'node:https';
import { dirname } from 'node:path';
import { createProgress, MurmurError } from '@murmur/core';

/**
 * Resumable HTTP(S) downloads with SHA-256 verification. Bytes go to `<dest>.part`; an existing
 * `.part` (from an interrupted run) is continued with an HTTP Range request, and a dropped
 * connection is resumed the same way a few times before giving up. Only a complete file whose hash
 * matches is renamed to `dest`; a file with the wrong hash is deleted.
 */
export interface DownloadOptions {
  /** Expected SHA-256 (hex); when absent the hash is only computed and returned. */
  sha256?: string;
  /** Label for the progress bar. */
  label?: string;
  quiet?: boolean;
  progressStream?: NodeJS.WritableStream & { isTTY?: boolean };
  /** Attempts per file when the connection drops (default 4). */
  attempts?: number;
}

export interface DownloadResult {
  sha256: string;
  bytes: number;
  /** Bytes that an earlier `.part` or an earlier attempt had already fetched. */
  resumedFrom: number;
}

/** A connection that sends nothing for this long is dropped. */
const IDLE_TIMEOUT_MS = 60_000;

/** Files smaller than this get no byte-level progress bar. */
const BAR_MIN_BYTES = 1 << 20;

/** SHA-256 (hex) of a file, streamed. */
export async function sha256File(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

async function fileSize(file: string): Promise<number> {
  return (await stat(file).catch(() => undefined))?.size ?? 0;
}

function request(url: string, headers: Record<string, string>, redirects = 5): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => {
    const get = url.startsWith('https:') ? httpsGet : httpGet;
    const req = get(url, { headers: { 'user-agent': 'murmur-data-fetch', ...headers } }, (res) => {
      const status = res.statusCode ?? 0;
      if (status >= 300 && status < 400 && res.headers.location) {
        res.resume();
        if (redirects === 0) reject(new MurmurError('too many redirects', { file: url }));
        else resolve(request(new URL(res.headers.location, url).toString(), headers, redirects - 1));
        return;
      }
      resolve(res);
    });
    // A stalled connection counts as dropped (and is resumed like one).
    req.setTimeout(IDLE_TIMEOUT_MS, () => req.destroy(new Error(`no data for ${IDLE_TIMEOUT_MS / 1000} s`)));
    req.on('error', reject);
  });
}

/** Fetches what is missing of `part` (from its current size on); true when the server sent all of it. */
async function fetchInto(url: string, part: string, opts: DownloadOptions): Promise<boolean> {
  const have = await fileSize(part);
  const res = await request(url, have > 0 ? { range: `bytes=${have}-` } : {});
  const status = res.statusCode ?? 0;
  if (status === 416 && have > 0) {
    // Nothing left to send: the .part is already complete.
    res.resume();
    return true;
  }
  if (status !== 200 && status !== 206) {
    res.resume();
    throw new MurmurError(`HTTP ${status} ${res.statusMessage ?? ''}`.trim(), { file: url });
  }
  const append = status === 206;
  const start = append ? have : 0;
  const length = Number(res.headers['content-length'] ?? NaN);
  const total = Number.isFinite(length) ? start + length : 0;
  const progress = createProgress({
    total,
    label: opts.label ?? url,
    unit: 'B',
    // Small files only count in the caller's file-level progress.
    quiet: opts.quiet || total < BAR_MIN_BYTES,
    stream: opts.progressStream,
  });
  progress.update(start);
  let received = start;
  const out = createWriteStream(part, { flags: append ? 'a' : 'w' });
  const complete = await new Promise<boolean>((resolve, reject) => {
    res.on('data', (chunk: Buffer) => {
      received += chunk.length;
      progress.update(received);
    });
    res.on('error', () => undefined);
    res.on('aborted', () => undefined);
    res.pipe(out, { end: false });
    res.on('close', () => {
      // The response closed: complete when it carried all announced bytes.
      const done = res.complete && (total === 0 || received === total);
      out.end(() => resolve(done));
    });
    out.on('error', reject);
  });
  if (complete) progress.done();
  return complete;
}

/** Downloads `url` to `dest` (resuming `dest.part`), verifying the SHA-256 when one is expected. */
export async function download(
  url: string,
  dest: string,
  opts: DownloadOptions = {},
): Promise<DownloadResult> {
  await mkdir(dirname(dest), { recursive: true });
  const part = `${dest}.part`;
  const resumedFrom = await fileSize(part);
  const attempts = opts.attempts ?? 4;
  let complete = false;
  for (let attempt = 1; attempt <= attempts && !complete; attempt++) {
    try {
      complete = await fetchInto(url, part, opts);
    } catch (err) {
      if (err instanceof MurmurError || attempt === attempts) {
        throw err instanceof MurmurError
          ? err
          : new MurmurError(`download failed (${(err as Error).message})`, { file: url }, { cause: err });
      }
    }
  }
  if (!complete) {
    throw new MurmurError(
      `download interrupted after ${attempts} attempts; ${await fileSize(part)} bytes kept in ${part}, run again to resume`,
      { file: url },
    );
  }
  const sha256 = await sha256File(part);
  if (opts.sha256 && sha256 !== opts.sha256.toLowerCase()) {
    await rm(part, { force: true });
    throw new MurmurError(
      `checksum mismatch: expected SHA-256 ${opts.sha256.toLowerCase()}, got ${sha256}; the file was deleted`,
      {
        file: dest,
      },
    );
  }
  await rename(part, dest);
  return { sha256, bytes: await fileSize(dest), resumedFrom };
}
