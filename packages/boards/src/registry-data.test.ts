import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { boardJsonSchemaPath, renderBoardJsonSchema } from './json-schema';
import { boardsDir, getBoard, isBoardFile, loadBoards } from './registry';
import { coreFlags, emulatorFor, isEmulatedTarget } from './targets';
import { qemuMemoryOptions } from './cores';
import { type Board } from './schema';

const KiB = 1024;

/**
 * The datasheet figures, stated a second time on purpose: a typo in a board file or here fails the test.
 * `flash`/`ram`: the application's region [origin, size]; `partFlash`/`partRam`: the part's (or, for the
 * RP2040, the Pico's QSPI flash) total, which application + reserved regions must add up to.
 */
const hardware: Record<
  string,
  {
    part: string;
    core: Board['mcu']['core'];
    clockHz: number;
    flash: [number, number];
    ram: [number, number];
    partFlash: number;
    partRam: number;
    link: 'integrated' | 'uart-at';
    commandSet?: string;
    baud?: number;
  }
> = {
  'nucleo-wl55jc': {
    part: 'STM32WL55JC',
    core: 'cortex-m4',
    clockHz: 48e6,
    flash: [0x08000000, 256 * KiB],
    ram: [0x20000000, 64 * KiB],
    partFlash: 256 * KiB,
    partRam: 64 * KiB,
    link: 'integrated',
  },
  'wio-e5': {
    part: 'STM32WLE5JC',
    core: 'cortex-m4',
    clockHz: 48e6,
    flash: [0x08000000, 256 * KiB],
    ram: [0x20000000, 64 * KiB],
    partFlash: 256 * KiB,
    partRam: 64 * KiB,
    link: 'integrated',
  },
  'b-l072z-lrwan1': {
    part: 'STM32L072CZ',
    core: 'cortex-m0plus',
    clockHz: 32e6,
    flash: [0x08000000, 192 * KiB],
    ram: [0x20000000, 20 * KiB],
    partFlash: 192 * KiB,
    partRam: 20 * KiB,
    link: 'integrated',
  },
  'arduino-mkr-wan-1310': {
    part: 'ATSAMD21G18A',
    core: 'cortex-m0plus',
    clockHz: 48e6,
    flash: [0x2000, 248 * KiB],
    ram: [0x20000000, 32 * KiB],
    partFlash: 256 * KiB,
    partRam: 32 * KiB,
    link: 'uart-at',
    commandSet: 'murata-cmwx1zzabz',
    baud: 19200,
  },
  'arduino-uno-rn2483': {
    part: 'ATmega328P',
    core: 'avr5',
    clockHz: 16e6,
    flash: [0x0, 32 * KiB - 512],
    ram: [0x100, 2 * KiB],
    partFlash: 32 * KiB,
    partRam: 2 * KiB,
    link: 'uart-at',
    commandSet: 'rn2483',
    baud: 57600,
  },
  rak4631: {
    part: 'nRF52840',
    core: 'cortex-m4f',
    clockHz: 64e6,
    flash: [0x26000, 0xed000 - 0x26000],
    ram: [0x20006000, 0x40000 - 0x6000],
    partFlash: 1024 * KiB,
    partRam: 256 * KiB,
    link: 'integrated',
  },
  'rpi-pico-sx1262': {
    part: 'RP2040',
    core: 'cortex-m0plus',
    clockHz: 125e6,
    flash: [0x10000100, 2048 * KiB - 256],
    ram: [0x20000000, 264 * KiB],
    partFlash: 2048 * KiB,
    partRam: 264 * KiB,
    link: 'integrated',
  },
  'nrf9160-dk': {
    part: 'nRF9160',
    core: 'cortex-m33',
    clockHz: 64e6,
    flash: [0x50000, 1024 * KiB - 0x50000],
    ram: [0x20020000, 128 * KiB],
    partFlash: 1024 * KiB,
    partRam: 256 * KiB,
    link: 'integrated',
  },
  'nucleo-l476rg-bg96': {
    part: 'STM32L476RG',
    core: 'cortex-m4f',
    clockHz: 80e6,
    flash: [0x08000000, 1024 * KiB],
    ram: [0x20000000, 96 * KiB],
    partFlash: 1024 * KiB,
    partRam: 128 * KiB,
    link: 'uart-at',
    commandSet: 'bg96',
    baud: 115200,
  },
};

