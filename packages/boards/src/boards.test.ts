import { copyFileSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { UsageError } from '@murmur/core';
import {
  boardsDir,
  getBoard,
  loadBoards,
  parseBoard,
  readBoardFile,
  scanBoards,
  workspaceBoardsDir,
} from './registry';

const good = {
  id: 'test-board',
  name: 'Test',
  vendor: 'Acme',
  kind: 'hardware',
  mcu: {
    part: 'STM32WLE5JC',
    family: 'STM32WL',
    core: 'cortex-m4',
    clockHz: 48000000,
    fpu: 'none',
    dsp: true,
  },
  memory: { flash: { origin: '0x08000000', size: 262144 }, ram: { origin: '0x20000000', size: 65536 } },
  radio: {
    technology: 'lorawan',
    chip: 'Seeed Wio-E5',
    regions: ['EU868'],
    link: 'uart-at',
    commandSet: 'wio-e5',
    uart: { instance: 'USART1', baud: 9600 },
  },
  power: { supplyV: 3.3, runCurrentMa: 5, sleepCurrentUa: 2, txCurrentMa: 45, rxCurrentMa: 5 },
  toolchain: {
    compiler: 'arm-none-eabi-gcc',
    cflags: ['-mcpu=cortex-m4', '-mthumb', '-mfloat-abi=soft', '-Os'],
  },
  emulator: { kind: 'qemu', machine: 'mps2-an386' },
  sources: [{ title: 'datasheet', url: 'https://example.com/ds.pdf' }],
};

const mutate = (f: (b: Record<string, any>) => void): unknown => {
  const b = structuredClone(good) as Record<string, any>;
  f(b);
  return b;
};

describe('board schema', () => {
  it('accepts a valid board and turns hex origins into numbers', () => {
    const b = parseBoard(good, 'test-board.json');
    expect(b.memory.flash.origin).toBe(0x08000000);
    expect(b.toolchain.ldflags).toEqual([]);
    expect(b.memory.reserved).toEqual([]);
  });

  it('accepts a reserved region beside the application region', () => {
    const b = parseBoard(
      mutate((x) => {
        x.memory.flash.origin = '0x08002000';
        x.memory.reserved = [{ name: 'boot loader', memory: 'flash', origin: '0x08000000', size: 8192 }];
      }),
    );
    expect(b.memory.reserved[0]!.origin).toBe(0x08000000);
  });

  it.each([
    ['missing field', (b: any) => delete b.mcu.clockHz, "field 'mcu.clockHz'"],
    ['unknown core', (b: any) => (b.mcu.core = 'cortex-m99'), "field 'mcu.core'"],
    ['negative flash', (b: any) => (b.memory.flash.size = -1), "field 'memory.flash.size'"],
    ['bad origin', (b: any) => (b.memory.ram.origin = '20000000'), "field 'memory.ram.origin'"],
    ['unknown key', (b: any) => (b.mcu.speed = 1), "field 'mcu'"],
    ['AT modem without command set', (b: any) => delete b.radio.commandSet, "field 'radio.commandSet'"],
    ['radio without TX current', (b: any) => delete b.power.txCurrentMa, "field 'power.txCurrentMa'"],
    ['wrong compiler for core', (b: any) => (b.toolchain.compiler = 'avr-gcc'), 'needs arm-none-eabi-gcc'],
    ['wrong emulator for core', (b: any) => (b.emulator = { kind: 'host' }), 'runs under qemu'],
    [
      'proxy machine of another core',
      (b: any) => (b.emulator = { kind: 'qemu', machine: 'mps2-an385' }),
      'core cortex-m4 runs under qemu mps2-an386, not qemu mps2-an385',
    ],
    ['missing core flag', (b: any) => b.toolchain.cflags.splice(1, 1), 'missing -mthumb'],
    [
      'flag contradicting the core',
      (b: any) => b.toolchain.cflags.push('-mfloat-abi=hard'),
      "field 'toolchain.cflags[4]': -mfloat-abi=hard contradicts the core",
    ],
    [
      'reserved region overlapping the application',
      (b: any) =>
        (b.memory.reserved = [{ name: 'boot loader', memory: 'flash', origin: '0x08003000', size: 4096 }]),
      "field 'memory.reserved[0]': 'boot loader' overlaps another flash region",
    ],
    ['FPU on a core without one', (b: any) => (b.mcu.fpu = 'sp'), 'has no FPU'],
    ['bad source URL', (b: any) => (b.sources[0].url = 'not a url'), "field 'sources[0].url'"],
    ['bad id', (b: any) => (b.id = 'Test Board'), "field 'id'"],
  ])('rejects %s, naming the file and field', (_name, f, expected) => {
    expect(() => parseBoard(mutate(f), 'boards/test-board.json')).toThrow(expected);
    expect(() => parseBoard(mutate(f), 'boards/test-board.json')).toThrow('boards/test-board.json');
  });

  it('rejects an id that does not match the file name', () => {
    expect(() => parseBoard(good, 'boards/other.json')).toThrow(/does not match the file name 'other.json'/);
  });

  it('names the file when the JSON does not parse', () => {
    const dir = mkdtempSync(join(tmpdir(), 'boards-'));
    const file = join(dir, 'broken.json');
    writeFileSync(file, '{ "id": ');
    expect(() => readBoardFile(file)).toThrow(/broken\.json: not valid JSON/);
  });
});

describe('board registry', () => {
  it('loads every board in boards/ and each one validates', () => {
    const boards = loadBoards();
    expect(boards.length).toBeGreaterThanOrEqual(16);
    expect(new Set(boards.map((b) => b.id)).size).toBe(boards.length);
    expect(getBoard('native').mcu.core).toBe('host');
  });
  it('names the known boards when asked for an unknown one', () => {
    expect(() => getBoard('no-such-board')).toThrow(/unknown board 'no-such-board'; known boards: .*native/);
  });
});

describe('a board file that does not validate', () => {
  afterEach(() => {
    vi.restoreAllMocks();
    vi.unstubAllEnvs();
  });

  /** A boards folder holding the native board, a good test board and one bad file. */
  const folder = (): string => {
    const dir = mkdtempSync(join(tmpdir(), 'boards-'));
    copyFileSync(join(workspaceBoardsDir(), 'native.json'), join(dir, 'native.json'));
    writeFileSync(join(dir, 'test-board.json'), JSON.stringify(good));
    writeFileSync(
      join(dir, 'bad-board.json'),
      JSON.stringify(mutate((b) => ((b.id = 'bad-board'), (b.memory.flash.size = 0)))),
    );
    return dir;
  };

  const stderr = (): { text: () => string } => {
    let text = '';
    vi.spyOn(process.stderr, 'write').mockImplementation((chunk: unknown) => ((text += String(chunk)), true));
    return { text: () => text };
  };

  it('does not stand in the way of another board: one warning names the file and field', () => {
    const dir = folder();
    const err = stderr();
    expect(getBoard('test-board', dir).id).toBe('test-board');
    expect(getBoard('native', dir).id).toBe('native');
    expect(loadBoards(dir).map((b) => b.id)).toEqual(['native', 'test-board']);
    const lines = err.text().trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(
      /^warning: board 'bad-board' skipped: .*bad-board\.json, field 'memory\.flash\.size': /,
    );
  });

  it('is an error naming the file and field when it is the board asked for', () => {
    const dir = folder();
    const err = stderr();
    expect(() => getBoard('bad-board', dir)).toThrow(/bad-board\.json, field 'memory\.flash\.size': /);
    expect(err.text()).toBe('');
    const { boards, problems } = scanBoards(dir);
    expect(boards.map((b) => b.id)).toEqual(['native', 'test-board']);
    expect(problems.map((p) => [p.id, p.error.location.field])).toEqual([['bad-board', 'memory.flash.size']]);
  });

  it('an unknown board is a usage error listing the valid and the invalid ones', () => {
    const dir = folder();
    stderr();
    let thrown: unknown;
    try {
      getBoard('no-such-board', dir);
    } catch (e) {
      thrown = e;
    }
    expect(thrown).toBeInstanceOf(UsageError);
    expect((thrown as Error).message).toBe(
      "unknown board 'no-such-board'; known boards: native, test-board (not valid: bad-board)",
    );
  });

  it('a file that cannot be read and a missing folder are errors naming them', () => {
    const dir = folder();
    mkdirSync(join(dir, 'folder.json'));
    stderr();
    expect(() => getBoard('folder', dir)).toThrow(/folder\.json: cannot read the board file \(EISDIR\)/);
    expect(() => getBoard('native', join(dir, 'none'))).toThrow(
      /none: cannot list the boards folder \(ENOENT\)/,
    );
  });

  it('MURMUR_BOARDS_DIR names another boards folder', () => {
    const dir = folder();
    stderr();
    vi.stubEnv('MURMUR_BOARDS_DIR', dir);
    expect(boardsDir()).toBe(dir);
    expect(getBoard('test-board').name).toBe('Test');
  });
});
