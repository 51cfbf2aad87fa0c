/** CPU cores Murmur generates code for. `m4f` is a Cortex-M4 with its single-precision FPU. */
export const coreIds = [
  'cortex-m0',
  'cortex-m0plus',
  'cortex-m3',
  'cortex-m4',
  'cortex-m4f',
  'cortex-m33',
  'avr5',
  'avr51',
  'host',
] as const;
export type CoreId = (typeof coreIds)[number];

/** 8-bit AVR cores: avr5 (ATmega328P, up to 64 KB of flash) and avr51 (ATmega1284P, 128 KB). */
export const avrCores: readonly CoreId[] = ['avr5', 'avr51'];
export function isAvrCore(core: CoreId): boolean {
  return avrCores.includes(core);
}

/** Cores that can carry a hardware FPU (the M33's is optional, the M4F's is what makes it an M4F). */
export const coresWithFpu: readonly CoreId[] = ['cortex-m4f', 'cortex-m33', 'host'];

/** The MCU facts that decide the compiler flags. */
export interface CoreSelection {
  part: string;
  core: CoreId;
  clockHz: number;
  fpu: 'none' | 'sp' | 'dp';
  dsp: boolean;
}

/** The emulator that runs a core, without the flags. */
export type EmulatorMachine =
  { kind: 'qemu'; machine: string } | { kind: 'simavr'; mcu: string; frequencyHz: number } | { kind: 'host' };

/**
 * The emulator of the same core for every core (the "proxy machine" for boards that the emulator does not
 * model itself): ARMv6-M → micro:bit (nRF51, Cortex-M0; flash and RAM sized to the board, see
 * `sizableQemuMemory`), M3 → MPS2 AN385, M4/M4F → MPS2 AN386 (soft-float code runs there too),
 * M33 → MPS2 AN505, AVR5 → simavr ATmega328P at 16 MHz, AVR51 → simavr ATmega1284P at 16 MHz.
 */
export const proxyEmulators: Readonly<Record<CoreId, EmulatorMachine>> = {
  'cortex-m0': { kind: 'qemu', machine: 'microbit' },
  'cortex-m0plus': { kind: 'qemu', machine: 'microbit' },
  'cortex-m3': { kind: 'qemu', machine: 'mps2-an385' },
  'cortex-m4': { kind: 'qemu', machine: 'mps2-an386' },
  'cortex-m4f': { kind: 'qemu', machine: 'mps2-an386' },
  'cortex-m33': { kind: 'qemu', machine: 'mps2-an505' },
  avr5: { kind: 'simavr', mcu: 'atmega328p', frequencyHz: 16_000_000 },
  avr51: { kind: 'simavr', mcu: 'atmega1284p', frequencyHz: 16_000_000 },
  host: { kind: 'host' },
};

/** An address range of an emulated machine. */
export interface MachineRegion {
  origin: number;
  size: number;
}

/** Where an emulated machine has code and data memory. */
export interface MachineMemory {
  flash: MachineRegion;
  ram: MachineRegion;
}

/**
 * An emulated machine: its memory and, on a QEMU machine, the timer the firmware harness counts
 * instructions with (QEMU's `-icount` makes its ticks exact) and the CMSDK UART0 a serial console uses.
 */
export interface EmulatedMachine extends MachineMemory {
  timer?: { kind: 'cmsdk' | 'nrf51'; hz: number };
  uart0?: number;
}

/**
 * Every emulated machine, keyed by `describeEmulator` without the clock (see `machineKey`). For a machine in
 * `sizableQemuMemory` the memory is the most it can be given (QEMU then gets the size an image is linked
 * into): the micro:bit's nRF51 SoC model takes any `flash-size` below its FICR at 0x10000000 and any
 * `sram-size` below the peripherals at 0x40000000, so a Cortex-M0/M0+ board runs there with its own flash and
 * RAM (RP2040: 264 KB) instead of the real micro:bit's 16 KB; the `qemu-microbit` board keeps the real sizes.
 * The MPS2 images have a CMSDK timer on the 25 MHz (AN505: 20 MHz) system clock and a CMSDK UART0; the
 * micro:bit's nRF51 has TIMER0 at 16 MHz (QEMU 7.2).
 */
