/*
 * murmur_modem port for the Arm MPS2 FPGA images (AN385/AN386) as QEMU emulates them: the modem on
 * CMSDK APB UART1 (0x40005000), the millisecond clock from CMSDK APB TIMER1 (0x40001000) on the
 * 25 MHz peripheral clock. Register maps: Arm Cortex-M System Design Kit Technical Reference Manual
 * (DDI 0479), 4.3 "APB UART" (DATA, STATE: bit 0 TX buffer full, bit 1 RX buffer full; CTRL: bit 0
 * TX enable, bit 1 RX enable; BAUDDIV >= 16) and 4.1 "APB timer" (CTRL bit 0 enable; VALUE counts
 * down from RELOAD). Memory map: Arm AN386 (DAI 0386), "Memory map", APB subsystem.
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

#define MURMUR_MPS2_UART1 0x40005000u
#define MURMUR_MPS2_TIMER1 0x40001000u
#define MURMUR_MPS2_PCLK_HZ 25000000u

#define MURMUR_REG(base, offset) (*(volatile uint32_t *)((base) + (offset)))
#define UART_DATA MURMUR_REG(MURMUR_MPS2_UART1, 0x00u)
#define UART_STATE MURMUR_REG(MURMUR_MPS2_UART1, 0x04u)
#define UART_CTRL MURMUR_REG(MURMUR_MPS2_UART1, 0x08u)
#define UART_BAUDDIV MURMUR_REG(MURMUR_MPS2_UART1, 0x10u)
#define TIMER_CTRL MURMUR_REG(MURMUR_MPS2_TIMER1, 0x00u)
#define TIMER_VALUE MURMUR_REG(MURMUR_MPS2_TIMER1, 0x04u)
#define TIMER_RELOAD MURMUR_REG(MURMUR_MPS2_TIMER1, 0x08u)

#define UART_STATE_TX_FULL 0x1u
#define UART_STATE_RX_FULL 0x2u
#define UART_CTRL_TX_EN 0x1u
#define UART_CTRL_RX_EN 0x2u
#define TICKS_PER_MS (MURMUR_MPS2_PCLK_HZ / 1000u)

static struct {
  uint32_t last_value;
  uint32_t ticks;
  uint32_t ms;
} murmur_mps2_clock;

static void murmur_mps2_write(void *context, const uint8_t *bytes, size_t length) {
  (void)context;
  for (size_t i = 0; i < length; i++) {
    while ((UART_STATE & UART_STATE_TX_FULL) != 0u) {
    }
    UART_DATA = bytes[i];
  }
}

static int murmur_mps2_read_byte(void *context) {
  (void)context;
  if ((UART_STATE & UART_STATE_RX_FULL) == 0u) return -1;
  return (int)(UART_DATA & 0xFFu);
}

/* TIMER1 counts down through the whole 32-bit range; elapsed ticks are the wrap-safe difference. */
static uint32_t murmur_mps2_now_ms(void *context) {
  (void)context;
  const uint32_t value = TIMER_VALUE;
  murmur_mps2_clock.ticks += murmur_mps2_clock.last_value - value;
  murmur_mps2_clock.last_value = value;
  murmur_mps2_clock.ms += murmur_mps2_clock.ticks / TICKS_PER_MS;
  murmur_mps2_clock.ticks %= TICKS_PER_MS;
  return murmur_mps2_clock.ms;
}

static const murmur_modem_port murmur_mps2_port = {NULL, murmur_mps2_write, murmur_mps2_read_byte,
                                                   murmur_mps2_now_ms, NULL};

const murmur_modem_port *murmur_modem_port_open(uint32_t baud) {
  const uint32_t divider = baud == 0u ? 0u : MURMUR_MPS2_PCLK_HZ / baud;
  if (divider < 16u) return NULL;
  UART_BAUDDIV = divider;
  UART_CTRL = UART_CTRL_TX_EN | UART_CTRL_RX_EN;
  /* Reading DATA once drops a stale received byte; under QEMU it also makes the serial back end
   * resume input, which it stops polling while the receiver is disabled. */
  (void)UART_DATA;
  TIMER_CTRL = 0u;
  TIMER_RELOAD = 0xFFFFFFFFu;
  TIMER_VALUE = 0xFFFFFFFFu;
  TIMER_CTRL = 1u;
  murmur_mps2_clock.last_value = TIMER_VALUE;
  murmur_mps2_clock.ticks = 0u;
  murmur_mps2_clock.ms = 0u;
  return &murmur_mps2_port;
}
