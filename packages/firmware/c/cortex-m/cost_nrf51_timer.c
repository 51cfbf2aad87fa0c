/*
 * Instruction counter for the BBC micro:bit machine (nRF51822): TIMER0 at 0x40008000 in timer mode,
 * 32-bit, prescaler 0 (16 MHz), read through TASKS_CAPTURE[0] / CC[0] (nRF51 Series Reference
 * Manual v3.0, chapter 18 "Timer/counter": TASKS_START +0x000, TASKS_CAPTURE[0] +0x040, MODE +0x504,
 * BITMODE +0x508, PRESCALER +0x510, CC[0] +0x540). The Cortex-M0 has no CMSDK timer, and SysTick is
 * only 24 bits. See cost_icount.h for the conversion from ticks to instructions.
 */
#include "murmur_cost.h"

#include "cost_icount.h"

#define MURMUR_NRF51_TIMER0(offset) (*(volatile uint32_t *)(0x40008000u + (offset)))
#define MURMUR_NRF51_TASKS_START MURMUR_NRF51_TIMER0(0x000u)
#define MURMUR_NRF51_TASKS_CAPTURE0 MURMUR_NRF51_TIMER0(0x040u)
#define MURMUR_NRF51_MODE MURMUR_NRF51_TIMER0(0x504u)
#define MURMUR_NRF51_BITMODE MURMUR_NRF51_TIMER0(0x508u)
#define MURMUR_NRF51_PRESCALER MURMUR_NRF51_TIMER0(0x510u)
#define MURMUR_NRF51_CC0 MURMUR_NRF51_TIMER0(0x540u)
#define MURMUR_NRF51_BITMODE_32 3u

static uint32_t murmur_cost_start;
static uint32_t murmur_cost_overhead;

void murmur_cost_init(void) {
  MURMUR_NRF51_MODE = 0u;
  MURMUR_NRF51_BITMODE = MURMUR_NRF51_BITMODE_32;
  MURMUR_NRF51_PRESCALER = 0u;
  MURMUR_NRF51_TASKS_START = 1u;
  murmur_cost_overhead = 0u;
  murmur_cost_begin();
  murmur_cost_overhead = murmur_cost_end();
}

__attribute__((noinline)) void murmur_cost_begin(void) {
  MURMUR_NRF51_TASKS_CAPTURE0 = 1u;
  murmur_cost_start = MURMUR_NRF51_CC0;
}

__attribute__((noinline)) uint32_t murmur_cost_end(void) {
  MURMUR_NRF51_TASKS_CAPTURE0 = 1u;
  uint32_t now = MURMUR_NRF51_CC0;
  return murmur_cost_ticks_to_instructions(now - murmur_cost_start) - murmur_cost_overhead;
}
