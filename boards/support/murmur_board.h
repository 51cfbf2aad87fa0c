/*
 * The board-support interface every MCU family in boards/support implements: start-up, a
 * millisecond tick, a low-power wait between windows and a polled, register-level UART for the
 * modem or console. Clocks stay as left by reset unless the family's board.c documents a set-up.
 */
#ifndef MURMUR_BOARD_H
#define MURMUR_BOARD_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/** Sets up the tick and the UART (at MURMUR_BOARD_UART_BAUD); call first in main. */
void murmur_board_init(void);

/** Milliseconds since murmur_board_init (wraps after 49.7 days). */
uint32_t murmur_board_millis(void);

/** Sleeps until the next interrupt (at the latest the next tick): the wait between windows. */
void murmur_board_wait(void);

/** Sets up the board's modem/console UART: 8 data bits, no parity, 1 stop bit. */
void murmur_uart_init(uint32_t baud);

/** Sends `length` bytes, waiting for room in the transmitter. */
void murmur_uart_write(const uint8_t *data, uint32_t length);

/** Takes one received byte into *byte and returns 1, or returns 0 when none is waiting. */
int murmur_uart_read(uint8_t *byte);

/*
 * Start-up hooks called by the Cortex-M start-up (cortex-m/startup.c); cortex-m/hooks.c defines them
 * for a board, the emulator harness defines its own. murmur_board_early_init runs after .data/.bss
 * are set up and before main; murmur_board_exit gets main's return value (board: wait forever);
 * murmur_board_fault gets the IPSR exception number of an unexpected exception (board: stop).
 */
void murmur_board_early_init(void);
void murmur_board_exit(int code);
void murmur_board_fault(uint32_t exception);

#ifdef __cplusplus
}
#endif

#endif /* MURMUR_BOARD_H */
