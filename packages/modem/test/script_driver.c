/*
 * Host driver for the murmur_modem unit tests: reads a scripted exchange on stdin and prints what
 * the transport wrote and returned, so a test can check both sides of the conversation.
 *
 *   init <set> <max_retries> <retry_delay_ms> <host> <remote_port> [<timeout_limit_ms>]
 *   send <fport> <hex payload>    start an uplink             -> tx "<bytes written>", send <status>
 *   rx <hex>                      bytes from the modem, poll  -> tx ..., poll <status>
 *   tick <ms>                     advance the clock, poll     -> tx ..., poll <status>
 *   stats                         -> stats ignored=<n> retries=<n> written=<n>
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "murmur_modem.h"

#define DRIVER_RX_MAX 4096

static struct {
  unsigned char rx[DRIVER_RX_MAX];
  size_t rx_head, rx_tail;
  unsigned char tx[DRIVER_RX_MAX];
  size_t tx_length;
  uint32_t now;
} driver;

static void driver_write(void *context, const uint8_t *bytes, size_t length) {
  (void)context;
  for (size_t i = 0; i < length && driver.tx_length < DRIVER_RX_MAX; i++) driver.tx[driver.tx_length++] = bytes[i];
}

static int driver_read_byte(void *context) {
  (void)context;
  return driver.rx_head == driver.rx_tail ? -1 : driver.rx[driver.rx_head++];
}

static uint32_t driver_now(void *context) {
  (void)context;
  return driver.now;
}

static void driver_flush_tx(void) {
  if (driver.tx_length == 0) return;
  fputs("tx \"", stdout);
  for (size_t i = 0; i < driver.tx_length; i++) {
    unsigned char c = driver.tx[i];
    if (c == '\r') fputs("\\r", stdout);
    else if (c == '\n') fputs("\\n", stdout);
    else if (c == '"' || c == '\\') printf("\\%c", c);
    else if (c >= 0x20 && c < 0x7f) putchar(c);
    else printf("\\x%02x", c);
  }
  fputs("\"\n", stdout);
  driver.tx_length = 0;
}

static size_t driver_hex(const char *hex, unsigned char *out, size_t cap) {
  size_t n = 0;
  while (hex[0] && hex[1] && n < cap) {
    unsigned value;
    if (sscanf(hex, "%2x", &value) != 1) break;
    out[n++] = (unsigned char)value;
    hex += 2;
  }
  return n;
}

static const MURMUR_MODEM_ROM murmur_modem_command_set *driver_set(const char *name) {
  const MURMUR_MODEM_ROM murmur_modem_command_set *sets[] = {&murmur_modem_rn2483, &murmur_modem_wio_e5,
                                                             &murmur_modem_rak3172, &murmur_modem_murata_cmwx1zzabz,
                                                             &murmur_modem_bg96};
  for (size_t i = 0; i < sizeof sets / sizeof sets[0]; i++)
    if (strcmp(sets[i]->name, name) == 0) return sets[i];
  return NULL;
}

int main(void) {
  static char line[8192];
  static char word[64], text[8192];
  static char host[128];
  static murmur_modem modem;
  static const murmur_modem_port port = {NULL, driver_write, driver_read_byte, driver_now, NULL};
  while (fgets(line, sizeof line, stdin) != NULL) {
    if (sscanf(line, "%63s", word) != 1) continue;
    if (strcmp(word, "init") == 0) {
      char name[32];
      unsigned retries, delay, remote, limit = 0;
      if (sscanf(line, "init %31s %u %u %127s %u %u", name, &retries, &delay, host, &remote, &limit) < 5) return 2;
      const murmur_modem_config config = {(uint8_t)retries, delay, limit, host, (uint16_t)remote};
      memset(&driver, 0, sizeof driver);
      printf("init %d\n", murmur_modem_init(&modem, driver_set(name), &port, &config));
    } else if (strcmp(word, "send") == 0) {
      unsigned fport;
      unsigned char payload[2048];
      text[0] = '\0';
      if (sscanf(line, "send %u %8191s", &fport, text) < 1) return 2;
      size_t n = driver_hex(text, payload, sizeof payload);
      int status = murmur_modem_send(&modem, (uint8_t)fport, n ? payload : (const uint8_t *)"", n);
      driver_flush_tx();
      printf("send %s\n", murmur_modem_status_name(status));
    } else if (strcmp(word, "rx") == 0) {
      if (sscanf(line, "rx %8191s", text) != 1) return 2;
      driver.rx_tail += driver_hex(text, driver.rx + driver.rx_tail, DRIVER_RX_MAX - driver.rx_tail);
      int status = murmur_modem_poll(&modem);
      driver_flush_tx();
      printf("poll %s\n", murmur_modem_status_name(status));
    } else if (strcmp(word, "tick") == 0) {
      unsigned ms;
      if (sscanf(line, "tick %u", &ms) != 1) return 2;
      driver.now += ms;
      int status = murmur_modem_poll(&modem);
      driver_flush_tx();
      printf("poll %s\n", murmur_modem_status_name(status));
    } else if (strcmp(word, "stats") == 0) {
      printf("stats ignored=%lu retries=%lu written=%lu\n", (unsigned long)modem.ignored_lines,
             (unsigned long)modem.retries, (unsigned long)modem.bytes_written);
    } else {
      return 2;
    }
  }
  return 0;
}
