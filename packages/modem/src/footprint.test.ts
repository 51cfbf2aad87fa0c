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

/** The first line each set writes for a 6-byte uplink 01 02 03 04 AB FF on port 1. */
const firstCommand: Record<string, string> = {
  rn2483: 'mac tx uncnf 1 01020304ABFF',
  'wio-e5': 'AT+PORT=1',
  rak3172: 'AT+SEND=1:01020304ABFF',
  'murata-cmwx1zzabz': 'AT+PORT=1',
  bg96: 'AT+QIOPEN=1,0,"UDP","127.0.0.1",5683,0,1',
};

describe('the transport with each AT-modem board’s own command set and toolchain', () => {
  it('covers every AT-modem board in boards/', () => {
    expect(atModemBoards.map((b) => b.id).sort()).toEqual(
      ['arduino-mkr-wan-1310', 'arduino-uno-rn2483', 'nucleo-l476rg-bg96', 'qemu-mps2-an386-rak3172'].sort(),
    );
  });

  it.each(atModemBoards.map((b) => b.id))(
    '%s: builds warning-free for the board, fits, writes its commands and times out on its emulator',
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
      // The command comes out of the (on AVR: flash-resident) table as the host's scripted tests expect.
      expect(run.lines[0]).toBe(firstCommand[set as string]);
      expect(run.lines[1]).toMatch(/^written \d+$/);
    },
    60_000,
  );
});
