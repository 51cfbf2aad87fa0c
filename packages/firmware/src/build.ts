import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { emulatorFor, type Board, type MachineRegion } from '@murmur/boards';
import { MurmurError } from '@murmur/core';
import { boardSupportDir, boardSupportFor, crc32Mpeg2 } from './board-support';
import { cortexMLinkerScript } from './linker-script';
import { assertFits, memoryReport, readSections, type MemoryReport } from './memory';
import { addDisassemblyCalls, analyzeStack, readCallGraph } from './stack';
import {
  archOf,
  avrDataOffset,
  qemuMachineOf,
  runtimeDir,
  tickNanoseconds,
  icountShift,
  type Arch,
} from './targets';
import { runTool } from './toolchain';
import { rp2040FamilyId, toUf2 } from './uf2';

/**
 * Where an image is meant to run. `emulator`: linked at the emulator machine's addresses (QEMU
 * machine, simavr, host) with the harness runtime (start-up, console, exit status, cost counter),
 * with the board's flash and RAM sizes (capped at the machine's), so a board's budget is enforced even
 * on its proxy machine.
 * `board`: linked at the board's own addresses with the board support of its MCU family
 * (boards/support: start-up, tick, low-power wait, UART; see board-support.ts) instead of the harness.
 */
export type BuildTarget = 'emulator' | 'board';

export interface BuildOptions {
  board: Board;
  /** C source files. */
  sources: readonly string[];
  includeDirs?: readonly string[];
  /** Preprocessor definitions (`true` defines the name without a value). */
  defines?: Readonly<Record<string, string | number | true>>;
  /** Extra compiler flags, after the board's. */
  cflags?: readonly string[];
  /** Output folder (created); holds obj/, <name>.elf/.hex/.bin/.map/.ld and memory.json. */
  outDir: string;
  /** Base name of the outputs (default `firmware`). */
  name?: string;
  /** Default `emulator`. */
  target?: BuildTarget;
  /** Stack reserve in bytes; default: the call graph's worst case plus a margin (see defaultStackReserve). */
  stackBytes?: number;
  /** Host only: build with -fsanitize=address,undefined -fno-sanitize-recover=all. */
  sanitize?: boolean;
}

export interface FirmwareImage {
  board: Board;
  arch: Arch;
  target: BuildTarget;
  /** The linked image (on the host: the executable). */
  elf: string;
  map: string;
  /** Intel HEX and raw binary of the flash image (microcontrollers only). */
  hex?: string;
  bin?: string;
  /** RP2040 board images: the UF2 file for the boot ROM's USB drive. */
  uf2?: string;
  /** The generated linker script (Cortex-M only). */
  linkerScript?: string;
  /** Flash, RAM and stack against the board's budget (microcontrollers only); also written as memory.json. */
  memory?: MemoryReport;
}

interface Tools {
  cc: string;
  objcopy: string;
  objdump: string;
}

const toolsOf: Record<Arch, Tools> = {
  'cortex-m': { cc: 'arm-none-eabi-gcc', objcopy: 'arm-none-eabi-objcopy', objdump: 'arm-none-eabi-objdump' },
  avr: { cc: 'avr-gcc', objcopy: 'avr-objcopy', objdump: 'avr-objdump' },
  host: { cc: 'gcc', objcopy: 'objcopy', objdump: 'objdump' },
};

const warnings = ['-Wall', '-Wextra', '-Werror'];
const sanitizers = ['-fsanitize=address,undefined', '-fno-sanitize-recover=all', '-fno-omit-frame-pointer'];
const avrNonFlashSections = ['.eeprom', '.fuse', '.lock', '.signature', '.user_signatures'];

/** Interrupt handlers in the call graph: Cortex-M `*_Handler`/`*_IRQHandler`, AVR `__vector_N`. */
const isInterruptHandler = (name: string): boolean =>
  name !== 'Reset_Handler' && (/_(IRQ)?Handler$/.test(name) || /^__vector_\d+$/.test(name));

/**
 * Stack reserve when none is given: the call graph's worst case plus room for what it cannot see
 * (Cortex-M: one exception frame with FPU state is 104 B, so 128 B; AVR: 32 B), in multiples of 8.
 */
export function defaultStackReserve(worstCaseBytes: number, arch: Arch): number {
  const margin = arch === 'cortex-m' ? 128 : 32;
  return Math.ceil((worstCaseBytes + margin) / 8) * 8;
}

/** The board's own flags for its hardware; for an emulator image, the flags of the image its emulator runs. */
function coreFlagsFor(board: Board, arch: Arch, target: BuildTarget): string[] {
  if (target === 'board' || arch === 'host') return board.toolchain.cflags;
  return emulatorFor(board).cpuFlags;
}

