import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Board } from '@murmur/boards';
import { buildFirmware, runOnEmulator, type FirmwareImage, type RunResult } from '@murmur/firmware';

/**
 * The one place this package builds and runs C: through the firmware harness (packages/firmware), which
 * compiles for a board's core, links with the emulator start-up and runs under QEMU, simavr or natively.
 */
export interface ProgramOptions {
  board: Board;
  sources: readonly string[];
  includeDirs?: readonly string[];
  defines?: Readonly<Record<string, string | number | true>>;
  cflags?: readonly string[];
  /** Host only: AddressSanitizer + UndefinedBehaviorSanitizer. */
  sanitize?: boolean;
  /** Build folder; default a fresh temporary folder that is removed afterwards. */
  outDir?: string;
  timeoutMs?: number;
}

export interface ProgramRun extends RunResult {
  image: FirmwareImage;
}

/** Builds a program for a board and runs it on the board's emulator. */
export async function buildAndRun(options: ProgramOptions): Promise<ProgramRun> {
  const outDir = options.outDir ?? mkdtempSync(join(tmpdir(), 'murmur-codegen-'));
  try {
    const image = await buildFirmware({
      board: options.board,
      sources: options.sources,
      includeDirs: options.includeDirs,
      defines: options.defines,
      cflags: options.cflags,
      sanitize: options.sanitize,
      outDir,
    });
    const run = await runOnEmulator({ board: options.board, elf: image.elf, timeoutMs: options.timeoutMs });
    return { ...run, image };
  } finally {
    if (!options.outDir) rmSync(outDir, { recursive: true, force: true });
  }
}
