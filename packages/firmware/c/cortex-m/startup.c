/*
 * Minimal Cortex-M start-up for firmware run under QEMU by the Murmur emulator harness.
 *
 * Vector table (Armv7-M / Armv8-M Architecture Reference Manual, B1.5.3 / B3.30: word 0 is the
 * initial main stack pointer, word 1 the reset handler), .data copy and .bss clear from the symbols
 * of the generated linker script, FPU enable when compiled for hard float (CPACR, Armv7-M ARM
 * B3.2.20), stack painting for a measured high-water mark, then main(); its return value becomes
 * the emulator's exit status.
 */
#include <stdint.h>

#include "murmur_console.h"

#define MURMUR_STACK_PAINT 0xA5A5A5A5u
#define MURMUR_EXTERNAL_IRQS 32
#define MURMUR_IRQS_8                                                                                          \
  Default_Handler, Default_Handler, Default_Handler, Default_Handler, Default_Handler, Default_Handler,        \
      Default_Handler, Default_Handler

extern uint32_t _sidata, _sdata, _edata, _sbss, _ebss, _sstack, _estack;

int main(void);
void murmur_cost_init(void) __attribute__((weak));
void Reset_Handler(void);
void Default_Handler(void);

typedef void (*murmur_vector)(void);

__attribute__((section(".isr_vector"), used)) const murmur_vector murmur_vector_table[16 + MURMUR_EXTERNAL_IRQS] = {
    (murmur_vector)(uintptr_t)&_estack,
    Reset_Handler,
    Default_Handler, Default_Handler, Default_Handler, Default_Handler, Default_Handler, Default_Handler,
    Default_Handler, Default_Handler, Default_Handler, Default_Handler, Default_Handler, Default_Handler,
    Default_Handler, Default_Handler,
    MURMUR_IRQS_8, MURMUR_IRQS_8, MURMUR_IRQS_8, MURMUR_IRQS_8,
};

static uint32_t murmur_stack_high_water(void) {
  const uint32_t *word = &_sstack;
  while (word < &_estack && *word == MURMUR_STACK_PAINT) word++;
  return (uint32_t)((uintptr_t)&_estack - (uintptr_t)word);
}

void Reset_Handler(void) {
  const uint32_t *from = &_sidata;
  for (uint32_t *to = &_sdata; to < &_edata;) *to++ = *from++;
  for (uint32_t *to = &_sbss; to < &_ebss;) *to++ = 0u;
#if defined(__ARM_FP)
  *(volatile uint32_t *)0xE000ED88u |= 0xFu << 20;
  __asm__ volatile("dsb\n\tisb" ::: "memory");
#endif
  uintptr_t sp;
  __asm__ volatile("mov %0, sp" : "=r"(sp));
  for (uint32_t *word = &_sstack; (uintptr_t)word < sp - 64u; word++) *word = MURMUR_STACK_PAINT;
  if (murmur_cost_init) murmur_cost_init();
  int code = main();
  murmur_console_printf("@murmur stack %lu\n", (unsigned long)murmur_stack_high_water());
  murmur_system_exit(code);
}

void Default_Handler(void) {
  uint32_t ipsr;
  __asm__ volatile("mrs %0, ipsr" : "=r"(ipsr));
  murmur_console_printf("@murmur fault exception %lu\n", (unsigned long)ipsr);
  murmur_system_exit(128 + (int)(ipsr & 0x7Fu));
}
