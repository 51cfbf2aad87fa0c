/*
 * murmur_modem port for the host: the "UART" is a TCP connection to 127.0.0.1 on the port named by
 * the environment variable MURMUR_MODEM_TCP_PORT (a modem simulator), the clock is CLOCK_MONOTONIC
 * and the wait is poll(2) for at most 1 ms. For running the device code on the host, not a device.
 */
/* Float semantics: no fused multiply-add, whatever the compiler flags (the TS reference never fuses). */
#if defined(__clang__)
#pragma STDC FP_CONTRACT OFF
#pragma clang fp contract(off)
#elif defined(__GNUC__)
#pragma GCC optimize("fp-contract=off")
#else
#pragma STDC FP_CONTRACT OFF
#endif
#define _POSIX_C_SOURCE 200809L

#include "murmur_modem_port.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static int murmur_host_socket = -1;

static void murmur_host_write(void *context, const uint8_t *bytes, size_t length) {
  (void)context;
  while (length > 0u) {
    const ssize_t sent = send(murmur_host_socket, bytes, length, 0);
    if (sent <= 0) return;
    bytes += sent;
    length -= (size_t)sent;
  }
}

static int murmur_host_read_byte(void *context) {
  (void)context;
  uint8_t byte;
  return recv(murmur_host_socket, &byte, 1u, MSG_DONTWAIT) == 1 ? (int)byte : -1;
}

static uint32_t murmur_host_now_ms(void *context) {
  (void)context;
  struct timespec now;
  clock_gettime(CLOCK_MONOTONIC, &now);
  return (uint32_t)((uint64_t)now.tv_sec * 1000u + (uint64_t)now.tv_nsec / 1000000u);
}

static void murmur_host_wait(void *context) {
  (void)context;
  struct pollfd ready = {murmur_host_socket, POLLIN, 0};
  (void)poll(&ready, 1u, 1);
}

static const murmur_modem_port murmur_host_port = {NULL, murmur_host_write, murmur_host_read_byte,
                                                   murmur_host_now_ms, murmur_host_wait};

const murmur_modem_port *murmur_modem_port_open(uint32_t baud) {
  (void)baud;
  const char *port = getenv("MURMUR_MODEM_TCP_PORT");
  if (port == NULL) return NULL;
  struct sockaddr_in address = {0};
  address.sin_family = AF_INET;
  address.sin_port = htons((uint16_t)atoi(port));
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  murmur_host_socket = socket(AF_INET, SOCK_STREAM, 0);
  if (murmur_host_socket < 0) return NULL;
  const int on = 1;
  (void)setsockopt(murmur_host_socket, IPPROTO_TCP, TCP_NODELAY, &on, sizeof on);
  if (connect(murmur_host_socket, (const struct sockaddr *)&address, sizeof address) != 0) {
    close(murmur_host_socket);
    murmur_host_socket = -1;
    return NULL;
  }
  return &murmur_host_port;
}