function compilerFlags(board: Board, arch: Arch, options: BuildOptions): string[] {
  const own = coreFlagsFor(board, arch, options.target ?? 'emulator');
  const base = [arch === 'avr' ? '-std=gnu99' : '-std=c99', arch === 'host' ? '-O2' : '-Os', '-g'];
  base.push('-ffunction-sections', '-fdata-sections', '-ffp-contract=off', ...warnings, ...own);
  if (options.sanitize) {
    if (arch !== 'host') throw new MurmurError(`sanitizers run on the host only, not on board '${board.id}'`);
    base.push(...sanitizers);
  }
  base.push(...(options.cflags ?? []));
  return base;
}

interface Runtime {
  sources: string[];
  includeDirs: string[];
  defines: Record<string, string | number>;
  boot2Origin?: number;
}

/** The harness runtime of an emulator image: console, exit status, cost counter (and the shared start-up). */
function harnessRuntime(board: Board, arch: Arch): Runtime {
  const support = boardSupportDir();
  const shared = [join(runtimeDir, 'murmur_console.c'), join(runtimeDir, 'murmur_cost_report.c')];
  const includeDirs = [runtimeDir, support];
  if (arch === 'host') {
    const host = ['console_stdio.c', 'cost_none.c', 'host_file_stdio.c'].map((f) =>
      join(runtimeDir, 'host', f),
    );
    return { sources: [...shared, ...host], includeDirs, defines: {} };
  }
  if (arch === 'avr') {
    const avr = [
      join(runtimeDir, 'avr/console_uart.c'),
      join(support, 'atmega328p/uart.c'),
      join(runtimeDir, 'avr/cost_timer1.c'),
    ];
    return { sources: [...shared, ...avr], includeDirs, defines: {} };
  }
  const { machine } = qemuMachineOf(board);
  const tick = tickNanoseconds(machine.timerHz);
  const cortex = [
    join(support, 'cortex-m/startup.c'),
    join(runtimeDir, 'cortex-m/harness.c'),
    join(runtimeDir, 'cortex-m', machine.counterSource),
  ];
  const defines: Record<string, string | number> = {
    MURMUR_COST_ICOUNT_SHIFT: icountShift,
    MURMUR_COST_TICK_NS_NUM: tick.num,
    MURMUR_COST_TICK_NS_SHIFT: tick.shift,
  };
  if (machine.uart0 !== undefined) {
    cortex.push(join(support, 'mps2/uart.c'));
    defines.MURMUR_MPS2_UART0 = `0x${machine.uart0.toString(16)}u`;
  }
  return { sources: [...shared, ...cortex], includeDirs, defines };
}

/** Flash and RAM regions the image is linked into (AVR data addresses in the GNU tools' 0x800000 space). */
function layoutOf(
  board: Board,
  arch: Arch,
  target: BuildTarget,
): { flash: MachineRegion; ram: MachineRegion; placement: string } {
  const emulator = target === 'emulator' && arch !== 'host' ? emulatorFor(board) : undefined;
  const memory = emulator && 'memory' in emulator ? emulator.memory : board.memory;
  const placement =
    emulator?.kind === 'qemu'
      ? `QEMU ${emulator.machine}, board sizes capped at the machine's`
      : 'board memory map';
  const ram = { origin: memory.ram.origin, size: memory.ram.size };
  if (arch === 'avr' && ram.origin < avrDataOffset) ram.origin += avrDataOffset;
  return { flash: { origin: memory.flash.origin, size: memory.flash.size }, ram, placement };
}

/** Says when an emulator image is linked into less memory than the board has (a smaller proxy machine). */
function proxyNote(
  board: Board,
  layout: { flash: MachineRegion; ram: MachineRegion; placement: string },
): string {
  const smaller = (['flash', 'ram'] as const).filter((r) => layout[r].size < board.memory[r].size);
  if (smaller.length === 0) return '';
  const parts = smaller.map(
    (r) =>
      `${layout[r].size} B of ${r === 'ram' ? 'RAM' : 'flash'} (the board has ${board.memory[r].size} B)`,
  );
  return `; the emulator image is limited by its machine (${layout.placement}): ${parts.join(', ')}`;
}

async function inPool<T, R>(items: readonly T[], work: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index]!, index);
    }
  };
  await Promise.all(
    Array.from({ length: Math.min(items.length, Math.max(1, availableParallelism())) }, worker),
  );
  return results;
}

const definitionFlags = (defines: Readonly<Record<string, string | number | true>>): string[] =>
  Object.entries(defines).map(([k, v]) => (v === true ? `-D${k}` : `-D${k}=${v}`));

/** How a linker region is named in messages, and where it ends (to size "is not within region" overflows). */
export interface LinkRegion {
  label?: string;
  end?: number;
}

