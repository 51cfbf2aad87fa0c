/**
 * The firmware image of every (app, hardware board): what fits, with its memory, and what does not, with
 * the budget message. The model is a calibrated stand-in with the app's shapes (its size, not what it
 * learned, decides the fit); `murmur build` links the trained, compressed model the same way.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { MurmurApp } from '@murmur/app';
import type { Board } from '@murmur/boards';
import { generateAppLibrary } from '@murmur/codegen';
import { MurmurError } from '@murmur/core';
import type { MemoryReport } from '@murmur/firmware';
import { appLibraryOptions } from '@murmur/verify';
import { buildBoardFirmware, writeLibrary } from './build';
import { usesModem } from './firmware-main';

export interface BoardImage {
  app: string;
  board: string;
  fits: boolean;
  memory?: MemoryReport;
  /** Why it does not fit (the budget message). */
  reason?: string;
  /** How an uplink leaves the board. */
  radio: 'sends itself (AT modem)' | 'vendor stack (murmur_radio_send hook)' | 'no radio';
}

export function radioPath(board: Board): BoardImage['radio'] {
  if (board.radio.technology === 'none') return 'no radio';
  return usesModem(board) ? 'sends itself (AT modem)' : 'vendor stack (murmur_radio_send hook)';
}

export async function boardImage(app: MurmurApp, board: Board): Promise<BoardImage> {
  const base = { app: app.id, board: board.id, radio: radioPath(board) };
  const options = appLibraryOptions(app);
  try {
    const library = generateAppLibrary({ ...options, board });
    const dir = mkdtempSync(join(tmpdir(), `image-${app.id}-${board.id}-`));
    writeLibrary(library, join(dir, 'lib'));
    const image = await buildBoardFirmware(app, board, library, join(dir, 'lib'), join(dir, 'firmware'));
    return { ...base, fits: true, memory: image.memory };
  } catch (e) {
    if (e instanceof MurmurError) return { ...base, fits: false, reason: e.message };
    throw e;
  }
}