const emulators = [
  'qemu-mps2-an385',
  'qemu-mps2-an386',
  'qemu-mps2-an386-rak3172',
  'qemu-mps2-an505',
  'qemu-microbit',
  'simavr-atmega328p',
  'simavr-atmega1284p',
];

/** Which emulator runs which core, stated independently of cores.ts. */
const machineOf: Record<string, string> = {
  'cortex-m0': 'qemu microbit',
  'cortex-m0plus': 'qemu microbit',
  'cortex-m3': 'qemu mps2-an385',
  'cortex-m4': 'qemu mps2-an386',
  'cortex-m4f': 'qemu mps2-an386',
  'cortex-m33': 'qemu mps2-an505',
  avr5: 'simavr atmega328p 16000000',
  avr51: 'simavr atmega1284p 16000000',
  host: 'host',
};

const boards = loadBoards();
const byId = new Map(boards.map((b) => [b.id, b]));
const sum = (b: Board, memory: 'flash' | 'ram') =>
  b.memory[memory].size +
  b.memory.reserved.filter((r) => r.memory === memory).reduce((n, r) => n + r.size, 0);

describe('boards/', () => {
  it('holds every named board, each file validating, ids unique and equal to the file names', () => {
    const files = readdirSync(boardsDir()).filter(isBoardFile).sort();
    expect(boards.map((b) => `${b.id}.json`)).toEqual(files);
    expect(new Set(boards.map((b) => b.id)).size).toBe(boards.length);
    for (const id of [...Object.keys(hardware), ...emulators, 'native']) expect(byId.has(id), id).toBe(true);
  });

  it('points every board file at the committed JSON Schema', () => {
    for (const file of readdirSync(boardsDir()).filter(isBoardFile)) {
      const raw = JSON.parse(readFileSync(join(boardsDir(), file), 'utf8')) as { $schema?: string };
      expect(raw.$schema, file).toBe('./board.schema.json');
    }
  });

  it('keeps boards/board.schema.json in step with the zod schema', async () => {
    const committed = readFileSync(boardJsonSchemaPath(), 'utf8');
    // Out of date? Run: npm run schema -w @murmur/boards
    expect(committed).toBe(await renderBoardJsonSchema());
  });

  it('runs every board on the emulator of its core', () => {
    for (const b of boards) {
      const e = emulatorFor(b);
      const shown =
        e.kind === 'qemu'
          ? `qemu ${e.machine}`
          : e.kind === 'simavr'
            ? `simavr ${e.mcu} ${e.frequencyHz}`
            : 'host';
      expect(shown, b.id).toBe(machineOf[b.mcu.core]);
    }
  });

  it('cites a datasheet or product page for every hardware board', () => {
    for (const b of boards.filter((x) => x.kind === 'hardware')) {
      expect(b.sources.length, b.id).toBeGreaterThanOrEqual(2);
      for (const s of b.sources) expect(s.url, b.id).toMatch(/^https:\/\//);
      expect(b.notes, b.id).toBeTruthy();
    }
  });
});

describe.each(Object.entries(hardware))('%s', (id, expected) => {
  const b = byId.get(id)!;

  it('matches the datasheet table: part, core, clock, memory', () => {
    expect(b.kind).toBe('hardware');
    expect(b.mcu.part).toBe(expected.part);
    expect(b.mcu.core).toBe(expected.core);
    expect(b.mcu.clockHz).toBe(expected.clockHz);
    expect([b.memory.flash.origin, b.memory.flash.size]).toEqual(expected.flash);
    expect([b.memory.ram.origin, b.memory.ram.size]).toEqual(expected.ram);
    expect(sum(b, 'flash')).toBe(expected.partFlash);
    expect(sum(b, 'ram')).toBe(expected.partRam);
  });

  it('says how the application reaches its radio, with power figures', () => {
    const r = b.radio;
    if (r.technology === 'none') throw new Error(`${id} has no radio`);
    expect(r.link).toBe(expected.link);
    if (expected.link === 'uart-at') {
      expect(r.commandSet).toBe(expected.commandSet);
      expect(r.uart?.baud).toBe(expected.baud);
    } else {
      expect(r.vendorStack).toBeTruthy();
    }
    expect(b.power.txCurrentMa).toBeGreaterThan(b.power.rxCurrentMa ?? 0);
    expect(b.power.sleepCurrentUa / 1000).toBeLessThan(b.power.runCurrentMa);
  });
});

describe('board helpers', () => {
  it('gives the core flags of each core', () => {
    expect(coreFlags(getBoard('nucleo-wl55jc'))).toEqual(['-mcpu=cortex-m4', '-mthumb', '-mfloat-abi=soft']);
    expect(coreFlags(getBoard('rak4631'))).toEqual([
      '-mcpu=cortex-m4',
      '-mthumb',
      '-mfpu=fpv4-sp-d16',
      '-mfloat-abi=hard',
    ]);
    expect(coreFlags(getBoard('nrf9160-dk'))).toEqual([
      '-mcpu=cortex-m33',
      '-mthumb',
      '-mfpu=fpv5-sp-d16',
      '-mfloat-abi=hard',
    ]);
    expect(coreFlags(getBoard('rpi-pico-sx1262'))).toEqual([
      '-mcpu=cortex-m0plus',
      '-mthumb',
      '-mfloat-abi=soft',
    ]);
    expect(coreFlags(getBoard('arduino-uno-rn2483'))).toEqual(['-mmcu=atmega328p', '-DF_CPU=16000000UL']);
    expect(coreFlags(getBoard('native'))).toEqual([]);
  });

  it('builds the emulator image with the board core flags, or for the simulated AVR', () => {
    expect(emulatorFor(getBoard('nucleo-wl55jc'))).toEqual({
      kind: 'qemu',
      machine: 'mps2-an386',
      cpuFlags: ['-mcpu=cortex-m4', '-mthumb', '-mfloat-abi=soft'],
      memory: { flash: { origin: 0, size: 256 * KiB }, ram: { origin: 0x20000000, size: 64 * KiB } },
    });
    expect(emulatorFor(getBoard('arduino-uno-rn2483'))).toEqual({
      kind: 'simavr',
      mcu: 'atmega328p',
      frequencyHz: 16_000_000,
      cpuFlags: ['-mmcu=atmega328p', '-DF_CPU=16000000UL'],
      memory: { flash: { origin: 0, size: 32 * KiB - 512 }, ram: { origin: 0x100, size: 2 * KiB } },
    });
    expect(emulatorFor(getBoard('native'))).toEqual({ kind: 'host', cpuFlags: [] });
  });

  it('links proxy images at the machine origins with the board sizes; the micro:bit is sized to the board', () => {
    const pico = emulatorFor(getBoard('rpi-pico-sx1262'));
    expect(pico).toMatchObject({
      machine: 'microbit',
      memory: {
        flash: { origin: 0, size: 2 * 1024 * KiB - 256 },
        ram: { origin: 0x20000000, size: 264 * KiB },
      },
    });
    if (pico.kind !== 'qemu') throw new Error('qemu expected');
    expect(qemuMemoryOptions(pico.machine, pico.memory)).toEqual([
      '-global',
      'nrf51-soc.flash-size=2096896',
      '-global',
      'nrf51-soc.sram-size=270336',
    ]);
    const microbit = emulatorFor(getBoard('qemu-microbit'));
    if (microbit.kind !== 'qemu') throw new Error('qemu expected');
    expect(qemuMemoryOptions(microbit.machine, microbit.memory)).toEqual([
      '-global',
      'nrf51-soc.flash-size=262144',
      '-global',
      'nrf51-soc.sram-size=16384',
    ]);
    const an386 = emulatorFor(getBoard('rak4631'));
    if (an386.kind !== 'qemu') throw new Error('qemu expected');
    expect(qemuMemoryOptions(an386.machine, an386.memory)).toEqual([]);
    expect(emulatorFor(getBoard('nrf9160-dk'))).toMatchObject({
      machine: 'mps2-an505',
      memory: {
        flash: { origin: 0x10000000, size: 704 * KiB },
        ram: { origin: 0x38000000, size: 128 * KiB },
      },
    });
    for (const id of emulators) {
      const b = getBoard(id);
      const e = emulatorFor(b);
      if (e.kind === 'host') throw new Error(id);
      expect(e.memory, id).toEqual({ flash: b.memory.flash, ram: b.memory.ram });
    }
  });

  it('tells emulator targets from hardware boards and the host build', () => {
    expect(
      boards
        .filter(isEmulatedTarget)
        .map((b) => b.id)
        .sort(),
    ).toEqual([...emulators].sort());
  });

  it('offers a RAK3172 AT modem board for the end-to-end test', () => {
    const b = getBoard('qemu-mps2-an386-rak3172');
    expect(b.radio).toMatchObject({ link: 'uart-at', commandSet: 'rak3172', uart: { baud: 115200 } });
    expect(emulatorFor(b)).toMatchObject({ kind: 'qemu', machine: 'mps2-an386' });
  });
});
