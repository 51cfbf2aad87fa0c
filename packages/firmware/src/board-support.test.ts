import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { getBoard, loadBoards, type Board } from '@murmur/boards';
import { describe, expect, it } from 'vitest';
import { boardSupportFor, crc32Mpeg2 } from './board-support';
import { buildFirmware, type FirmwareImage } from './build';
import { runOnEmulator } from './emulator';

const main = fileURLToPath(new URL('../test/c/main_board.c', import.meta.url));
const outDir = (): string => mkdtempSync(join(tmpdir(), 'murmur-board-'));
const hardware = loadBoards().filter((b) => b.kind === 'hardware');

/** One board image per board, shared by the tests below. */
const builds = new Map<string, Promise<FirmwareImage>>();
function buildBoard(board: Board): Promise<FirmwareImage> {
  if (!builds.has(board.id))
    builds.set(board.id, buildFirmware({ board, sources: [main], outDir: outDir(), target: 'board' }));
  return builds.get(board.id)!;
}

describe('board support per MCU family', () => {
  it.each(hardware.map((b) => [b.id, b] as const))(
    '%s: its own start-up, tick, wait and UART build with -Wall -Wextra -Werror and link in its memory map',
    async (_id, board) => {
      const image = await buildBoard(board);
      const memory = image.memory!;
      expect(memory.fits).toBe(true);
      expect(memory.flash.budget).toBe(board.memory.flash.size);
      expect(memory.stack.path[0]).toBe(board.mcu.core === 'avr5' ? 'main' : 'Reset_Handler');
      if (board.mcu.core === 'avr5') return;
      const bin = readFileSync(image.bin!);
      const vectors = boardSupportFor(board).boot2Origin === undefined ? 0 : 256;
      const { flash, ram } = board.memory;
      expect(bin.readUInt32LE(vectors)).toBe(ram.origin + ram.size);
      const reset = bin.readUInt32LE(vectors + 4);
      expect(reset & 1).toBe(1);
      expect(reset).toBeGreaterThan(flash.origin);
      expect(reset).toBeLessThan(flash.origin + memory.flash.used);
    },
    30_000,
  );

  it('rpi-pico-sx1262: the image starts with a 256-byte boot2 whose CRC32 the boot ROM accepts, and a UF2 file of it', async () => {
    const image = await buildFirmware({
      board: getBoard('rpi-pico-sx1262'),
      sources: [main],
      outDir: outDir(),
      target: 'board',
    });
    const bin = readFileSync(image.bin!);
    expect(bin.readUInt32LE(252)).toBe(crc32Mpeg2(bin.subarray(0, 252)));
    expect(bin.readUInt32LE(252)).not.toBe(0);
    const uf2 = readFileSync(image.uf2!);
    const blocks = Math.ceil(bin.length / 256);
    expect(uf2.length).toBe(blocks * 512);
    for (let block = 0; block < blocks; block++) {
      const at = block * 512;
      expect([uf2.readUInt32LE(at), uf2.readUInt32LE(at + 4), uf2.readUInt32LE(at + 508)]).toEqual([
        0x0a324655, 0x9e5d5157, 0x0ab16f30,
      ]);
      expect(uf2.readUInt32LE(at + 12)).toBe(0x10000000 + block * 256);
      expect(uf2.readUInt32LE(at + 28)).toBe(0xe48bff56);
      const payload = Buffer.alloc(256);
      bin.copy(payload, 0, block * 256, block * 256 + 256);
      expect(uf2.subarray(at + 32, at + 32 + 256)).toEqual(payload);
    }
  });

  it.each(['qemu-mps2-an386', 'qemu-mps2-an505'])(
    '%s: a board image runs under QEMU: start-up, SysTick tick, WFI wait and UART echo',
    async (id) => {
      const board = getBoard(id);
      const source = fileURLToPath(new URL('../test/c/main_board_qemu.c', import.meta.url));
      const image = await buildFirmware({ board, sources: [source], outDir: outDir(), target: 'board' });
      let received = '';
      const run = await runOnEmulator({
        board,
        elf: image.elf,
        timeoutMs: 10_000,
        serial: (link) =>
          link.onData(() => {
            received = link.received().toString('latin1');
            if (received === 'tick\r\n') link.write('abc');
          }),
      });
      expect(received).toBe('tick\r\nabc');
      expect(run.exitCode).toBe(0);
    },
    30_000,
  );

  it('computes CRC-32/MPEG-2', () => {
    expect(crc32Mpeg2(new TextEncoder().encode('123456789'))).toBe(0x0376e6e7);
  });

  it('names the supported families for a board without support', () => {
    const board = { ...getBoard('wio-e5'), mcu: { ...getBoard('wio-e5').mcu, family: 'ESP32' } };
    expect(() => boardSupportFor(board)).toThrow(
      /no board support for MCU family 'ESP32'.*supported: STM32WL/,
    );
  });
});
