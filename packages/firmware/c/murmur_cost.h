/*
 * Exact cost of a measured region, for firmware run by the Murmur emulator harness.
 *
 *   murmur_cost_begin();
 *   work();
 *   uint32_t cost = murmur_cost_end();
 *
 * Cortex-M under QEMU: executed instructions (not cycles). QEMU runs with
 * `-icount shift=MURMUR_COST_ICOUNT_SHIFT`, so each instruction advances virtual time by
 * 2^shift ns; a hardware timer (CMSDK TIMER0 on MPS2, TIMER0 on nRF51) counts that time and the
 * tick delta is converted back to instructions, exactly. AVR under simavr: CPU cycles from Timer1
 * (prescaler 1) plus an overflow count; the overflow interrupt's own cycles (one entry every 65536
 * cycles) are included. Host: always 0 (no deterministic counter).
 *
 * The instructions or cycles of an empty measurement are measured once and subtracted, so
 * `murmur_cost_begin(); murmur_cost_end();` returns 0 and a region holding one call returns the
 * call instruction plus everything the callee executes. Limits of one region (32-bit counters): about
 * 670 million instructions on MPS2, 1 billion on the micro:bit, 2^32 cycles on AVR.
 */
#ifndef MURMUR_COST_H
#define MURMUR_COST_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/** Starts a measurement (the first call also sets up the counter and measures the overhead). */
void murmur_cost_begin(void);

/** Ends the measurement started by murmur_cost_begin and returns its cost (see above). */
uint32_t murmur_cost_end(void);

/** Prints the line "@murmur cost <label> <value>", which the harness collects (label without spaces). */
void murmur_cost_report(const char *label, uint32_t value);

#ifdef __cplusplus
}
#endif

#endif /* MURMUR_COST_H */
