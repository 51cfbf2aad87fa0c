/*
 * Polled UART0 driver for the Arm MPS2/MPS2+ FPGA images (AN385, AN386, AN505) as QEMU models them:
 * the CMSDK APB UART (Arm CoreLink CMSDK Technical Reference Manual, "APB UART": DATA +0x00,
 * STATE +0x04 with TX buffer full bit 0 and RX buffer full bit 1, CTRL +0x08 with TX enable bit 0
 * and RX enable bit 1, BAUDDIV +0x10, at least 16). UART0 sits at 0x40004000 on AN385/AN386
 * (AN386 application note, "Memory map") and at 0x40200000 on AN505 (AN505, "Memory map"; QEMU maps
 * it to the Secure alias 0x50200000 as well). QEMU ignores the baud rate; the divisor follows
 * BAUDDIV = f_PCLK / baud with the board's clock as f_PCLK.
 */
#include "murmur_board.h"

#ifndef MURMUR_MPS2_UART0
#define MURMUR_MPS2_UART0 0x40004000u
#endif

#define MURMUR_UART(offset) (*(volatile uint32_t *)(MURMUR_MPS2_UART0 + (offset)))
#define MURMUR_UART_DATA MURMUR_UART(0x00u)
#define MURMUR_UART_STATE MURMUR_UART(0x04u)
#define MURMUR_UART_CTRL MURMUR_UART(0x08u)
#define MURMUR_UART_BAUDDIV MURMUR_UART(0x10u)
#define MURMUR_UART_STATE_TX_FULL 1u
#define MURMUR_UART_STATE_RX_FULL 2u
#ifndef MURMUR_BOARD_CLOCK_HZ
#define MURMUR_BOARD_CLOCK_HZ 25000000u
#endif

void murmur_uart_init(uint32_t baud) {
  uint32_t divisor = MURMUR_BOARD_CLOCK_HZ / baud;
  MURMUR_UART_BAUDDIV = divisor < 16u ? 16u : divisor;
  MURMUR_UART_CTRL = 3u;
}

void murmur_uart_write(const uint8_t *data, uint32_t length) {
  for (uint32_t i = 0; i < length; i++) {
    while (MURMUR_UART_STATE & MURMUR_UART_STATE_TX_FULL) {
    }
    MURMUR_UART_DATA = data[i];
  }
}

int murmur_uart_read(uint8_t *byte) {
  if (!(MURMUR_UART_STATE & MURMUR_UART_STATE_RX_FULL)) return 0;
  *byte = (uint8_t)MURMUR_UART_DATA;
  return 1;
}
