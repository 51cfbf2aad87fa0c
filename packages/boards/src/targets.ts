import { emulatedMachines, flagsForCore, machineKey, type MachineMemory } from './cores';
import type { Board } from './schema';

/**
 * How to run code built for a board: the emulator, the compiler flags of the image that runs there and the
 * memory to link it into. `memory` has the machine's origins and the board's sizes, capped at what the
 * machine has, so a budget overflow shows up under emulation too. The micro:bit proxy's memory is sized to
 * the board (`qemuMemoryOptions` in cores.ts), so a Cortex-M0+ board keeps its own flash and RAM there.
 */
export type EmulatorTarget =
  | { kind: 'qemu'; machine: string; cpuFlags: string[]; memory: MachineMemory }
  | { kind: 'simavr'; mcu: string; frequencyHz: number; cpuFlags: string[]; memory: MachineMemory }
  | { kind: 'host'; cpuFlags: string[] };

/**
 * The compiler flags that select the board's core: `-mcpu/-mthumb/-mfpu/-mfloat-abi` for Arm,
 * `-mmcu/-DF_CPU` for AVR, none for the host. The board schema checks that `toolchain.cflags` holds them.
 */
export function coreFlags(board: Board): string[] {
  return flagsForCore(board.mcu);
}

/**
 * The emulator that runs the board's core and the flags to build the image it runs. A hardware board runs on
 * a proxy machine with the same core, with the board's own core flags (soft-float Cortex-M4 code runs on the
 * AN386's M4F; ARMv6-M code for an M0+ runs on the micro:bit's M0); an AVR image is built for the simulated
 * MCU and its clock. `emulator.cpuFlags` in the board file overrides the flags.
 */
export function emulatorFor(board: Board): EmulatorTarget {
  const emu = board.emulator;
  switch (emu.kind) {
    case 'qemu':
      return {
        kind: 'qemu',
        machine: emu.machine,
        cpuFlags: emu.cpuFlags ?? coreFlags(board),
        memory: linkMemory(board, machineKey(emu)),
      };
    case 'simavr':
      return {
        kind: 'simavr',
        mcu: emu.mcu,
        frequencyHz: emu.frequencyHz,
        cpuFlags: [`-mmcu=${emu.mcu}`, `-DF_CPU=${emu.frequencyHz}UL`],
        memory: linkMemory(board, machineKey(emu)),
      };
    case 'host':
      return { kind: 'host', cpuFlags: [] };
  }
}

function linkMemory(board: Board, key: string): MachineMemory {
  const machine = emulatedMachines[key];
  if (!machine) throw new Error(`no memory map for emulator '${key}'`);
  return {
    flash: { origin: machine.flash.origin, size: Math.min(board.memory.flash.size, machine.flash.size) },
    ram: { origin: machine.ram.origin, size: Math.min(board.memory.ram.size, machine.ram.size) },
  };
}

/**
 * True when the board is itself an emulator target (its firmware runs under the emulator exactly as built);
 * false for hardware boards, which are checked on a proxy machine with the same core, and for the host build.
 */
export function isEmulatedTarget(board: Board): boolean {
  return board.kind === 'emulator';
}
