import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  emulatorFor,
  isAvrCore,
  qemuMachine,
  qemuMachineNames,
  qemuMemoryOptions,
  type Board,
} from '@murmur/boards';
import { MurmurError } from '@murmur/core';

/** The three kinds of code generation Murmur's firmware build knows. */
export type Arch = 'cortex-m' | 'avr' | 'host';

/** What a board's instruction/cycle counter counts. */
export type CostUnit = 'instructions' | 'cycles' | 'none';

/** What the harness uses on a QEMU machine: its instruction counter and, where there is one, its UART. */
export interface QemuMachine {
  /** Harness C file (in c/cortex-m) that implements murmur_cost_* on this machine. */
  counterSource: string;
  /** Frequency of that counter's timer. */
  timerHz: number;
  /** Base address of the CMSDK UART0 that murmur_uart_* drives (boards/support/mps2/uart.c). */
  uart0?: number;
}

/** The harness's counter for each kind of timer a QEMU machine has (@murmur/boards' emulatedMachines). */
const counterSources = { cmsdk: 'cost_cmsdk_timer.c', nrf51: 'cost_nrf51_timer.c' } as const;

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
  if (isAvrCore(board.mcu.core)) return 'avr';
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
  const name = board.emulator.machine;
  const emulated = qemuMachine(name);
  const timer = emulated?.timer;
  if (!timer) {
    throw new MurmurError(
      `board '${board.id}': QEMU machine '${name}' is not supported by the harness (supported: ${qemuMachineNames().join(', ')})`,
      { field: 'emulator.machine' },
    );
  }
  return {
    name,
    machine: {
      counterSource: counterSources[timer.kind],
      timerHz: timer.hz,
      uart0: emulated?.uart0,
    },
  };
}

/**
 * `-M <machine>` plus the options that give the machine the memory the board's emulator image is linked
 * into: a Cortex-M0/M0+ board on the micro:bit proxy gets its own flash and RAM sizes (`qemuMemoryOptions`
 * in @murmur/boards), so its image is limited by the board, not by the real micro:bit's 16 KB of RAM.
 */
export function qemuMachineOptions(board: Board): string[] {
  const { name } = qemuMachineOf(board);
  const emulator = emulatorFor(board);
  return ['-M', name, ...(emulator.kind === 'qemu' ? qemuMemoryOptions(name, emulator.memory) : [])];
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
