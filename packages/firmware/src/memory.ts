import { MurmurError } from '@murmur/core';
import type { StackReport } from './stack';
import type { MachineRegion } from '@murmur/boards';
import { runTool } from './toolchain';

/** One section of a linked image, from `objdump -h`. */
export interface ImageSection {
  name: string;
  size: number;
  /** Run-time address. */
  vma: number;
  /** Load address (differs from vma for `.data`, whose initial image sits in flash). */
  lma: number;
  /** Occupies memory at run time. */
  alloc: boolean;
  /** Has contents in the file (loaded into flash). */
  load: boolean;
}

const sectionPattern =
  /^\s*\d+\s+(\S+)\s+([0-9a-f]+)\s+([0-9a-f]+)\s+([0-9a-f]+)\s+[0-9a-f]+\s+2\*\*\d+\s+(.*)$/;

/** Parses the section table printed by `objdump -h -w`. */
export function parseSectionTable(text: string): ImageSection[] {
  const sections: ImageSection[] = [];
  for (const line of text.split('\n')) {
    const m = sectionPattern.exec(line);
    if (!m) continue;
    const flags = m[5]!.split(',').map((f) => f.trim());
    sections.push({
      name: m[1]!,
      size: Number.parseInt(m[2]!, 16),
      vma: Number.parseInt(m[3]!, 16),
      lma: Number.parseInt(m[4]!, 16),
      alloc: flags.includes('ALLOC'),
      load: flags.includes('LOAD') && flags.includes('CONTENTS'),
    });
  }
  return sections;
}

export async function readSections(objdump: string, elf: string): Promise<ImageSection[]> {
  const result = await runTool(objdump, ['-h', '-w', elf]);
  if (result.code !== 0) throw new MurmurError(`${objdump} failed: ${result.stderr.trim()}`, { file: elf });
  return parseSectionTable(result.stdout);
}

/** Flash, RAM and stack of one image against one board's budget. */
export interface MemoryReport {
  board: string;
  flash: {
    /** Bytes of flash the image occupies: code, constants, vector table and the `.data` load image. */
    used: number;
    budget: number;
    /** Per flash section (the `.data` load image appears under `.data`). */
    sections: Record<string, number>;
  };
  ram: {
    data: number;
    bss: number;
    /** data + bss (+ any other statically allocated RAM section). */
    static: number;
    /** Worst-case stack from the call graph (see `stack.lowerBound`). */
    stack: number;
    /** Bytes reserved for the stack by the linker script. */
    stackReserve: number;
    /** static + max(stack, stackReserve). */
    total: number;
    budget: number;
  };
  stack: StackReport;
  fits: boolean;
}

const within = (address: number, region: MachineRegion): boolean =>
  address >= region.origin && address < region.origin + region.size;

export interface MemoryReportInput {
  boardId: string;
  sections: readonly ImageSection[];
  /** Where flash and RAM are in the linked image. */
  flash: MachineRegion;
  ram: MachineRegion;
  /** The board's flash and RAM sizes (its budget). */
  budget: { flash: number; ram: number };
  stack: StackReport;
  stackReserve: number;
  /** The section that holds the stack reserve (not counted as static RAM). */
  stackSection?: string;
}

/** Adds up an image's sections into flash, static RAM and stack against the board's budget. */
export function memoryReport(input: MemoryReportInput): MemoryReport {
  const flashSections: Record<string, number> = {};
  let data = 0;
  let bss = 0;
  for (const s of input.sections) {
    if (!s.alloc || s.size === 0) continue;
    if (s.load && within(s.lma, input.flash)) flashSections[s.name] = (flashSections[s.name] ?? 0) + s.size;
    if (within(s.vma, input.ram) && s.name !== input.stackSection) {
      if (s.load) data += s.size;
      else bss += s.size;
    }
  }
  const flashUsed = Object.values(flashSections).reduce((a, b) => a + b, 0);
  const staticRam = data + bss;
  const total = staticRam + Math.max(input.stack.worstCaseBytes, input.stackReserve);
  return {
    board: input.boardId,
    flash: { used: flashUsed, budget: input.budget.flash, sections: flashSections },
    ram: {
      data,
      bss,
      static: staticRam,
      stack: input.stack.worstCaseBytes,
      stackReserve: input.stackReserve,
      total,
      budget: input.budget.ram,
    },
    stack: input.stack,
    fits: flashUsed <= input.budget.flash && total <= input.budget.ram,
  };
}

/** Throws a MurmurError with the numbers when the image does not fit the board. */
export function assertFits(report: MemoryReport): void {
  if (report.fits) return;
  const over: string[] = [];
  if (report.flash.used > report.flash.budget) {
    over.push(
      `flash ${report.flash.used} B > ${report.flash.budget} B (over by ${report.flash.used - report.flash.budget} B)`,
    );
  }
  if (report.ram.total > report.ram.budget) {
    over.push(
      `RAM ${report.ram.total} B (static ${report.ram.static} B + stack ${Math.max(report.ram.stack, report.ram.stackReserve)} B) > ${report.ram.budget} B (over by ${report.ram.total - report.ram.budget} B)`,
    );
  }
  throw new MurmurError(`the firmware does not fit board '${report.board}': ${over.join('; ')}`);
}

const percent = (used: number, budget: number): string => `${((100 * used) / budget).toFixed(1)} %`;

/** The report as a few lines of text for the CLI. */
export function formatMemoryReport(report: MemoryReport): string {
  const { flash, ram, stack } = report;
  const sections = Object.entries(flash.sections)
    .map(([name, bytes]) => `${name} ${bytes}`)
    .join(', ');
  const bound = stack.lowerBound ? ` (lower bound: ${stack.caveats.join('; ')})` : '';
  return [
    `board ${report.board}: ${report.fits ? 'fits' : 'DOES NOT FIT'}`,
    `flash ${flash.used} / ${flash.budget} B (${percent(flash.used, flash.budget)}): ${sections}`,
    `RAM   ${ram.total} / ${ram.budget} B (${percent(ram.total, ram.budget)}): data ${ram.data} + bss ${ram.bss} + stack ${Math.max(ram.stack, ram.stackReserve)} (worst case ${ram.stack}, reserved ${ram.stackReserve})`,
    `stack ${stack.path.join(' > ')}${stack.interruptPath.length ? ` + ${stack.interruptPath.join(' > ')}` : ''}${bound}`,
  ].join('\n');
}
