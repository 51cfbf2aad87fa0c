/*
 * Millisecond tick and low-power wait for every Cortex-M family: SysTick on the processor clock
 * (Armv7-M ARM B3.3 "The system timer, SysTick": SYST_CSR 0xE000E010, SYST_RVR 0xE000E014,
 * SYST_CVR 0xE000E018; the same registers in Armv6-M and Armv8-M), and WFI (sleep, not deep sleep:
 * SCR.SLEEPDEEP stays 0, so every family wakes on the next tick without extra clock set-up).
 */
#include "murmur_board.h"

#ifndef MURMUR_BOARD_CLOCK_HZ
#error "define MURMUR_BOARD_CLOCK_HZ (the core clock; the firmware build passes the clock as left by reset)"
#endif

#define MURMUR_SYST_CSR (*(volatile uint32_t *)0xE000E010u)
#define MURMUR_SYST_RVR (*(volatile uint32_t *)0xE000E014u)
#define MURMUR_SYST_CVR (*(volatile uint32_t *)0xE000E018u)
#define MURMUR_SYST_CSR_ENABLE 1u
#define MURMUR_SYST_CSR_TICKINT 2u
#define MURMUR_SYST_CSR_CLKSOURCE 4u

static volatile uint32_t murmur_board_ticks;

void SysTick_Handler(void) { murmur_board_ticks++; }

/** Starts the 1 kHz tick from the processor clock. */
void murmur_board_tick_init(void);
void murmur_board_tick_init(void) {
  MURMUR_SYST_RVR = (uint32_t)(MURMUR_BOARD_CLOCK_HZ / 1000u) - 1u;
  MURMUR_SYST_CVR = 0u;
  MURMUR_SYST_CSR = MURMUR_SYST_CSR_ENABLE | MURMUR_SYST_CSR_TICKINT | MURMUR_SYST_CSR_CLKSOURCE;
}

uint32_t murmur_board_millis(void) { return murmur_board_ticks; }

void murmur_board_wait(void) { __asm__ volatile("wfi" ::: "memory"); }
