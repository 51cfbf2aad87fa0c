import { z } from 'zod';
import {
  coreFlagPrefixes,
  coreIds,
  coresWithFpu,
  describeEmulator,
  flagsForCore,
  isAvrCore,
  proxyEmulators,
  type EmulatorMachine,
} from './cores';

export { coreIds, type CoreId } from './cores';

/** AT command sets the table-driven modem transport knows. */
/** The AT command sets of the modems boards reach over a UART; packages/modem has a table and a simulator of each. */
export const atCommandSets = ['rn2483', 'wio-e5', 'rak3172', 'murata-cmwx1zzabz', 'bg96'] as const;
export type AtCommandSet = (typeof atCommandSets)[number];

const hex = z
  .union([
    z.number().int().nonnegative(),
    z.string().regex(/^0x[0-9a-fA-F]+$/, 'expected a number or a 0x… hex string'),
  ])
  .transform((v) => (typeof v === 'number' ? v : Number.parseInt(v.slice(2), 16)));

const memoryRegion = z.strictObject({
  origin: hex.describe('Start address (number or "0x…" string).'),
  size: z
    .number()
    .int()
    .positive()
    .describe('Size in bytes usable by the application (after boot loaders, soft devices, ...).'),
});

/** Part of the MCU's flash or RAM that the application's linker regions leave out. */
const reservedRegion = z.strictObject({
  name: z
    .string()
    .min(1)
    .describe('What occupies it: "SoftDevice S140 6.1.1", "RP2040 boot2 (second-stage boot loader)", ...'),
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
    chip: z
      .string()
      .min(1)
      .describe('Radio chip or module, e.g. "SX1262", "Microchip RN2483", "Quectel BG96".'),
    regions: z
      .array(z.string().min(1))
      .min(1)
      .describe('LoRaWAN regions (or LTE bands as free text for cellular).'),
    link: z.enum(['integrated', 'uart-at']).describe('How the application reaches the radio.'),
    commandSet: z.enum(atCommandSets).optional().describe("For `uart-at`: the modem's command set."),
    uart: z
      .strictObject({ instance: z.string().min(1), baud: z.number().int().positive() })
      .optional()
      .describe('For `uart-at`: the UART the modem sits on and its default baud rate.'),
    vendorStack: z
      .string()
      .min(1)
      .optional()
      .describe(
        'For `integrated`: the vendor stack that drives the radio (LoRaMac-node, STM32CubeWL, nRF Modem library, ...).',
      ),
  }),
]);

const power = z.strictObject({
  supplyV: z.number().positive().describe('Supply voltage the figures refer to.'),
  runCurrentMa: z.number().positive().describe('MCU run current at `mcu.clockHz`, mA.'),
  sleepCurrentUa: z
    .number()
    .positive()
    .describe(
      "Deepest sleep that keeps RAM and an RTC running, µA (the MCU's, or the whole module's for a radio module).",
    ),
  txCurrentMa: z
    .number()
    .positive()
    .optional()
    .describe(
      "Radio transmit current at +14 dBm (or the module's nominal level), mA; absent when there is no radio.",
    ),
  rxCurrentMa: z.number().positive().optional().describe('Radio receive current, mA.'),
});

const emulator = z.discriminatedUnion('kind', [
  z.strictObject({
    kind: z.literal('qemu'),
    machine: z
      .string()
      .min(1)
      .describe('qemu-system-arm -M machine: microbit, mps2-an385, mps2-an386, mps2-an505.'),
    cpuFlags: z
      .array(z.string())
      .optional()
      .describe('Compiler flags for the emulator image, when they must differ from the core flags.'),
  }),
  z.strictObject({
    kind: z.literal('simavr'),
    mcu: z.string().min(1).describe('simavr -m MCU, e.g. atmega328p.'),
    frequencyHz: z.number().int().positive().describe('simavr -f clock, Hz.'),
  }),
  z.strictObject({ kind: z.literal('host') }),
]);

export const boardSchema = z
  .strictObject({
    $schema: z.string().optional(),
    id: z
      .string()
      .regex(/^[a-z0-9][a-z0-9-]*$/, 'lower-case letters, digits and dashes')
      .describe('The board id; equals the file name without .json.'),
    name: z.string().min(1),
    vendor: z.string().min(1),
    kind: z
      .enum(['hardware', 'emulator', 'host'])
      .describe('What the board is: a product you can buy, or an emulator/host target for verification.'),
    mcu: z.strictObject({
      part: z.string().min(1),
      family: z.string().min(1),
      core: z.enum(coreIds).describe('CPU core; cortex-m4f is a Cortex-M4 with its FPU.'),
      clockHz: z.number().int().positive().describe('Core clock the application runs at, Hz.'),
      resetClockHz: z
        .number()
        .int()
        .positive()
        .optional()
        .describe('Clock after reset, when the application does not set up the clock tree.'),
      fpu: z
        .enum(['none', 'sp', 'dp'])
        .describe('Hardware floating point: none, single or double precision.'),
      dsp: z.boolean().describe('DSP extension (SMLAD, SXTB16, ...).'),
    }),
    memory: z.strictObject({
      flash: memoryRegion.describe('Flash (code and constants) available to the application.'),
      ram: memoryRegion.describe('RAM available to the application (data, bss, stack, arena).'),
      reserved: z
        .array(reservedRegion)
        .default([])
        .describe(
          "What the linker regions leave out of the part's memory (boot loaders, SoftDevice, secure firmware, modem " +
            'buffers, a separate RAM bank), so that flash/ram plus these add up to the datasheet figures.',
        ),
    }),
    radio,
    power,
    toolchain: z.strictObject({
      compiler: z.enum(['arm-none-eabi-gcc', 'avr-gcc', 'gcc']),
      cflags: z.array(z.string()),
      ldflags: z.array(z.string()).default([]),
    }),
    emulator: emulator.describe(
      "The emulator that runs this board's core (a proxy machine when the board itself is not modelled).",
    ),
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
    const isAvr = isAvrCore(b.mcu.core);
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
