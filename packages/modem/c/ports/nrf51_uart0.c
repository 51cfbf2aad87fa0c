/*
 * murmur_modem port for the nRF51 as QEMU's micro:bit machine emulates it: the modem on UART0
 * (0x40002000), the millisecond clock from TIMER1 (0x40009000) in 32-bit timer mode at 1 MHz.
 * Register maps: Nordic nRF51 Series Reference Manual v3.0, 29 "UART" (TASKS_STARTRX/STARTTX,
 * EVENTS_RXDRDY/TXDRDY, ENABLE = 4, RXD, TXD, BAUDRATE) and 18 "TIMER" (TASKS_START, TASKS_CAPTURE[0],
 * MODE, BITMODE = 3 for 32 bits, PRESCALER: 16 MHz / 2^PRESCALER, CC[0]).
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
#include "murmur_modem_port.h"

#include <stddef.h>

#define MURMUR_NRF51_UART0 0x40002000u
#define MURMUR_NRF51_TIMER1 0x40009000u

#define MURMUR_REG(base, offset) (*(volatile uint32_t *)((base) + (offset)))
#define UART_TASKS_STARTRX MURMUR_REG(MURMUR_NRF51_UART0, 0x000u)
#define UART_TASKS_STARTTX MURMUR_REG(MURMUR_NRF51_UART0, 0x008u)
#define UART_EVENTS_RXDRDY MURMUR_REG(MURMUR_NRF51_UART0, 0x108u)
#define UART_EVENTS_TXDRDY MURMUR_REG(MURMUR_NRF51_UART0, 0x11Cu)
#define UART_ENABLE MURMUR_REG(MURMUR_NRF51_UART0, 0x500u)
#define UART_RXD MURMUR_REG(MURMUR_NRF51_UART0, 0x518u)
#define UART_TXD MURMUR_REG(MURMUR_NRF51_UART0, 0x51Cu)
#define UART_BAUDRATE MURMUR_REG(MURMUR_NRF51_UART0, 0x524u)
#define TIMER_TASKS_START MURMUR_REG(MURMUR_NRF51_TIMER1, 0x000u)
#define TIMER_TASKS_STOP MURMUR_REG(MURMUR_NRF51_TIMER1, 0x004u)
#define TIMER_TASKS_CLEAR MURMUR_REG(MURMUR_NRF51_TIMER1, 0x00Cu)
#define TIMER_TASKS_CAPTURE0 MURMUR_REG(MURMUR_NRF51_TIMER1, 0x040u)
#define TIMER_MODE MURMUR_REG(MURMUR_NRF51_TIMER1, 0x504u)
#define TIMER_BITMODE MURMUR_REG(MURMUR_NRF51_TIMER1, 0x508u)
#define TIMER_PRESCALER MURMUR_REG(MURMUR_NRF51_TIMER1, 0x510u)
#define TIMER_CC0 MURMUR_REG(MURMUR_NRF51_TIMER1, 0x540u)

#define UART_ENABLE_ON 4u
#define TIMER_BITMODE_32 3u
#define TIMER_PRESCALER_1MHZ 4u

static struct {
  uint32_t last_us;
  uint32_t us;
  uint32_t ms;
} murmur_nrf51_clock;

/* BAUDRATE register values for the rates the command sets use (Reference Manual, UART BAUDRATE). */
static uint32_t murmur_nrf51_baud_register(uint32_t baud) {
  switch (baud) {
    case 9600u:
      return 0x00275000u;
    case 19200u:
      return 0x004EA000u;
    case 57600u:
      return 0x00EBF000u;
    case 115200u:
      return 0x01D7E000u;
    default:
      return 0u;
  }
}

static void murmur_nrf51_write(void *context, const uint8_t *bytes, size_t length) {
  (void)context;
  for (size_t i = 0; i < length; i++) {
    UART_EVENTS_TXDRDY = 0u;
    UART_TXD = bytes[i];
    while (UART_EVENTS_TXDRDY == 0u) {
    }
  }
}

static int murmur_nrf51_read_byte(void *context) {
  (void)context;
  if (UART_EVENTS_RXDRDY == 0u) return -1;
  UART_EVENTS_RXDRDY = 0u;
  return (int)(UART_RXD & 0xFFu);
}

static uint32_t murmur_nrf51_now_ms(void *context) {
  (void)context;
  TIMER_TASKS_CAPTURE0 = 1u;
  const uint32_t now = TIMER_CC0;
  murmur_nrf51_clock.us += now - murmur_nrf51_clock.last_us;
  murmur_nrf51_clock.last_us = now;
  murmur_nrf51_clock.ms += murmur_nrf51_clock.us / 1000u;
  murmur_nrf51_clock.us %= 1000u;
  return murmur_nrf51_clock.ms;
}

static const murmur_modem_port murmur_nrf51_port = {NULL, murmur_nrf51_write, murmur_nrf51_read_byte,
                                                    murmur_nrf51_now_ms, NULL};

const murmur_modem_port *murmur_modem_port_open(uint32_t baud) {
  const uint32_t rate = murmur_nrf51_baud_register(baud);
  if (rate == 0u) return NULL;
  UART_BAUDRATE = rate;
  UART_ENABLE = UART_ENABLE_ON;
  UART_TASKS_STARTTX = 1u;
  UART_TASKS_STARTRX = 1u;
  TIMER_TASKS_STOP = 1u;
  TIMER_MODE = 0u;
  TIMER_BITMODE = TIMER_BITMODE_32;
  TIMER_PRESCALER = TIMER_PRESCALER_1MHZ;
  TIMER_TASKS_CLEAR = 1u;
  TIMER_TASKS_START = 1u;
  murmur_nrf51_clock.last_us = 0u;
  murmur_nrf51_clock.us = 0u;
  murmur_nrf51_clock.ms = 0u;
  return &murmur_nrf51_port;
}