/**
 * ld's overflow messages turned into one sentence naming the regions and the bytes over. Newer ld
 * says "region 'RAM' overflowed by N bytes"; avr-ld 2.26 says "address 0x… of … section '.bss' is
 * not within region 'data'", where the bytes over are the address minus the region's end.
 */
export function describeLinkOverflow(
  stderr: string,
  regions: Record<string, LinkRegion> = {},
): string | undefined {
  const over = new Map<string, number>();
  for (const m of stderr.matchAll(/region [`']([^']+)' overflowed by (\d+) bytes/g))
    over.set(m[1]!, Number(m[2]));
  const sections = new Set<string>();
  for (const m of stderr.matchAll(/section [`']([^']+)' will not fit in region/g)) sections.add(m[1]!);
  for (const m of stderr.matchAll(
    /address (0x[0-9a-f]+) of .* section [`']([^']+)' is not within region [`']([^']+)'/g,
  )) {
    sections.add(m[2]!);
    const end = regions[m[3]!]?.end;
    const bytes = end === undefined ? Number.NaN : Number.parseInt(m[1]!.slice(2), 16) - end;
    if (!over.has(m[3]!) || bytes > over.get(m[3]!)!) over.set(m[3]!, bytes);
  }
  if (over.size === 0) return undefined;
  const parts = [...over].map(([region, bytes]) => {
    const name = regions[region]?.label ?? region;
    return Number.isNaN(bytes)
      ? `region '${name}' overflowed`
      : `region '${name}' overflowed by ${bytes} bytes`;
  });
  const which = sections.size ? ` (sections that do not fit: ${[...sections].join(', ')})` : '';
  return `${parts.join('; ')}${which}`;
}

/** The CRC32 of a linked image's first 252 boot2 bytes, as the RP2040 boot ROM computes it. */
async function boot2Crc(objcopy: string, elf: string, outDir: string): Promise<number> {
  const file = join(outDir, 'boot2.bin');
  const result = await runTool(objcopy, ['-O', 'binary', '-j', '.boot2', elf, file]);
  if (result.code !== 0) throw new MurmurError(`${objcopy} failed: ${result.stderr.trim()}`, { file: elf });
  return crc32Mpeg2(readFileSync(file).subarray(0, 252));
}

/**
 * Compiles C sources with a board's toolchain and core flags, links them from the board's memory map
 * and reports flash, RAM and worst-case stack. Throws a MurmurError naming the region and the bytes
 * over when the link does not fit, and with the numbers when the board's budget is exceeded.
 */
