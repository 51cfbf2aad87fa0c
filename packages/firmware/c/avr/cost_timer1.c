/*
 * Cycle counter for the ATmega328P: Timer1 at prescaler 1 (TCCR1B CS10) counts CPU cycles, and its
 * overflow interrupt extends the count to 32 bits (ATmega328P datasheet, "16-bit Timer/Counter1
 * with PWM": TCNT1, TCCR1B, TIMSK1 TOIE1, TIFR1 TOV1). A pending overflow that the interrupt
 * has not yet taken is accounted for when reading. simavr clocks timers from the cycle counter, so
 * counts are exact and repeatable.
 */
#include <avr/interrupt.h>
#include <avr/io.h>

#include "murmur_cost.h"

static volatile uint16_t murmur_cost_overflows;
static uint32_t murmur_cost_start;
static uint32_t murmur_cost_overhead;

ISR(TIMER1_OVF_vect) { murmur_cost_overflows++; }

static uint32_t murmur_cost_read(void) {
  uint8_t sreg = SREG;
  cli();
  uint16_t low = TCNT1;
  uint16_t high = murmur_cost_overflows;
  if ((TIFR1 & (1u << TOV1)) && low < 0x8000u) high++;
  SREG = sreg;
  return ((uint32_t)high << 16) | low;
}

static void murmur_cost_init(void) __attribute__((constructor, used));
static void murmur_cost_init(void) {
  TCCR1A = 0u;
  TCNT1 = 0u;
  TIMSK1 = (uint8_t)(1u << TOIE1);
  TCCR1B = (uint8_t)(1u << CS10);
  sei();
  murmur_cost_overhead = 0u;
  murmur_cost_begin();
  murmur_cost_overhead = murmur_cost_end();
}

__attribute__((noinline)) void murmur_cost_begin(void) { murmur_cost_start = murmur_cost_read(); }

__attribute__((noinline)) uint32_t murmur_cost_end(void) {
  return murmur_cost_read() - murmur_cost_start - murmur_cost_overhead;
}
