import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { getBoard } from '@murmur/boards';
import { describe, expect, it } from 'vitest';
import { buildFirmware, describeLinkOverflow } from './build';
import { runOnEmulator } from './emulator';
import { runTool } from './toolchain';

const outDir = (): string => mkdtempSync(join(tmpdir(), 'murmur-fw-'));

function program(text: string): { dir: string; source: string } {
  const dir = outDir();
  const source = join(dir, 'main.c');
  writeFileSync(source, text);
  return { dir, source };
}

describe('linking from the board memory map', () => {
  it('memory report agrees with arm-none-eabi-size -A', async () => {
    const board = getBoard('qemu-mps2-an386');
    const { dir, source } = program(
      '#include <stdint.h>\nconst int32_t table[100] = {1, 2, 3};\nint32_t counter = 7;\nint32_t buffer[300];\n' +
        'int main(void) {\n  buffer[counter] = table[counter];\n  return (int)buffer[7] + (int)counter;\n}\n',
    );
    const image = await buildFirmware({ board, sources: [source], outDir: dir });
    const sizeA = (await runTool('arm-none-eabi-size', ['-A', image.elf])).stdout;
    const sections = new Map<string, { size: number; addr: number }>();
    for (const m of sizeA.matchAll(/^(\.\S+)\s+(\d+)\s+(\d+)$/gm)) {
      sections.set(m[1]!, { size: Number(m[2]), addr: Number(m[3]) });
    }
    const memory = image.memory!;
    const inFlash = [...sections].filter(([, s]) => s.addr < 0x20000000 && s.size > 0 && s.addr + s.size > 0);
    const loadable = inFlash.filter(
      ([name]) => !['.comment', '.ARM.attributes'].includes(name) && !name.startsWith('.debug'),
    );
    const flash = loadable.reduce((sum, [, s]) => sum + s.size, 0) + sections.get('.data')!.size;
    expect(memory.flash.used).toBe(flash);
    expect(memory.ram.data).toBe(sections.get('.data')!.size);
    expect(memory.ram.bss).toBe(sections.get('.bss')!.size);
    expect(memory.ram.stackReserve).toBe(sections.get('.heap_stack')!.size);
    expect(memory.ram.bss).toBeGreaterThanOrEqual(1200);
    expect(memory.flash.sections['.rodata']).toBeGreaterThanOrEqual(400);
  });

  it('AVR: memory report agrees with avr-size -C; a const __flash table stays out of RAM', async () => {
    const board = getBoard('simavr-atmega328p');
    const table = (qualifier: string): string =>
      `#include <stdint.h>\n${qualifier} int16_t table[300] = {1, 2, 3};\nvolatile uint8_t at = 2;\n` +
      'int main(void) { return table[at]; }\n';
    const inRam = program(table('const'));
    const inFlash = program(table('const __flash'));
    const ram = (await buildFirmware({ board, sources: [inRam.source], outDir: inRam.dir })).memory!;
    const image = await buildFirmware({ board, sources: [inFlash.source], outDir: inFlash.dir });
    const flash = image.memory!;
    const sizeC = (await runTool('avr-size', ['-C', '--mcu=atmega328p', image.elf])).stdout;
    expect(flash.flash.used).toBe(Number(/Program:\s+(\d+) bytes/.exec(sizeC)![1]));
    expect(flash.ram.static).toBe(Number(/Data:\s+(\d+) bytes/.exec(sizeC)![1]));
    expect(ram.ram.data - flash.ram.data).toBe(600);
  });

  it('a constant table too big for the flash fails with the region and the overflow in bytes', async () => {
    const board = getBoard('qemu-microbit');
    const { dir, source } = program(
      '#include <stdint.h>\nconst uint8_t big[300000] = {1};\nvolatile int at = 12345;\nint main(void) { return big[at]; }\n',
    );
    await expect(buildFirmware({ board, sources: [source], outDir: dir })).rejects.toThrow(
      /does not fit board 'qemu-microbit': region 'FLASH' overflowed by \d+ bytes \(sections that do not fit: \.rodata/,
    );
  });

  it('a buffer too big for the RAM fails with the region and the overflow in bytes', async () => {
    const board = getBoard('qemu-microbit');
    const { dir, source } = program(
      '#include <stdint.h>\nuint8_t buffer[15000];\nint main(void) { buffer[3] = 1; return buffer[3]; }\n',
    );
    await expect(buildFirmware({ board, sources: [source], outDir: dir, stackBytes: 2048 })).rejects.toThrow(
      /region 'RAM' overflowed by 672 bytes \(sections that do not fit: \.heap_stack\)/,
    );
  });

  it("runs a Cortex-M0+ board on the micro:bit proxy with the board's own RAM (RP2040: 264 KB)", async () => {
    const board = getBoard('rpi-pico-sx1262');
    const { dir, source } = program(
      '#include <stdint.h>\nvolatile uint8_t buffer[200000];\n' +
        'int main(void) { buffer[0] = 20; buffer[199999] = 22; return buffer[0] + buffer[199999]; }\n',
    );
    const image = await buildFirmware({ board, sources: [source], outDir: dir });
    expect(image.memory!.ram.budget).toBe(270336);
    expect(image.memory!.ram.total).toBeGreaterThan(200000);
    const run = await runOnEmulator({ board, elf: image.elf });
    expect(run.exitCode).toBe(42);
    expect(run.command.join(' ')).toContain(
      '-M microbit -global nrf51-soc.flash-size=2096896 -global nrf51-soc.sram-size=270336',
    );
  });

  it("the board's budget, not the proxy machine's, limits an image on the micro:bit proxy", async () => {
    const board = getBoard('rpi-pico-sx1262');
    const { dir, source } = program(
      '#include <stdint.h>\nuint8_t buffer[280000];\nint main(void) { buffer[3] = 1; return buffer[3]; }\n',
    );
    const failure = buildFirmware({ board, sources: [source], outDir: dir });
    await expect(failure).rejects.toThrow(
      /does not fit board 'rpi-pico-sx1262': region 'RAM' overflowed by \d+ bytes/,
    );
    await expect(failure).rejects.not.toThrow(/limited by its machine/);
  });

  it('says when the proxy machine, not the board, is too small', async () => {
    const an385 = getBoard('qemu-mps2-an385');
    const board = {
      ...an385,
      id: 'big-ram',
      memory: { ...an385.memory, ram: { ...an385.memory.ram, size: 8 << 20 } },
    };
    const { dir, source } = program(
      '#include <stdint.h>\nuint8_t buffer[5000000];\nint main(void) { buffer[3] = 1; return buffer[3]; }\n',
    );
    await expect(buildFirmware({ board, sources: [source], outDir: dir })).rejects.toThrow(
      /region 'RAM' overflowed by \d+ bytes.*; the emulator image is limited by its machine \(QEMU mps2-an385, board sizes capped at the machine's\): 4194304 B of RAM \(the board has 8388608 B\)/,
    );
  });

  it('AVR: data + bss + stack over 2 KiB fails naming the RAM region', async () => {
    const board = getBoard('simavr-atmega328p');
    const { dir, source } = program(
      '#include <stdint.h>\nvolatile uint8_t buffer[1900];\nint main(void) { buffer[3] = 1; return buffer[3]; }\n',
    );
    await expect(buildFirmware({ board, sources: [source], outDir: dir, stackBytes: 256 })).rejects.toThrow(
      /region 'RAM \(data \+ bss \+ 256 B stack reserve\)' overflowed by \d+ bytes \(sections that do not fit: \.bss\)/,
    );
  });

  it('fails with the numbers when the worst-case stack exceeds what is left of the RAM', async () => {
    const board = getBoard('simavr-atmega328p');
    const { dir, source } = program(
      '#include <stdint.h>\nvolatile uint8_t buffer[1800];\n' +
        '__attribute__((noinline)) static uint8_t deep(uint8_t k) {\n  volatile uint8_t scratch[400];\n' +
        '  scratch[k] = k;\n  return scratch[k];\n}\n' +
        'int main(void) { buffer[3] = deep(3); return buffer[3]; }\n',
    );
    await expect(buildFirmware({ board, sources: [source], outDir: dir, stackBytes: 16 })).rejects.toThrow(
      /does not fit board 'simavr-atmega328p': RAM \d+ B \(static 18\d\d B \+ stack 4\d\d B\) > 2048 B \(over by \d+ B\)/,
    );
  });

  it('names the source file and the compiler message on a compile error', async () => {
    const { dir, source } = program('int main(void) { int unused; return 0; }\n');
    await expect(
      buildFirmware({ board: getBoard('qemu-mps2-an385'), sources: [source], outDir: dir }),
    ).rejects.toThrow(
      /main\.c: arm-none-eabi-gcc failed for board 'qemu-mps2-an385':[\s\S]*unused variable 'unused'/,
    );
  });
});

describe('describeLinkOverflow', () => {
  it('turns ld messages into one sentence', () => {
    const stderr =
      "ld: fw.elf section `.bss' will not fit in region `RAM'\nld: region `RAM' overflowed by 1544 bytes\n" +
      "ld: section '.heap_stack' will not fit in region 'RAM'\n";
    expect(describeLinkOverflow(stderr)).toBe(
      "region 'RAM' overflowed by 1544 bytes (sections that do not fit: .bss, .heap_stack)",
    );
    expect(describeLinkOverflow("region `text' overflowed by 12 bytes", { text: { label: 'flash' } })).toBe(
      "region 'flash' overflowed by 12 bytes",
    );
    const avr = "ld: address 0x8008ab of fw.elf section `.bss' is not within region `data'";
    expect(describeLinkOverflow(avr, { data: { label: 'RAM', end: 0x800800 } })).toBe(
      "region 'RAM' overflowed by 171 bytes (sections that do not fit: .bss)",
    );
    expect(describeLinkOverflow('undefined reference to foo')).toBeUndefined();
  });
});
