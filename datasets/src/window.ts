import { MurmurError } from '@murmur/core';
import type { Recording } from './recording';

/**
 * Framing recordings into fixed-length windows. A window holds views (subarrays) into the recording's
 * channels, never copies, so framing a whole dataset costs only the window objects.
 */
export interface Window {
  recordingId: string;
  subject: string;
  /** The window's label: the recording's label, or what the label function derived for this window. */
  label?: string;
  /** First sample of the window in the recording. */
  start: number;
  length: number;
  rateHz: number;
  /** One view per channel, `length` samples each. */
  channels: Float32Array[];
}

/** Derives the label of the window [start, start + length) (in samples); null drops the window. */
export type WindowLabeler = (rec: Recording, start: number, length: number) => string | null | undefined;

export interface FrameOptions {
  /** Samples per window. */
  length: number;
  /** Samples between window starts (= length for no overlap). */
  hop: number;
  /** Label per window where the truth varies in time (default: the recording's label). */
  label?: WindowLabeler;
}

/** Cuts one recording into windows of `length` samples every `hop` samples; a short tail is dropped. */
export function frameWindows(rec: Recording, opts: FrameOptions): Window[] {
  const { length, hop } = opts;
  if (!Number.isInteger(length) || length <= 0)
    throw new MurmurError(`window length must be a positive integer, got ${length}`);
  if (!Number.isInteger(hop) || hop <= 0)
    throw new MurmurError(`window hop must be a positive integer, got ${hop}`);
  const n = rec.channels[0]?.length ?? 0;
  const out: Window[] = [];
  for (let start = 0; start + length <= n; start += hop) {
    const label = opts.label ? opts.label(rec, start, length) : rec.label;
    if (label === null) continue;
    out.push({
      recordingId: rec.id,
      subject: rec.subject,
      label: label ?? undefined,
      start,
      length,
      rateHz: rec.rateHz,
      channels: rec.channels.map((c) => c.subarray(start, start + length)),
    });
  }
  return out;
}

/** `frameWindows` over many recordings, in order. */
export function frameAll(recs: readonly Recording[], opts: FrameOptions): Window[] {
  return recs.flatMap((rec) => frameWindows(rec, opts));
}