export const emulatedMachines: Readonly<Record<string, EmulatedMachine>> = {
  'qemu microbit': {
    flash: { origin: 0x0, size: 0x10000000 },
    ram: { origin: 0x20000000, size: 0x20000000 },
    timer: { kind: 'nrf51', hz: 16_000_000 },
  },
  'qemu mps2-an385': {
    flash: { origin: 0x0, size: 4 << 20 },
    ram: { origin: 0x20000000, size: 4 << 20 },
    timer: { kind: 'cmsdk', hz: 25_000_000 },
    uart0: 0x40004000,
  },
  'qemu mps2-an386': {
    flash: { origin: 0x0, size: 4 << 20 },
    ram: { origin: 0x20000000, size: 4 << 20 },
    timer: { kind: 'cmsdk', hz: 25_000_000 },
    uart0: 0x40004000,
  },
  // AN505 boots Secure: the Secure aliases of SSRAM1 (code) and SSRAM2 (data).
  'qemu mps2-an505': {
    flash: { origin: 0x10000000, size: 4 << 20 },
    ram: { origin: 0x38000000, size: 2 << 20 },
    timer: { kind: 'cmsdk', hz: 20_000_000 },
    uart0: 0x40200000,
  },
  'simavr atmega328p': { flash: { origin: 0x0, size: 32 * 1024 }, ram: { origin: 0x100, size: 2 * 1024 } },
  'simavr atmega1284p': { flash: { origin: 0x0, size: 128 * 1024 }, ram: { origin: 0x100, size: 16 * 1024 } },
};

/** The QEMU machine called `name` (`mps2-an386`, `microbit`), if Murmur runs code on it. */
export function qemuMachine(name: string): EmulatedMachine | undefined {
  return emulatedMachines[`qemu ${name}`];
}

/** The QEMU machines Murmur runs code on. */
export function qemuMachineNames(): string[] {
  return Object.keys(emulatedMachines)
    .filter((k) => k.startsWith('qemu '))
    .map((k) => k.slice('qemu '.length));
}

/**
 * QEMU machines whose flash and RAM sizes are properties of the SoC model (`-global <property>=<bytes>`); the
 * others have fixed memory. Checked with `info mtree` on QEMU 7.2: `nrf51-soc.sram-size=270336` maps
 * nrf51.sram at 0x20000000-0x20041fff, `nrf51-soc.flash-size=2096896` nrf51_soc.flash at 0x0-0x1ffeff (the
 * defaults are the micro:bit's 16 KB and 256 KB).
 */
export const sizableQemuMemory: Readonly<Record<string, { flash: string; ram: string }>> = {
  microbit: { flash: 'nrf51-soc.flash-size', ram: 'nrf51-soc.sram-size' },
};

/**
 * The QEMU options that give a machine the memory an image is linked into (`emulatorFor(board).memory`):
 * `-global` size properties for a machine in `sizableQemuMemory`, none for a machine with fixed memory.
 */
export function qemuMemoryOptions(machine: string, memory: MachineMemory): string[] {
  const properties = sizableQemuMemory[machine];
  if (!properties) return [];
  return [
    '-global',
    `${properties.flash}=${memory.flash.size}`,
    '-global',
    `${properties.ram}=${memory.ram.size}`,
  ];
}

/** "qemu mps2-an386", "simavr atmega328p", "host": the key of `emulatedMachines`. */
export function machineKey(e: EmulatorMachine): string {
  if (e.kind === 'qemu') return `qemu ${e.machine}`;
  if (e.kind === 'simavr') return `simavr ${e.mcu}`;
  return 'host';
}

/** Compiler flags that select the core (no optimisation or warning flags) for the given MCU. */
export function flagsForCore(mcu: CoreSelection): string[] {
  switch (mcu.core) {
    case 'host':
      return [];
    case 'avr5':
    case 'avr51':
      return [`-mmcu=${mcu.part.toLowerCase()}`, `-DF_CPU=${mcu.clockHz}UL`];
    case 'cortex-m4f':
      return ['-mcpu=cortex-m4', '-mthumb', '-mfpu=fpv4-sp-d16', '-mfloat-abi=hard'];
    case 'cortex-m33': {
      const cpu = `-mcpu=cortex-m33${mcu.dsp ? '' : '+nodsp'}${mcu.fpu === 'none' ? '+nofp' : ''}`;
      return mcu.fpu === 'none'
        ? [cpu, '-mthumb', '-mfloat-abi=soft']
        : [cpu, '-mthumb', '-mfpu=fpv5-sp-d16', '-mfloat-abi=hard'];
    }
    default:
      return [`-mcpu=${mcu.core}`, '-mthumb', '-mfloat-abi=soft'];
  }
}

/** Flag prefixes that select a core; a board's cflags may hold only the ones `flagsForCore` gives. */
export const coreFlagPrefixes = [
  '-mcpu=',
  '-march=',
  '-mfpu=',
  '-mfloat-abi=',
  '-mmcu=',
  '-DF_CPU=',
  '-mthumb',
  '-marm',
];

/** Describes an emulator machine for messages: "qemu mps2-an386", "simavr atmega328p @ 16000000 Hz", "host". */
export function describeEmulator(e: EmulatorMachine): string {
  if (e.kind === 'qemu') return `qemu ${e.machine}`;
  if (e.kind === 'simavr') return `simavr ${e.mcu} @ ${e.frequencyHz} Hz`;
  return 'host';
}
