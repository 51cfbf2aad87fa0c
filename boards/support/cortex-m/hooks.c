/* The start-up hooks of a board image: nothing before main, low-power wait forever after it, stop on a fault. */
#include "murmur_board.h"

void murmur_board_early_init(void) {}

void murmur_board_exit(int code) {
  (void)code;
  for (;;) murmur_board_wait();
}

void murmur_board_fault(uint32_t exception) {
  (void)exception;
  for (;;) {
  }
}
