import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Board } from '@murmur/boards';
import { MurmurError } from '@murmur/core';

/** The three kinds of code generation Murmur's firmware build knows. */
export type Arch = 'cortex-m' | 'avr' | 'host';

/** What a board's instruction/cycle counter counts. */
export type CostUnit = 'instructions' | 'cycles' | 'none';

export interface MemoryRegion {
  origin: number;
  size: number;
}

/** A QEMU machine the harness runs Cortex-M code on, with its memory map and the counter it measures with. */
export interface QemuMachine {
  flash: MemoryRegion;
  ram: MemoryRegion;
  /** Harness C file (in c/cortex-m) that implements murmur_cost_* on this machine. */
  counterSource: string;
  /** Frequency of that counter's timer. */
  timerHz: number;
}

/**
 * The QEMU 7.2 machines the harness supports (memory maps as QEMU models them; see
 * https://www.qemu.org/docs/master/system/arm/mps2.html). mps2-an505 boots in the Secure state with
 * its vector table at 0x10000000 (the Secure alias of SSRAM1) and RAM at 0x38000000.
 */
export const qemuMachines: Record<string, QemuMachine> = {
  'mps2-an385': {
    flash: { origin: 0x00000000, size: 0x400000 },
    ram: { origin: 0x20000000, size: 0x400000 },
    counterSource: 'cost_cmsdk_timer.c',
    timerHz: 25_000_000,
  },
  'mps2-an386': {
    flash: { origin: 0x00000000, size: 0x400000 },
    ram: { origin: 0x20000000, size: 0x400000 },
    counterSource: 'cost_cmsdk_timer.c',
    timerHz: 25_000_000,
  },
  'mps2-an505': {
    flash: { origin: 0x10000000, size: 0x400000 },
    ram: { origin: 0x38000000, size: 0x200000 },
    counterSource: 'cost_cmsdk_timer.c',
    timerHz: 20_000_000,
  },
  microbit: {
    flash: { origin: 0x00000000, size: 0x40000 },
    ram: { origin: 0x20000000, size: 0x4000 },
    counterSource: 'cost_nrf51_timer.c',
    timerHz: 16_000_000,
  },
};

/**
 * QEMU runs with `-icount shift=8`: every instruction advances virtual time by 256 ns, which is at
 * least two ticks of every supported timer (40, 50 and 62.5 ns), so tick deltas convert back to
 * instruction counts exactly.
 */
export const icountShift = 8;

/** AVR data addresses as the GNU tools see them (the data space starts at 0x800000). */
export const avrDataOffset = 0x800000;

/** The folder holding the harness's C runtime (console, start-up, counters). */
export const runtimeDir = join(dirname(fileURLToPath(import.meta.url)), '..', 'c');

export function archOf(board: Board): Arch {
  if (board.mcu.core === 'host') return 'host';
  if (board.mcu.core === 'avr5') return 'avr';
  return 'cortex-m';
}

export function costUnitOf(board: Board): CostUnit {
  const arch = archOf(board);
  return arch === 'cortex-m' ? 'instructions' : arch === 'avr' ? 'cycles' : 'none';
}

/** The QEMU machine of a Cortex-M board (its own machine, or the proxy machine for its core). */
export function qemuMachineOf(board: Board): { name: string; machine: QemuMachine } {
  if (board.emulator.kind !== 'qemu') {
    throw new MurmurError(`board '${board.id}' does not run under QEMU`, { field: 'emulator.kind' });
  }
  const machine = qemuMachines[board.emulator.machine];
  if (!machine) {
    throw new MurmurError(
      `board '${board.id}': QEMU machine '${board.emulator.machine}' is not supported by the harness (supported: ${Object.keys(qemuMachines).join(', ')})`,
      { field: 'emulator.machine' },
    );
  }
  return { name: board.emulator.machine, machine };
}

/**
 * One timer tick in ns as NUM / 2^SHIFT (40 ns at 25 MHz is 40/2^0, 62.5 ns at 16 MHz is 125/2^1),
 * the form the C counter uses to convert ticks to instructions without a division.
 */
export function tickNanoseconds(timerHz: number): { num: number; shift: number } {
  for (let shift = 0; shift <= 8; shift++) {
    const scaled = 1e9 * 2 ** shift;
    if (scaled % timerHz === 0) {
      const num = scaled / timerHz;
      if (2 ** icountShift < 2 * (num / 2 ** shift)) break;
      return { num, shift };
    }
  }
  throw new MurmurError(
    `a ${timerHz} Hz timer cannot count instructions exactly at -icount shift=${icountShift}`,
  );
}
