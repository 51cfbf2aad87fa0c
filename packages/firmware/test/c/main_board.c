/* A board image: greets on the UART, then echoes what it receives, waiting in low power between bytes. */
#include "murmur_board.h"

int main(void) {
  static const uint8_t hello[] = "murmur\r\n";
  murmur_board_init();
  murmur_uart_write(hello, sizeof hello - 1u);
  uint32_t last = murmur_board_millis();
  for (;;) {
    uint8_t byte;
    if (murmur_uart_read(&byte)) murmur_uart_write(&byte, 1u);
    if (murmur_board_millis() - last >= 1000u) {
      last = murmur_board_millis();
      murmur_uart_write((const uint8_t *)".", 1u);
    }
    murmur_board_wait();
  }
}
