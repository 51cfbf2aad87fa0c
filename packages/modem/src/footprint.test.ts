import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { getBoard, loadBoards } from '@murmur/boards';
import { buildFirmware, runOnEmulator } from '@murmur/firmware';
import { describe, expect, it } from 'vitest';
import { modemCDir, modemIncludeDirs, modemSources } from './c-sources';
import { cTableOf, isCommandSet } from './command-sets';

const atModemBoards = loadBoards().filter(
  (b) => b.radio.technology !== 'none' && 'commandSet' in b.radio && b.radio.commandSet !== undefined,
);

describe('the transport with each AT-modem board’s own command set and toolchain', () => {
  it('covers every AT-modem board in boards/', () => {
    expect(atModemBoards.map((b) => b.id).sort()).toEqual(
      ['arduino-mkr-wan-1310', 'arduino-uno-rn2483', 'nucleo-l476rg-bg96', 'qemu-mps2-an386-rak3172'].sort(),
    );
  });

  it.each(atModemBoards.map((b) => b.id))(
    '%s: builds warning-free for the board, fits, and times out cleanly on its emulator',
    async (id) => {
      const board = getBoard(id);
      const set = 'commandSet' in board.radio ? board.radio.commandSet : undefined;
      expect(set !== undefined && isCommandSet(set)).toBe(true);
      const image = await buildFirmware({
        board,
        outDir: mkdtempSync(join(tmpdir(), 'murmur-modem-size-')),
        sources: [...modemSources, join(modemCDir, '..', 'test', 'footprint_main.c')],
        includeDirs: modemIncludeDirs,
        defines: { FOOTPRINT_COMMAND_SET: cTableOf(set as never) },
      });
      expect(image.memory!.fits).toBe(true);
      const run = await runOnEmulator({ board, elf: image.elf });
      expect(run.exitCode).toBe(0);
    },
    60_000,
  );
});
