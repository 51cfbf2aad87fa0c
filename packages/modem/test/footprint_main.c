/*
 * Footprint firmware: murmur_modem with one command set (FOOTPRINT_COMMAND_SET) and a port that
 * touches no hardware, so the build reports what the transport itself costs on a board.
 */
#include "murmur_modem.h"

static void footprint_write(void *context, const uint8_t *bytes, size_t length) {
  (void)context;
  (void)bytes;
  (void)length;
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
  const uint8_t payload[6] = {1, 2, 3, 4, 5, 6};
  if (murmur_modem_init(&modem, &FOOTPRINT_COMMAND_SET, &port, &config) != MURMUR_MODEM_OK) return 1;
  return murmur_modem_send_wait(&modem, 1u, payload, sizeof payload) == MURMUR_MODEM_ERR_TIMEOUT ? 0 : 2;
}
