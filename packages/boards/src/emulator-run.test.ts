import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { emulatorFor, type EmulatorTarget } from './targets';
import { loadBoards } from './registry';
import { qemuMemoryOptions } from './cores';

// Builds a tiny program with each board's emulator flags and memory and runs it on the proxy machine: the
// program returns 42 from integer and float work (385 * 1.5 - 535), passed out as QEMU's exit code through
// semihosting, or printed over the UART under simavr (whose exit code is always 0).

/** Whether a tool can be started at all (simavr has no option that exits 0, so the exit code is not asked). */
const has = (tool: string) => !spawnSync(tool, ['--version'], { stdio: 'ignore' }).error;
const canRunArm = has('arm-none-eabi-gcc') && has('qemu-system-arm');
const canRunAvr = has('avr-gcc') && has('simavr');

const armProgram = `#include <stdint.h>
extern uint32_t _estack;
int main(void);
static void semihost_exit(int code) {
  volatile uint32_t block[2];
  block[0] = 0x20026u; /* ADP_Stopped_ApplicationExit */
  block[1] = (uint32_t)code;
  register uint32_t r0 __asm__("r0") = 0x20u;
  register volatile uint32_t *r1 __asm__("r1") = block;
  __asm__ volatile("bkpt 0xAB" : : "r"(r0), "r"(r1) : "memory");
  for (;;) {
  }
}
void Reset_Handler(void) {
#if defined(__ARM_FP)
  *(volatile uint32_t *)0xE000ED88u |= 0xFu << 20;
  __asm__ volatile("dsb\\n isb");
#endif
  semihost_exit(main());
}
__attribute__((section(".isr_vector"), used)) static const void *const vectors[2] = {&_estack, (const void *)Reset_Handler};
int main(void) {
  volatile int32_t acc = 0;
  volatile float scale = 1.5f;
  for (int32_t i = 1; i <= 10; i++) acc += i * i;
  return (int)((float)acc * scale) - 535;
}
`;

const avrProgram = `#include <avr/interrupt.h>
#include <avr/io.h>
#include <avr/sleep.h>
#include <stdint.h>
static void put(char c) {
  while (!(UCSR0A & (1 << UDRE0))) {
  }
  UDR0 = (uint8_t)c;
}
int main(void) {
  volatile int32_t acc = 0;
  volatile float scale = 1.5f;
  UBRR0 = 8;
  UCSR0B = 1 << TXEN0;
  for (int32_t i = 1; i <= 10; i++) acc += i * i;
  int r = (int)((float)acc * scale) - 535;
  put((char)('0' + r / 10));
  put((char)('0' + r % 10));
  put('\\n');
  cli();
  sleep_enable();
  sleep_cpu();
  return 0;
}
`;

/** simavr colours the UART lines it prints. */
const ansiColour = new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*m`, 'g');

const hex = (n: number) => `0x${n.toString(16)}`;
const linkerScript = (t: Extract<EmulatorTarget, { kind: 'qemu' }>) => `MEMORY
{
  FLASH (rx) : ORIGIN = ${hex(t.memory.flash.origin)}, LENGTH = ${t.memory.flash.size}
  RAM (rwx) : ORIGIN = ${hex(t.memory.ram.origin)}, LENGTH = ${t.memory.ram.size}
}
_estack = ORIGIN(RAM) + LENGTH(RAM);
SECTIONS
{
  .isr_vector : { KEEP(*(.isr_vector)) } > FLASH
  .text : { *(.text*) *(.rodata*) } > FLASH
  .bss (NOLOAD) : { *(.bss*) *(COMMON) } > RAM
}
`;

const dir = mkdtempSync(join(tmpdir(), 'murmur-boards-emu-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** One case per distinct emulator setup, named after the first board that uses it. */
const cases = new Map<string, { board: string; target: EmulatorTarget }>();
for (const board of loadBoards()) {
  const target = emulatorFor(board);
  if (target.kind === 'host') continue;
  const key = JSON.stringify(target);
  if (!cases.has(key)) cases.set(key, { board: board.id, target });
}
const qemuCases = [...cases.values()].filter((c) => c.target.kind === 'qemu');
const simavrCases = [...cases.values()].filter((c) => c.target.kind === 'simavr');

describe.skipIf(!canRunArm)('Cortex-M boards run on their QEMU proxy machine', () => {
  it.each(qemuCases.map((c) => [c.board, c.target] as const))(
    '%s',
    (board, target) => {
      if (target.kind !== 'qemu') throw new Error('qemu case expected');
      const base = join(dir, board);
      writeFileSync(`${base}.c`, armProgram);
      writeFileSync(`${base}.ld`, linkerScript(target));
      execFileSync('arm-none-eabi-gcc', [
        ...target.cpuFlags,
        '-std=c99',
        '-Os',
        '-Wall',
        '-Wextra',
        '-Werror',
        '-ffp-contract=off',
        '-ffreestanding',
        '-nostdlib',
        '-T',
        `${base}.ld`,
        `${base}.c`,
        '-lgcc',
        '-o',
        `${base}.elf`,
      ]);
      const run = spawnSync(
        'qemu-system-arm',
        [
          '-M',
          target.machine,
          ...qemuMemoryOptions(target.machine, target.memory),
          '-nographic',
          '-monitor',
          'none',
          '-serial',
          'null',
          '-semihosting-config',
          'enable=on,target=native',
          '-kernel',
          `${base}.elf`,
        ],
        { timeout: 20_000 },
      );
      expect(run.status, String(run.stderr)).toBe(42);
    },
    30_000,
  );
});

describe.skipIf(!canRunAvr)('AVR boards run under simavr', () => {
  it.each(simavrCases.map((c) => [c.board, c.target] as const))(
    '%s',
    (board, target) => {
      if (target.kind !== 'simavr') throw new Error('simavr case expected');
      const base = join(dir, board);
      writeFileSync(`${base}.c`, avrProgram);
      execFileSync('avr-gcc', [
        ...target.cpuFlags,
        '-std=gnu99',
        '-Os',
        '-Wall',
        '-Wextra',
        '-Werror',
        `${base}.c`,
        '-o',
        `${base}.elf`,
      ]);
      const run = spawnSync('simavr', ['-m', target.mcu, '-f', String(target.frequencyHz), `${base}.elf`], {
        timeout: 20_000,
        encoding: 'utf8',
      });
      expect(run.status).toBe(0);
      expect(run.stderr.replace(ansiColour, '')).toContain('42');
    },
    30_000,
  );
});
