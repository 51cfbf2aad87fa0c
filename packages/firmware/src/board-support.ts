import { join } from 'node:path';
import { qemuMachine, type Board } from '@murmur/boards';
import { MurmurError, workspaceRoot } from '@murmur/core';

/** boards/support: the board-support C per MCU family. */
export const boardSupportDir = (): string => join(workspaceRoot(), 'boards', 'support');

/** What one MCU family's board support consists of (paths relative to boards/support). */
interface FamilySupport {
  sources: string[];
  /** Folder holding the family's family.h, when its drivers need one. */
  familyDir?: string;
  /** External interrupts in the Cortex-M vector table. */
  irqs?: number;
  /** Core clock after the family's documented set-up, when it changes the reset clock. */
  clockHz?: number;
  /** RP2040: a 256-byte second-stage boot loader with CRC32 precedes the vector table. */
  boot2?: boolean;
}

const cortexM = ['cortex-m/startup.c', 'cortex-m/hooks.c', 'cortex-m/systick.c'];
const resetClock = [...cortexM, 'cortex-m/board.c'];

/** Board support per `mcu.family` of the board files. */
const families: Record<string, FamilySupport> = {
  STM32WL: { sources: [...resetClock, 'stm32/usart.c'], familyDir: 'stm32wl', irqs: 62 },
  STM32L0: { sources: [...resetClock, 'stm32/usart.c'], familyDir: 'stm32l0', irqs: 32 },
  STM32L4: { sources: [...resetClock, 'stm32/usart.c'], familyDir: 'stm32l4', irqs: 82 },
  SAMD21: { sources: [...resetClock, 'samd21/uart.c'], irqs: 28 },
  nRF52: { sources: [...resetClock, 'nrf/uarte.c'], familyDir: 'nrf52840', irqs: 48 },
  nRF91: { sources: [...resetClock, 'nrf/uarte.c'], familyDir: 'nrf9160', irqs: 65 },
  RP2040: {
    sources: [...cortexM, 'rp2040/board.c', 'rp2040/uart.c', 'rp2040/boot2.c'],
    irqs: 26,
    clockHz: 12_000_000,
    boot2: true,
  },
  megaAVR: { sources: ['atmega328p/board.c', 'atmega328p/uart.c'] },
  MPS2: { sources: [...resetClock, 'mps2/uart.c'], irqs: 32 },
};

/** The MCU families with board support. */
export const supportedFamilies = Object.keys(families);

export interface BoardSupport {
  sources: string[];
  includeDirs: string[];
  defines: Record<string, number>;
  /** Address of the RP2040 boot2 block, when the image starts with one. */
  boot2Origin?: number;
}

/** The RP2040 boot ROM looks for boot2 in the first 256 bytes of flash (XIP base). */
const rp2040Boot2Origin = 0x10000000;

/** Board-support sources, include folders and defines (clock, UART baud, vector count) for a board. */
export function boardSupportFor(board: Board): BoardSupport {
  const family = families[board.mcu.family];
  if (!family) {
    throw new MurmurError(
      `no board support for MCU family '${board.mcu.family}' (board '${board.id}'); supported: ${supportedFamilies.join(', ')}`,
      { field: 'mcu.family' },
    );
  }
  const root = boardSupportDir();
  const defines: Record<string, number> = {
    MURMUR_BOARD_CLOCK_HZ: family.clockHz ?? board.mcu.resetClockHz ?? board.mcu.clockHz,
  };
  if (family.irqs !== undefined) defines.MURMUR_BOARD_IRQS = family.irqs;
  if (board.radio.technology !== 'none' && board.radio.uart)
    defines.MURMUR_BOARD_UART_BAUD = board.radio.uart.baud;
  const uart0 = board.emulator.kind === 'qemu' ? qemuMachine(board.emulator.machine)?.uart0 : undefined;
  if (board.mcu.family === 'MPS2' && uart0 !== undefined) defines.MURMUR_MPS2_UART0 = uart0;
  return {
    sources: family.sources.map((s) => join(root, s)),
    includeDirs: [root, ...(family.familyDir ? [join(root, family.familyDir)] : [])],
    defines,
    boot2Origin: family.boot2 ? rp2040Boot2Origin : undefined,
  };
}

/**
 * CRC32 as the RP2040 boot ROM checks boot2 (polynomial 0x04C11DB7, initial value 0xFFFFFFFF, bits not
 * reflected, no final XOR; "CRC-32/MPEG-2").
 */
export function crc32Mpeg2(bytes: Uint8Array): number {
  let crc = 0xffffffff;
  for (const byte of bytes) {
    crc ^= byte << 24;
    for (let bit = 0; bit < 8; bit++) crc = crc & 0x80000000 ? (crc << 1) ^ 0x04c11db7 : crc << 1;
  }
  return crc >>> 0;
}
