import { describe, expect, it } from 'vitest';
import { parseSimavrUart, splitHarnessLines } from './emulator';
import { formatMemoryReport, memoryReport, parseSectionTable } from './memory';
import { tickNanoseconds } from './targets';
import { debianPackageFor, runTool } from './toolchain';

describe('harness output parsing', () => {
  it('reads simavr UART lines from its coloured stderr', () => {
    const esc = String.fromCharCode(27);
    const stderr = `Loaded 3562 .text at address 0x0\n${esc}[32mdot=-26375.\n${esc}[0m${esc}[32m@murmur exit 3.\n${esc}[0m`;
    expect(parseSimavrUart(stderr)).toEqual(['dot=-26375', '@murmur exit 3']);
  });

  it('separates the harness lines from the program output', () => {
    const parsed = splitHarnessLines([
      'a',
      '@murmur cost dot 1808',
      '@murmur stack 248',
      '@murmur exit 3',
      'b',
    ]);
    expect(parsed).toEqual({
      lines: ['a', 'b'],
      costs: [{ label: 'dot', value: 1808 }],
      stackHighWater: 248,
      exitCode: 3,
    });
    expect(() => splitHarnessLines(['@murmur cost broken'])).toThrow(/malformed harness line/);
  });

  it('parses objdump -h -w', () => {
    const text = [
      'Idx Name            Size      VMA       LMA       File off  Algn  Flags',
      '  0 .isr_vector     000000c0  00000000  00000000  00010000  2**2  CONTENTS, ALLOC, LOAD, READONLY, DATA',
      '  3 .data           00000004  20000000  000006d0  00020000  2**2  CONTENTS, ALLOC, LOAD, DATA',
      '  4 .bss            00000310  20000004  000006d4  00020004  2**2  ALLOC',
      '  6 .comment        00000026  00000000  00000000  000206d4  2**0  CONTENTS, READONLY',
    ].join('\n');
    expect(parseSectionTable(text)).toEqual([
      { name: '.isr_vector', size: 0xc0, vma: 0, lma: 0, alloc: true, load: true },
      { name: '.data', size: 4, vma: 0x20000000, lma: 0x6d0, alloc: true, load: true },
      { name: '.bss', size: 0x310, vma: 0x20000004, lma: 0x6d4, alloc: true, load: false },
      { name: '.comment', size: 0x26, vma: 0, lma: 0, alloc: false, load: false },
    ]);
  });
});

describe('memory report', () => {
  const stack = {
    worstCaseBytes: 100,
    path: ['main', 'f'],
    interruptPath: [],
    lowerBound: false,
    caveats: [],
  };
  const input = {
    boardId: 'b',
    sections: [
      { name: '.text', size: 900, vma: 0, lma: 0, alloc: true, load: true },
      { name: '.data', size: 20, vma: 0x800100, lma: 900, alloc: true, load: true },
      { name: '.bss', size: 300, vma: 0x800114, lma: 920, alloc: true, load: false },
    ],
    flash: { origin: 0, size: 1024 },
    ram: { origin: 0x800100, size: 512 },
    budget: { flash: 1024, ram: 512 },
    stack,
    stackReserve: 128,
  };

  it('adds the .data load image to flash and data + bss + stack to RAM', () => {
    const report = memoryReport(input);
    expect(report.flash).toEqual({ used: 920, budget: 1024, sections: { '.text': 900, '.data': 20 } });
    expect(report.ram).toMatchObject({ data: 20, bss: 300, static: 320, stack: 100, total: 448 });
    expect(report.fits).toBe(true);
    expect(formatMemoryReport(report)).toBe(
      [
        'board b: fits',
        'flash 920 / 1024 B (89.8 %): .text 900, .data 20',
        'RAM   448 / 512 B (87.5 %): data 20 + bss 300 + stack 128 (worst case 100, reserved 128)',
        'stack main > f',
      ].join('\n'),
    );
  });

  it('does not fit when static RAM plus the worst-case stack exceed the budget', () => {
    const report = memoryReport({ ...input, stack: { ...stack, worstCaseBytes: 300 } });
    expect(report.ram.total).toBe(620);
    expect(report.fits).toBe(false);
  });
});

describe('counters and tools', () => {
  it('expresses timer ticks as NUM / 2^SHIFT ns and refuses timers too fast for exact counts', () => {
    expect(tickNanoseconds(25_000_000)).toEqual({ num: 40, shift: 0 });
    expect(tickNanoseconds(16_000_000)).toEqual({ num: 125, shift: 1 });
    expect(tickNanoseconds(20_000_000)).toEqual({ num: 50, shift: 0 });
    expect(() => tickNanoseconds(3_000_000)).toThrow(/cannot count instructions exactly/);
  });

  it('names the Debian package when a program is missing', async () => {
    expect(debianPackageFor('simavr')).toBe('simavr');
    expect(debianPackageFor('arm-none-eabi-gcc')).toBe('gcc-arm-none-eabi');
    await expect(runTool('qemu-system-arm-missing', [])).rejects.toThrow(
      /is not installed; install the Debian package/,
    );
  });
});
