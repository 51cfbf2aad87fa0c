import { z } from 'zod';
import {
  coreFlagPrefixes,
  coreIds,
  coresWithFpu,
  describeEmulator,
  flagsForCore,
  proxyEmulators,
  type EmulatorMachine,
} from './cores';

export { coreIds, type CoreId } from './cores';

/** AT command sets the table-driven modem transport knows. */
export const atCommandSets = ['rn2483', 'wio-e5', 'rak3172', 'murata-cmwx1zzabz', 'bg96'] as const;

const hex = z
  .union([
    z.number().int().nonnegative(),
    z.string().regex(/^0x[0-9a-fA-F]+$/, 'expected a number or a 0x… hex string'),
  ])
  .transform((v) => (typeof v === 'number' ? v : Number.parseInt(v.slice(2), 16)));

const memoryRegion = z.strictObject({
  /** Start address (number or "0x…" string). */
  origin: hex,
  /** Size in bytes usable by the application (after boot loaders, soft devices, ...). */
  size: z.number().int().positive(),
});

/** Part of the MCU's flash or RAM that the application's linker regions leave out. */
const reservedRegion = z.strictObject({
  /** What occupies it: "SoftDevice S140 6.1.1", "RP2040 boot2 (second-stage boot loader)", ... */
  name: z.string().min(1),
  memory: z.enum(['flash', 'ram']),
  origin: hex,
  size: z.number().int().positive(),
});

const source = z.strictObject({
  title: z.string().min(1),
  url: z.url(),
});

export const lpwanRegions = ['EU868', 'US915', 'AU915', 'AS923', 'IN865', 'KR920', 'CN470', 'RU864'] as const;

const radio = z.discriminatedUnion('technology', [
  z.strictObject({ technology: z.literal('none') }),
  z.strictObject({
    technology: z.enum(['lorawan', 'nb-iot', 'lte-m', 'nb-iot+lte-m']),
    /** Radio chip or module, e.g. "SX1262", "Microchip RN2483", "Quectel BG96". */
    chip: z.string().min(1),
    /** LoRaWAN regions (or LTE bands as free text for cellular). */
    regions: z.array(z.string().min(1)).min(1),
    /** How the application reaches the radio. */
    link: z.enum(['integrated', 'uart-at']),
    /** For `uart-at`: the modem's command set. */
    commandSet: z.enum(atCommandSets).optional(),
    /** For `uart-at`: the UART the modem sits on and its default baud rate. */
    uart: z.strictObject({ instance: z.string().min(1), baud: z.number().int().positive() }).optional(),
    /** For `integrated`: the vendor stack that drives the radio (LoRaMac-node, STM32CubeWL, nRF Modem library, ...). */
    vendorStack: z.string().min(1).optional(),
  }),
]);

const power = z.strictObject({
  /** Supply voltage the figures refer to. */
  supplyV: z.number().positive(),
  /** MCU run current at `mcu.clockHz`, mA. */
  runCurrentMa: z.number().positive(),
  /** Deepest sleep that keeps RAM and an RTC running, µA (the MCU's, or the whole module's for a radio module). */
  sleepCurrentUa: z.number().positive(),
  /** Radio transmit current at +14 dBm (or the module's nominal level), mA; absent when there is no radio. */
  txCurrentMa: z.number().positive().optional(),
  /** Radio receive current, mA. */
  rxCurrentMa: z.number().positive().optional(),
});

const emulator = z.discriminatedUnion('kind', [
  z.strictObject({
    kind: z.literal('qemu'),
    machine: z.string().min(1),
    cpuFlags: z.array(z.string()).optional(),
  }),
  z.strictObject({
    kind: z.literal('simavr'),
    mcu: z.string().min(1),
    frequencyHz: z.number().int().positive(),
  }),
  z.strictObject({ kind: z.literal('host') }),
]);

