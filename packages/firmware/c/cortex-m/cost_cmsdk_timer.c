/*
 * Instruction counter for the MPS2/MPS2+ machines (AN385, AN386, AN505): the 32-bit CMSDK APB timer
 * TIMER0 at 0x40000000 (Arm CoreLink CMSDK Technical Reference Manual, 4.4 "APB timer": CTRL at
 * +0x0, VALUE at +0x4, RELOAD at +0x8), running from the system clock and counting down.
 * See cost_icount.h for the conversion from ticks to instructions.
 */
#include "murmur_cost.h"

#include "cost_icount.h"

#define MURMUR_CMSDK_TIMER0 ((volatile uint32_t *)0x40000000u)
#define MURMUR_CMSDK_TIMER_CTRL 0
#define MURMUR_CMSDK_TIMER_VALUE 1
#define MURMUR_CMSDK_TIMER_RELOAD 2

static uint32_t murmur_cost_start;
static uint32_t murmur_cost_overhead;

void murmur_cost_init(void) {
  MURMUR_CMSDK_TIMER0[MURMUR_CMSDK_TIMER_CTRL] = 0u;
  MURMUR_CMSDK_TIMER0[MURMUR_CMSDK_TIMER_RELOAD] = 0xFFFFFFFFu;
  MURMUR_CMSDK_TIMER0[MURMUR_CMSDK_TIMER_VALUE] = 0xFFFFFFFFu;
  MURMUR_CMSDK_TIMER0[MURMUR_CMSDK_TIMER_CTRL] = 1u;
  murmur_cost_overhead = 0u;
  murmur_cost_begin();
  murmur_cost_overhead = murmur_cost_end();
}

__attribute__((noinline)) void murmur_cost_begin(void) {
  murmur_cost_start = MURMUR_CMSDK_TIMER0[MURMUR_CMSDK_TIMER_VALUE];
}

__attribute__((noinline)) uint32_t murmur_cost_end(void) {
  uint32_t now = MURMUR_CMSDK_TIMER0[MURMUR_CMSDK_TIMER_VALUE];
  return murmur_cost_ticks_to_instructions(murmur_cost_start - now) - murmur_cost_overhead;
}
