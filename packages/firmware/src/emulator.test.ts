import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { getBoard, loadBoards } from '@murmur/boards';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildFirmware, type FirmwareImage } from './build';
import { runOnEmulator, type RunResult, type SerialLink } from './emulator';
import { runTool } from './toolchain';

const fixtures = fileURLToPath(new URL('../test/c/', import.meta.url));
const portable = {
  sources: [join(fixtures, 'portable.c'), join(fixtures, 'main_portable.c')],
  includeDirs: [fixtures],
};
const cortexBoards = ['qemu-mps2-an385', 'qemu-mps2-an386', 'qemu-mps2-an505', 'qemu-microbit'];
const emulatedBoards = [...cortexBoards, 'simavr-atmega328p'];

const outDir = (): string => mkdtempSync(join(tmpdir(), 'murmur-fw-'));

let reference: RunResult;

/** One build of the portable program per board, shared by the tests below. */
const builds = new Map<string, Promise<FirmwareImage>>();
function buildPortable(id: string): Promise<FirmwareImage> {
  if (!builds.has(id)) builds.set(id, buildFirmware({ board: getBoard(id), ...portable, outDir: outDir() }));
  return builds.get(id)!;
}

beforeAll(async () => {
  const board = getBoard('native');
  const image = await buildFirmware({ board, ...portable, outDir: outDir(), sanitize: true });
  reference = await runOnEmulator({ board, elf: image.elf });
}, 60_000);

describe('the same portable program on every target', () => {
  it('runs on the host under ASan/UBSan', () => {
    expect(reference.exitCode).toBe(3);
    expect(reference.lines).toEqual([
      'dot=-26375',
      'dense=bf2effd7',
      'fmt=[  -42|-0007|beef|BEEF|z|ok|4000000000|%|%q]',
    ]);
    expect(reference.costUnit).toBe('none');
  });

  describe.each(emulatedBoards)('%s', (id) => {
    const board = getBoard(id);
    let image: FirmwareImage;
    let first: RunResult;

    beforeAll(async () => {
      image = await buildPortable(id);
      first = await runOnEmulator({ board, elf: image.elf });
    }, 60_000);

    it('prints what the host prints and passes its exit status through', () => {
      expect(first.lines).toEqual(reference.lines);
      expect(first.exitCode).toBe(3);
    });

    it('measures an empty region as 0 and repeats every count exactly', async () => {
      expect(first.costUnit).toBe(id.startsWith('simavr') ? 'cycles' : 'instructions');
      expect(first.costs[0]).toEqual({ label: 'empty', value: 0 });
      expect(first.costs.find((c) => c.label === 'measured_dot')!.value).toBeGreaterThan(1000);
      const second = await runOnEmulator({ board, elf: image.elf });
      expect(second.costs).toEqual(first.costs);
      expect(second.lines).toEqual(first.lines);
    });

    it('writes .elf, .hex, .bin, .map and memory.json', () => {
      for (const file of [image.elf, image.hex!, image.bin!, image.map])
        expect(readFileSync(file).length).toBeGreaterThan(0);
      const saved = JSON.parse(readFileSync(join(image.elf, '..', 'memory.json'), 'utf8'));
      expect(saved).toEqual(image.memory);
      expect(image.memory!.fits).toBe(true);
    });
  });
});

describe('named boards on the emulator of their core', () => {
  const hardware = loadBoards().filter((b) => b.kind === 'hardware');
  it.each(hardware.map((b) => [b.id, b] as const))(
    '%s: linked within the board sizes, prints what the host prints',
    async (_id, board) => {
      const image = await buildFirmware({ board, ...portable, outDir: outDir() });
      const run = await runOnEmulator({ board, elf: image.elf });
      expect(run.lines).toEqual(reference.lines);
      expect(run.exitCode).toBe(3);
      expect(image.memory!.flash.budget).toBe(board.memory.flash.size);
    },
    30_000,
  );
});

