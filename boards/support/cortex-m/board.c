/* murmur_board_init for the families whose clocks stay as left by reset: tick, then the UART. */
#include "murmur_board.h"

#ifndef MURMUR_BOARD_UART_BAUD
#define MURMUR_BOARD_UART_BAUD 115200u
#endif

void murmur_board_tick_init(void);

void murmur_board_init(void) {
  murmur_board_tick_init();
  murmur_uart_init(MURMUR_BOARD_UART_BAUD);
}
