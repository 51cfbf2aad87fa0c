/* Prints the same results on every target, measures one call and an empty region, and exits with 3. */
#include <string.h>

#include "murmur_console.h"
#include "murmur_cost.h"
#include "portable.h"

#define N 256

static int8_t a[N], b[N];
static float w[32], x[32];
static volatile int32_t sink;

__attribute__((noinline)) void measured_dot(void) { sink = portable_dot_i8(a, b, N); }

#if defined(__AVR__)
/* CALL (4 cycles) + 1000 cycles of delay + RET (4 cycles) = 1008 cycles on the ATmega328P. */
__attribute__((noinline)) void measured_delay(void) { __builtin_avr_delay_cycles(1000); }
#endif

int main(void) {
  uint32_t state = 12345u;
  for (int i = 0; i < N; i++) {
    state = state * 1103515245u + 12345u;
    a[i] = (int8_t)(state >> 24);
    b[i] = (int8_t)(state >> 16);
  }
  for (int i = 0; i < 32; i++) {
    w[i] = (float)(a[i]) / 64.0f;
    x[i] = (float)(b[i]) / 100.0f;
  }
  float y = portable_dense_f32(w, x, 32, 0.25f);
  uint32_t bits;
  memcpy(&bits, &y, sizeof bits);
  murmur_console_printf("dot=%ld\n", (long)portable_dot_i8(a, b, N));
  murmur_console_printf("dense=%08lx\n", (unsigned long)bits);
  murmur_console_printf("fmt=[%5d|%05d|%x|%X|%c|%s|%lu|%%|%q]\n", -42, -7, 0xBEEFu, 0xBEEFu, 'z', "ok", 4000000000ul);

  murmur_cost_begin();
  uint32_t empty = murmur_cost_end();
  murmur_cost_report("empty", empty);
  murmur_cost_begin();
  measured_dot();
  uint32_t cost = murmur_cost_end();
  murmur_cost_report("measured_dot", cost);
#if defined(__AVR__)
  murmur_cost_begin();
  measured_delay();
  cost = murmur_cost_end();
  murmur_cost_report("measured_delay", cost);
#endif
  return 3;
}