describe('exact cost', () => {
  it.each(cortexBoards)(
    '%s: instructions equal a single-step trace of the measured call',
    async (id) => {
      const board = getBoard(id);
      const image = await buildFirmware({ board, ...portable, outDir: outDir() });
      const run = await runOnEmulator({ board, elf: image.elf });
      const symbols = (await runTool('arm-none-eabi-nm', ['-S', image.elf])).stdout;
      const range = (name: string): string => {
        const m = new RegExp(`^([0-9a-f]+) ([0-9a-f]+) T ${name}$`, 'm').exec(symbols)!;
        return `0x${(Number.parseInt(m[1]!, 16) & ~1).toString(16)}+0x${m[2]}`;
      };
      const log = join(outDir(), 'exec.log');
      const args = [
        ...run.command.slice(1, -2),
        '-singlestep',
        '-d',
        'exec,nochain',
        '-D',
        log,
        '-kernel',
        image.elf,
      ];
      args.push('-dfilter', `${range('measured_dot')},${range('portable_dot_i8')}`);
      await runTool('qemu-system-arm', args, { timeoutMs: 30_000 });
      // The log holds the first call of portable_dot_i8 from main, then measured_dot and its call.
      const trace = readFileSync(log, 'utf8')
        .split('\n')
        .filter((l) => l.startsWith('Trace'));
      const traced = trace.length - trace.findIndex((l) => l.endsWith(' measured_dot'));
      // The region is the `bl measured_dot` plus everything measured_dot executes.
      expect(run.costs.find((c) => c.label === 'measured_dot')!.value).toBe(traced + 1);
    },
    60_000,
  );

  it('simavr-atmega328p: cycles of a known delay (CALL 4 + 1000 + RET 4)', async () => {
    const board = getBoard('simavr-atmega328p');
    const image = await buildPortable(board.id);
    const run = await runOnEmulator({ board, elf: image.elf });
    expect(run.costs.find((c) => c.label === 'measured_delay')!.value).toBe(1008);
  }, 60_000);
});

describe('serial connection to the host', () => {
  it.each(['qemu-mps2-an386', 'qemu-mps2-an505'])(
    '%s: UART0 exchanges an AT-style request, a reply and a 200-byte block with a TypeScript peer',
    async (id) => {
      const board = getBoard(id);
      const source = join(fixtures, 'main_serial.c');
      const image = await buildFirmware({ board, sources: [source], outDir: outDir() });
      const block = Uint8Array.from({ length: 200 }, (_, i) => (i * 37 + 11) & 0xff);
      let link: SerialLink | undefined;
      const run = await runOnEmulator({
        board,
        elf: image.elf,
        timeoutMs: 10_000,
        serial: (l) => {
          link = l;
          l.onData(() => {
            if (l.received().toString('latin1') === 'AT+PING\r\n') {
              l.write('+PONG\r\n');
              l.write(block);
            }
          });
        },
      });
      expect(link!.received().toString('latin1')).toBe('AT+PING\r\n');
      expect(run.lines).toEqual(['reply=+PONG', `sum=${block.reduce((a, b) => a + b, 0)}`]);
      expect(run.exitCode).toBe(0);
    },
    30_000,
  );

  it('refuses a serial connection where the harness has no UART', async () => {
    const board = getBoard('simavr-atmega328p');
    await expect(runOnEmulator({ board, elf: '/nonexistent.elf', serial: () => {} })).rejects.toThrow(
      /needs an MPS2 QEMU machine/,
    );
  });
});

describe('program failures', () => {
  it('reports a hang as a timeout', async () => {
    const dir = outDir();
    const source = join(dir, 'hang.c');
    writeFileSync(source, 'int main(void) {\n  for (;;) {\n  }\n}\n');
    const board = getBoard('qemu-mps2-an385');
    const image = await buildFirmware({ board, sources: [source], outDir: dir });
    await expect(runOnEmulator({ board, elf: image.elf, timeoutMs: 1500 })).rejects.toThrow(
      /no exit within 1500 ms/,
    );
  }, 30_000);

  it('reports a CPU fault', async () => {
    const dir = outDir();
    const source = join(dir, 'fault.c');
    writeFileSync(
      source,
      'int main(void) {\n  void (*bad)(void) = (void (*)(void))0xFFFFFFF0u;\n  bad();\n  return 0;\n}\n',
    );
    const board = getBoard('qemu-mps2-an386');
    const image = await buildFirmware({ board, sources: [source], outDir: dir });
    await expect(runOnEmulator({ board, elf: image.elf })).rejects.toThrow(/CPU fault \(exception 3\)/);
  }, 30_000);
});
