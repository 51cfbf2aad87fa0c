/*
 * Chain-test firmware: encodes every message with the generated payload encoder and sends it through
 * murmur_modem on the board's modem UART, printing one line per uplink; the exit status is the
 * number of uplinks that failed. LoRaWAN modems get the bit-packed payload, socket modems (BG96) the
 * compact CBOR form. Built with UPLINK_COMMAND_SET (a murmur_modem_* table) or, on the host,
 * UPLINK_SET_FROM_ENVIRONMENT (the table named by MURMUR_MODEM_SET); UPLINK_HOST and
 * UPLINK_REMOTE_PORT (the server of socket modems); UPLINK_TIMEOUT_LIMIT_MS (0: the modems' own).
 */
#include "murmur_console.h"
#include "murmur_modem.h"
#include "murmur_modem_port.h"
#include "uplink_messages.h"

#ifdef UPLINK_SET_FROM_ENVIRONMENT
#include <stdlib.h>
#include <string.h>

static const MURMUR_MODEM_ROM murmur_modem_command_set *uplink_command_set(void) {
  static const MURMUR_MODEM_ROM murmur_modem_command_set *const sets[] = {
      &murmur_modem_rn2483, &murmur_modem_wio_e5, &murmur_modem_rak3172, &murmur_modem_murata_cmwx1zzabz,
      &murmur_modem_bg96};
  const char *name = getenv("MURMUR_MODEM_SET");
  for (size_t i = 0; name != NULL && i < sizeof sets / sizeof sets[0]; i++)
    if (strcmp(sets[i]->name, name) == 0) return sets[i];
  return NULL;
}
#else
static const MURMUR_MODEM_ROM murmur_modem_command_set *uplink_command_set(void) { return &UPLINK_COMMAND_SET; }
#endif

int main(void) {
  static murmur_modem modem;
  const murmur_modem_config config = {3u, 20u, UPLINK_TIMEOUT_LIMIT_MS, UPLINK_HOST, UPLINK_REMOTE_PORT};
  const MURMUR_MODEM_ROM murmur_modem_command_set *set = uplink_command_set();
  const murmur_modem_port *port = set == NULL ? NULL : murmur_modem_port_open(set->baud);
  if (port == NULL || murmur_modem_init(&modem, set, port, &config) != MURMUR_MODEM_OK) {
    murmur_console_write("uplink no modem port\n");
    return 100;
  }
  const int cbor = set == &murmur_modem_bg96;
  int failures = 0;
  for (unsigned i = 0; i < uplink_message_count; i++) {
    uint8_t payload[MURMUR_MODEM_PAYLOAD_MAX];
    const size_t length = uplink_message_encode(i, cbor, payload, sizeof payload);
    const int status = length == 0u ? MURMUR_MODEM_ERR_ARGUMENT
                                    : murmur_modem_send_wait(&modem, uplink_fport, payload, length);
    murmur_console_printf("uplink %u %s %u\n", i, murmur_modem_status_name(status), (unsigned)length);
    if (status != MURMUR_MODEM_OK) failures++;
  }
  char name[24];
  size_t length = 0;
  for (; set->name[length] != '\0' && length + 1u < sizeof name; length++) name[length] = set->name[length];
  name[length] = '\0';
  murmur_console_printf("modem %s retries=%lu ignored=%lu written=%lu\n", name, (unsigned long)modem.retries,
                        (unsigned long)modem.ignored_lines, (unsigned long)modem.bytes_written);
  return failures;
}
