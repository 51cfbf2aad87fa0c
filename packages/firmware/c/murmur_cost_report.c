/* Reports a measurement on the console in the form the harness collects. */
#include "murmur_console.h"
#include "murmur_cost.h"

void murmur_cost_report(const char *label, uint32_t value) {
  murmur_console_printf("@murmur cost %s %lu\n", label, (unsigned long)value);
}
