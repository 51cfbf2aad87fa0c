/*
 * Shared by the Cortex-M cost counters: QEMU runs with -icount shift=MURMUR_COST_ICOUNT_SHIFT, so
 * every instruction advances virtual time by 2^shift ns. A timer tick lasts
 * MURMUR_COST_TICK_NS_NUM / 2^MURMUR_COST_TICK_NS_SHIFT ns (40 ns at 25 MHz: 40/2^0; 62.5 ns at
 * 16 MHz: 125/2^1). A delta of t ticks differs from the elapsed time by less than one tick, so
 * t * tick / 2^shift is within tick / 2^shift of the instruction count; when one instruction lasts at
 * least two ticks (2^shift >= 2 * tick, which the harness checks) rounding gives the count exactly.
 */
#ifndef MURMUR_COST_ICOUNT_H
#define MURMUR_COST_ICOUNT_H

#include <stdint.h>

#if !defined(MURMUR_COST_ICOUNT_SHIFT) || !defined(MURMUR_COST_TICK_NS_NUM) || !defined(MURMUR_COST_TICK_NS_SHIFT)
#error "define MURMUR_COST_ICOUNT_SHIFT, MURMUR_COST_TICK_NS_NUM and MURMUR_COST_TICK_NS_SHIFT (the harness does)"
#endif

#define MURMUR_COST_SCALE_SHIFT (MURMUR_COST_ICOUNT_SHIFT + MURMUR_COST_TICK_NS_SHIFT)

static inline uint32_t murmur_cost_ticks_to_instructions(uint32_t ticks) {
  uint64_t scaled = (uint64_t)ticks * (uint64_t)MURMUR_COST_TICK_NS_NUM;
  return (uint32_t)((scaled + (1ull << (MURMUR_COST_SCALE_SHIFT - 1))) >> MURMUR_COST_SCALE_SHIFT);
}

#endif /* MURMUR_COST_ICOUNT_H */
