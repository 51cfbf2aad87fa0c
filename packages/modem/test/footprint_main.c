/*
 * Footprint firmware: murmur_modem with one command set (FOOTPRINT_COMMAND_SET) and a port that
 * touches no hardware, so the build reports what the transport itself costs on a board. The modem
 * never answers; the program prints the first command it wrote (up to the first line end) and the
 * number of bytes written over all attempts, and exits with 0 when the uplink timed out.
 */
#include "murmur_console.h"
#include "murmur_modem.h"

static struct {
  char first[48];
  size_t length;
  int done;
} footprint_sent;

static void footprint_write(void *context, const uint8_t *bytes, size_t length) {
  (void)context;
  for (size_t i = 0; i < length && !footprint_sent.done; i++) {
    if (bytes[i] == '\r' || bytes[i] == '\n' || footprint_sent.length + 1u == sizeof footprint_sent.first)
      footprint_sent.done = 1;
    else
      footprint_sent.first[footprint_sent.length++] = (char)bytes[i];
  }
}

static int footprint_read_byte(void *context) {
  (void)context;
  return -1;
}

static uint32_t footprint_now_ms(void *context) {
  static volatile uint32_t now;
  (void)context;
  return now++;
}

int main(void) {
  static murmur_modem modem;
  static const murmur_modem_port port = {NULL, footprint_write, footprint_read_byte, footprint_now_ms, NULL};
  const murmur_modem_config config = {2u, 100u, 0u, "127.0.0.1", 5683u};
  const uint8_t payload[6] = {1, 2, 3, 4, 0xAB, 0xFF};
  if (murmur_modem_init(&modem, &FOOTPRINT_COMMAND_SET, &port, &config) != MURMUR_MODEM_OK) return 1;
  const int status = murmur_modem_send_wait(&modem, 1u, payload, sizeof payload);
  murmur_console_printf("%s\n", footprint_sent.first);
  murmur_console_printf("written %lu\n", (unsigned long)modem.bytes_written);
  return status == MURMUR_MODEM_ERR_TIMEOUT ? 0 : 2;
}
