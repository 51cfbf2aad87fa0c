/*
 * Talks to a peer on the UART like an application talks to an AT modem: sends "AT+PING\r\n", collects
 * the reply line, then receives a 200-byte block and reports its sum, all over murmur_uart_*.
 */
#include "murmur_board.h"
#include "murmur_console.h"

static uint8_t murmur_test_read_byte(void) {
  uint8_t byte;
  while (!murmur_uart_read(&byte)) {
  }
  return byte;
}

int main(void) {
  static const uint8_t ping[] = "AT+PING\r\n";
  char reply[32];
  unsigned length = 0;
  murmur_uart_init(115200u);
  murmur_uart_write(ping, sizeof ping - 1u);
  for (;;) {
    uint8_t byte = murmur_test_read_byte();
    if (byte == '\n') break;
    if (byte != '\r' && length < sizeof reply - 1u) reply[length++] = (char)byte;
  }
  reply[length] = '\0';
  murmur_console_printf("reply=%s\n", reply);
  uint32_t sum = 0;
  for (unsigned i = 0; i < 200u; i++) sum += murmur_test_read_byte();
  murmur_console_printf("sum=%lu\n", (unsigned long)sum);
  return 0;
}