export const boardSchema = z
  .strictObject({
    $schema: z.string().optional(),
    id: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'lower-case letters, digits and dashes'),
    name: z.string().min(1),
    vendor: z.string().min(1),
    /** What the board is: a product you can buy, or an emulator/host target for verification. */
    kind: z.enum(['hardware', 'emulator', 'host']),
    mcu: z.strictObject({
      part: z.string().min(1),
      family: z.string().min(1),
      core: z.enum(coreIds),
      clockHz: z.number().int().positive(),
      /** Clock after reset, when the application does not set up the clock tree. */
      resetClockHz: z.number().int().positive().optional(),
      fpu: z.enum(['none', 'sp', 'dp']),
      /** DSP extension (SMLAD, SXTB16, ...). */
      dsp: z.boolean(),
    }),
    memory: z.strictObject({
      flash: memoryRegion,
      ram: memoryRegion,
      /**
       * What the linker regions above leave out of the part's memory (boot loaders, SoftDevice, secure firmware,
       * modem buffers, a separate RAM bank), so that `flash`/`ram` plus these add up to the datasheet figures.
       */
      reserved: z.array(reservedRegion).default([]),
    }),
    radio,
    power,
    toolchain: z.strictObject({
      compiler: z.enum(['arm-none-eabi-gcc', 'avr-gcc', 'gcc']),
      cflags: z.array(z.string()),
      ldflags: z.array(z.string()).default([]),
    }),
    /** The emulator that runs this board's core (a proxy machine when the board itself is not modelled). */
    emulator,
    sources: z.array(source).min(1),
    notes: z.string().optional(),
  })
  .superRefine((b, ctx) => {
    if (b.radio.technology !== 'none' && b.radio.link === 'uart-at') {
      if (!b.radio.commandSet)
        ctx.addIssue({
          code: 'custom',
          path: ['radio', 'commandSet'],
          message: 'required when link is uart-at',
        });
      if (!b.radio.uart)
        ctx.addIssue({ code: 'custom', path: ['radio', 'uart'], message: 'required when link is uart-at' });
    }
    if (b.radio.technology !== 'none' && b.power.txCurrentMa === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['power', 'txCurrentMa'],
        message: 'required for a board with a radio',
      });
    }
    const isAvr = b.mcu.core === 'avr5';
    const isHost = b.mcu.core === 'host';
    const expected = isHost ? 'gcc' : isAvr ? 'avr-gcc' : 'arm-none-eabi-gcc';
    if (b.toolchain.compiler !== expected) {
      ctx.addIssue({
        code: 'custom',
        path: ['toolchain', 'compiler'],
        message: `core ${b.mcu.core} needs ${expected}`,
      });
    }
    const proxy = proxyEmulators[b.mcu.core];
    if (!sameMachine(b.emulator, proxy)) {
      ctx.addIssue({
        code: 'custom',
        path: ['emulator'],
        message: `core ${b.mcu.core} runs under ${describeEmulator(proxy)}, not ${describeEmulator(b.emulator)}`,
      });
    }
    if (b.mcu.fpu !== 'none' && !coresWithFpu.includes(b.mcu.core)) {
      ctx.addIssue({ code: 'custom', path: ['mcu', 'fpu'], message: `core ${b.mcu.core} has no FPU` });
    }
    const expectedFlags = flagsForCore(b.mcu);
    for (const flag of expectedFlags) {
      if (!b.toolchain.cflags.includes(flag)) {
        ctx.addIssue({
          code: 'custom',
          path: ['toolchain', 'cflags'],
          message: `missing ${flag} (core ${b.mcu.core} needs ${expectedFlags.join(' ')})`,
        });
      }
    }
    b.toolchain.cflags.forEach((flag, i) => {
      if (coreFlagPrefixes.some((p) => flag.startsWith(p)) && !expectedFlags.includes(flag)) {
        ctx.addIssue({
          code: 'custom',
          path: ['toolchain', 'cflags', i],
          message: `${flag} contradicts the core (expected ${expectedFlags.join(' ') || 'no core flags'})`,
        });
      }
    });
    b.memory.reserved.forEach((r, i) => {
      const others = [
        b.memory[r.memory],
        ...b.memory.reserved.filter((o, j) => j !== i && o.memory === r.memory),
      ];
      if (others.some((o) => overlaps(r, o))) {
        ctx.addIssue({
          code: 'custom',
          path: ['memory', 'reserved', i],
          message: `'${r.name}' overlaps another ${r.memory} region`,
        });
      }
    });
  });

function sameMachine(a: EmulatorMachine, b: EmulatorMachine): boolean {
  if (a.kind === 'qemu' && b.kind === 'qemu') return a.machine === b.machine;
  if (a.kind === 'simavr' && b.kind === 'simavr') return a.mcu === b.mcu && a.frequencyHz === b.frequencyHz;
  return a.kind === 'host' && b.kind === 'host';
}

function overlaps(a: { origin: number; size: number }, b: { origin: number; size: number }): boolean {
  return a.origin < b.origin + b.size && b.origin < a.origin + a.size;
}

/** A validated board (numbers for addresses, defaults filled in). */
export type Board = z.output<typeof boardSchema>;
/** A board as written in `boards/<id>.json`. */
export type BoardInput = z.input<typeof boardSchema>;
