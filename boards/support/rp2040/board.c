/*
 * RP2040 board set-up (Raspberry Pi Pico + SX1262 HAT). After reset clk_sys runs from the ring
 * oscillator (nominal 6.5 MHz, not accurate enough for a UART), and clk_peri, which clocks the UART,
 * is off. The documented set-up here: start the 12 MHz crystal oscillator (RP2040 datasheet 2.16
 * "Crystal Oscillator (XOSC)": CTRL +0x00 FREQ_RANGE 0xAA0, ENABLE 0xFAB; STATUS +0x04 STABLE bit 31;
 * STARTUP +0x0C), switch clk_ref and clk_sys to it (2.15 "Clocks": CLK_REF_CTRL +0x30 SRC=2 xosc,
 * CLK_SYS_CTRL +0x3C SRC=0 clk_ref, the *_SELECTED registers confirm), and enable clk_peri from
 * clk_sys (CLK_PERI_CTRL +0x48 ENABLE bit 11). The core then runs at 12 MHz (MURMUR_BOARD_CLOCK_HZ);
 * no PLL is started.
 */
#include "murmur_board.h"

#define MURMUR_REG(address) (*(volatile uint32_t *)(address))
#define MURMUR_XOSC_CTRL MURMUR_REG(0x40024000u)
#define MURMUR_XOSC_STATUS MURMUR_REG(0x40024004u)
#define MURMUR_XOSC_STARTUP MURMUR_REG(0x4002400Cu)
#define MURMUR_CLK_REF_CTRL MURMUR_REG(0x40008030u)
#define MURMUR_CLK_REF_SELECTED MURMUR_REG(0x40008038u)
#define MURMUR_CLK_SYS_CTRL MURMUR_REG(0x4000803Cu)
#define MURMUR_CLK_SYS_SELECTED MURMUR_REG(0x40008044u)
#define MURMUR_CLK_PERI_CTRL MURMUR_REG(0x40008048u)

#ifndef MURMUR_BOARD_UART_BAUD
#define MURMUR_BOARD_UART_BAUD 115200u
#endif

void murmur_board_tick_init(void);

static void murmur_rp2040_clocks_init(void) {
  MURMUR_XOSC_STARTUP = ((12000000u / 1000u) + 128u) / 256u;
  MURMUR_XOSC_CTRL = 0xAA0u | (0xFABu << 12);
  while (!(MURMUR_XOSC_STATUS & (1u << 31))) {
  }
  MURMUR_CLK_REF_CTRL = 2u;
  while (!(MURMUR_CLK_REF_SELECTED & (1u << 2))) {
  }
  MURMUR_CLK_SYS_CTRL = 0u;
  while (!(MURMUR_CLK_SYS_SELECTED & 1u)) {
  }
  MURMUR_CLK_PERI_CTRL = 1u << 11;
}

void murmur_board_init(void) {
  murmur_rp2040_clocks_init();
  murmur_board_tick_init();
  murmur_uart_init(MURMUR_BOARD_UART_BAUD);
}
