/*
 * Polled UART0 driver for the RP2040, an Arm PL011 (RP2040 datasheet 4.2 "UART": UARTDR +0x000,
 * UARTFR +0x018 with RXFE bit 4 and TXFF bit 5, UARTIBRD +0x024, UARTFBRD +0x028, UARTLCR_H +0x02C
 * with WLEN bits 6:5 and FEN bit 4, UARTCR +0x030 with UARTEN bit 0, TXE bit 8, RXE bit 9; the
 * divisors latch when LCR_H is written). UART0 and the GPIO banks leave reset through RESETS
 * (2.14 "Subsystem Resets": RESET +0x0, RESET_DONE +0x8; bits io_bank0 5, pads_bank0 8, uart0 22;
 * the +0x3000 alias clears bits atomically). GP0 (TX) and GP1 (RX) select the UART with
 * GPIOx_CTRL FUNCSEL = 2 (2.19 "GPIO", IO_BANK0 +0x04 + 8 * n). clk_peri is clk_sys (board.c).
 */
#include "murmur_board.h"

#define MURMUR_REG(address) (*(volatile uint32_t *)(address))
#define MURMUR_RESETS_RESET_CLEAR MURMUR_REG(0x4000C000u + 0x3000u)
#define MURMUR_RESETS_RESET_DONE MURMUR_REG(0x4000C008u)
#define MURMUR_IO_BANK0_CTRL(pin) MURMUR_REG(0x40014004u + 8u * (pin))
#define MURMUR_UART0(offset) MURMUR_REG(0x40034000u + (offset))
#define MURMUR_UARTDR MURMUR_UART0(0x000u)
#define MURMUR_UARTFR MURMUR_UART0(0x018u)
#define MURMUR_UARTIBRD MURMUR_UART0(0x024u)
#define MURMUR_UARTFBRD MURMUR_UART0(0x028u)
#define MURMUR_UARTLCR_H MURMUR_UART0(0x02Cu)
#define MURMUR_UARTCR MURMUR_UART0(0x030u)
#define MURMUR_RESET_BITS ((1u << 5) | (1u << 8) | (1u << 22))

void murmur_uart_init(uint32_t baud) {
  MURMUR_RESETS_RESET_CLEAR = MURMUR_RESET_BITS;
  while ((MURMUR_RESETS_RESET_DONE & MURMUR_RESET_BITS) != MURMUR_RESET_BITS) {
  }
  uint32_t divisor = 8u * MURMUR_BOARD_CLOCK_HZ / baud;
  MURMUR_UARTIBRD = divisor >> 7;
  MURMUR_UARTFBRD = ((divisor & 0x7Fu) + 1u) / 2u;
  MURMUR_UARTLCR_H = (3u << 5) | (1u << 4);
  MURMUR_UARTCR = (1u << 0) | (1u << 8) | (1u << 9);
  MURMUR_IO_BANK0_CTRL(0u) = 2u;
  MURMUR_IO_BANK0_CTRL(1u) = 2u;
}

void murmur_uart_write(const uint8_t *data, uint32_t length) {
  for (uint32_t i = 0; i < length; i++) {
    while (MURMUR_UARTFR & (1u << 5)) {
    }
    MURMUR_UARTDR = data[i];
  }
}

int murmur_uart_read(uint8_t *byte) {
  if (MURMUR_UARTFR & (1u << 4)) return 0;
  *byte = (uint8_t)MURMUR_UARTDR;
  return 1;
}
