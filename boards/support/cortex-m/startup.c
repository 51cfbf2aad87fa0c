/*
 * Cortex-M start-up shared by every Arm family (and by the emulator harness).
 *
 * Vector table: word 0 is the initial main stack pointer and word 1 the reset handler, followed by
 * the 14 other system exceptions and MURMUR_BOARD_IRQS external interrupts (Armv7-M Architecture
 * Reference Manual, B1.5.3 "The vector table"; Armv6-M ARM B1.5.2; Armv8-M ARM B3.30). Reset copies
 * .data from its load image in flash and clears .bss using the symbols of the generated linker
 * script, enables the FPU when compiled for hard float (CPACR, Armv7-M ARM B3.2.20), then runs main.
 * Every handler except Reset_Handler is weak, so a driver defines the one it needs (SysTick_Handler).
 * The hooks murmur_board_early_init/_exit/_fault come from cortex-m/hooks.c on a board, or from the
 * emulator harness.
 */
#include <stdint.h>

#include "murmur_board.h"

#ifndef MURMUR_BOARD_IRQS
#define MURMUR_BOARD_IRQS 32
#endif

extern uint32_t _sidata, _sdata, _edata, _sbss, _ebss, _estack;

int main(void);
void Reset_Handler(void);
void Default_Handler(void);
void NMI_Handler(void) __attribute__((weak, alias("Default_Handler")));
void HardFault_Handler(void) __attribute__((weak, alias("Default_Handler")));
void MemManage_Handler(void) __attribute__((weak, alias("Default_Handler")));
void BusFault_Handler(void) __attribute__((weak, alias("Default_Handler")));
void UsageFault_Handler(void) __attribute__((weak, alias("Default_Handler")));
void SecureFault_Handler(void) __attribute__((weak, alias("Default_Handler")));
void SVC_Handler(void) __attribute__((weak, alias("Default_Handler")));
void DebugMon_Handler(void) __attribute__((weak, alias("Default_Handler")));
void PendSV_Handler(void) __attribute__((weak, alias("Default_Handler")));
void SysTick_Handler(void) __attribute__((weak, alias("Default_Handler")));

typedef void (*murmur_vector)(void);

__attribute__((section(".isr_vector"), used)) const murmur_vector murmur_vector_table[16 + MURMUR_BOARD_IRQS] = {
    (murmur_vector)(uintptr_t)&_estack,
    Reset_Handler,
    NMI_Handler,
    HardFault_Handler,
    MemManage_Handler,
    BusFault_Handler,
    UsageFault_Handler,
    SecureFault_Handler,
    0,
    0,
    0,
    SVC_Handler,
    DebugMon_Handler,
    0,
    PendSV_Handler,
    SysTick_Handler,
    [16 ... 16 + MURMUR_BOARD_IRQS - 1] = Default_Handler,
};

void Reset_Handler(void) {
  /* volatile: keeps gcc from turning the loops into memcpy/memset calls into the C library. */
  const uint32_t *from = &_sidata;
  for (volatile uint32_t *to = &_sdata; to < &_edata;) *to++ = *from++;
  for (volatile uint32_t *to = &_sbss; to < &_ebss;) *to++ = 0u;
#if defined(__ARM_FP)
  *(volatile uint32_t *)0xE000ED88u |= 0xFu << 20;
  __asm__ volatile("dsb\n\tisb" ::: "memory");
#endif
  murmur_board_early_init();
  murmur_board_exit(main());
}

void Default_Handler(void) {
  uint32_t ipsr;
  __asm__ volatile("mrs %0, ipsr" : "=r"(ipsr));
  murmur_board_fault(ipsr & 0x1FFu);
}