export async function buildFirmware(options: BuildOptions): Promise<FirmwareImage> {
  const { board } = options;
  const arch = archOf(board);
  const target = options.target ?? 'emulator';
  const tools = toolsOf[arch];
  const outDir = resolve(options.outDir);
  const objDir = join(outDir, 'obj');
  mkdirSync(objDir, { recursive: true });
  const name = options.name ?? 'firmware';
  const elf = join(outDir, arch === 'host' ? name : `${name}.elf`);
  const map = join(outDir, `${name}.map`);

  const runtime: Runtime = target === 'emulator' ? harnessRuntime(board, arch) : boardSupportFor(board);
  const sources = [...runtime.sources, ...options.sources.map((s) => resolve(s))];
  const flags = compilerFlags(board, arch, options);
  const includes = [...runtime.includeDirs, ...(options.includeDirs ?? [])].map((d) => `-I${resolve(d)}`);
  const defines = definitionFlags({ ...runtime.defines, ...(options.defines ?? {}) });

  const objects = await inPool(sources, async (source, index) => {
    const object = join(objDir, `${index}-${basename(source).replace(/\.c$/, '')}.o`);
    const args = [...flags, ...includes, ...defines];
    if (arch === 'cortex-m') args.push('-fstack-usage', '-fcallgraph-info=su,da');
    if (arch === 'avr') args.push('-fstack-usage');
    const result = await runTool(tools.cc, [...args, '-c', source, '-o', object]);
    if (result.code !== 0) {
      throw new MurmurError(`${tools.cc} failed for board '${board.id}':\n${result.stderr.trim()}`, {
        file: source,
      });
    }
    return object;
  });

  const image: FirmwareImage = { board, arch, target, elf, map };
  const layout = layoutOf(board, arch, target);
  const link = async (stackReserve: number, boot2Crc = 0): Promise<void> => {
    const linkArgs = [...flags, '-Wl,--gc-sections', `-Wl,-Map=${map}`];
    const regions: Record<string, LinkRegion> = {};
    if (arch === 'cortex-m') {
      image.linkerScript = join(outDir, `${name}.ld`);
      const boot2 =
        runtime.boot2Origin === undefined ? undefined : { origin: runtime.boot2Origin, crc: boot2Crc };
      const script = cortexMLinkerScript({ board, ...layout, stackBytes: stackReserve, boot2 });
      writeFileSync(image.linkerScript, script);
      linkArgs.push('-nostartfiles', '--specs=nano.specs', '--specs=nosys.specs', '-T', image.linkerScript);
    } else if (arch === 'avr') {
      // avr-libc's start-up and the toolchain's avr5 script, with the regions set from the board: the
      // data region is shortened by the stack reserve, so ld reports data + bss + stack overflows.
      linkArgs.push(
        `-Wl,--defsym=__TEXT_REGION_ORIGIN__=${layout.flash.origin}`,
        `-Wl,--defsym=__TEXT_REGION_LENGTH__=${layout.flash.size}`,
        `-Wl,--defsym=__DATA_REGION_ORIGIN__=${layout.ram.origin}`,
        `-Wl,--defsym=__DATA_REGION_LENGTH__=${layout.ram.size - stackReserve}`,
      );
      if (target === 'emulator') linkArgs.push('-Wl,--wrap=exit');
      regions.text = { label: 'flash', end: layout.flash.origin + layout.flash.size };
      regions.data = {
        label: stackReserve > 0 ? `RAM (data + bss + ${stackReserve} B stack reserve)` : 'RAM',
        end: layout.ram.origin + layout.ram.size - stackReserve,
      };
    }
    const result = await runTool(tools.cc, [
      ...linkArgs,
      ...objects,
      ...board.toolchain.ldflags,
      '-lm',
      '-o',
      elf,
    ]);
    if (result.code !== 0) {
      const overflow = describeLinkOverflow(result.stderr, regions);
      if (overflow) {
        const note = proxyNote(board, layout);
        throw new MurmurError(`the firmware does not fit board '${board.id}': ${overflow}${note}`, {
          file: elf,
        });
      }
      throw new MurmurError(`linking for board '${board.id}' failed:\n${result.stderr.trim()}`, {
        file: elf,
      });
    }
  };

  if (arch === 'host') {
    await link(0);
    return image;
  }
  const analysis = { isInterrupt: isInterruptHandler, bytesPerCall: 0 };
  let stack;
  let stackReserve: number;
  if (arch === 'cortex-m') {
    const graph = readCallGraph(objects.map((o) => o.replace(/\.o$/, '.ci')));
    stack = analyzeStack(graph, { ...analysis, entries: ['Reset_Handler', 'main'] });
    stackReserve = options.stackBytes ?? defaultStackReserve(stack.worstCaseBytes, arch);
    await link(stackReserve);
    if (runtime.boot2Origin !== undefined)
      await link(stackReserve, await boot2Crc(tools.objcopy, elf, outDir));
  } else {
    // avr-gcc 5.4 has no -fcallgraph-info: link once, take the calls from the disassembly and the
    // frames from the .su files, then link again with the stack reserve.
    await link(0);
    const graph = readCallGraph(objects.map((o) => o.replace(/\.o$/, '.su')));
    const disassembly = await runTool(tools.objdump, ['-d', elf]);
    addDisassemblyCalls(graph, disassembly.stdout);
    stack = analyzeStack(graph, { ...analysis, entries: ['main'] });
    stackReserve = options.stackBytes ?? defaultStackReserve(stack.worstCaseBytes, arch);
    await link(stackReserve);
  }

  image.hex = join(outDir, `${name}.hex`);
  image.bin = join(outDir, `${name}.bin`);
  const strip = arch === 'avr' ? avrNonFlashSections.flatMap((s) => ['-R', s]) : [];
  for (const [format, file] of [
    ['ihex', image.hex],
    ['binary', image.bin],
  ] as const) {
    const result = await runTool(tools.objcopy, [...strip, '-O', format, elf, file]);
    if (result.code !== 0)
      throw new MurmurError(`${tools.objcopy} failed: ${result.stderr.trim()}`, { file: elf });
  }

  if (runtime.boot2Origin !== undefined) {
    image.uf2 = join(outDir, `${name}.uf2`);
    writeFileSync(image.uf2, toUf2(readFileSync(image.bin), runtime.boot2Origin, rp2040FamilyId));
  }

  image.memory = memoryReport({
    boardId: board.id,
    sections: await readSections(tools.objdump, elf),
    flash: layout.flash,
    ram: layout.ram,
    budget: { flash: board.memory.flash.size, ram: board.memory.ram.size },
    stack,
    stackReserve,
    stackSection: '.heap_stack',
  });
  writeFileSync(join(outDir, 'memory.json'), `${JSON.stringify(image.memory, null, 2)}\n`);
  assertFits(image.memory);
  return image;
}
