/*
 * Polled SERCOM USART driver for the SAM D21 (ATSAMD21G18A on the Arduino MKR WAN 1310): SERCOM4 on
 * PA12 (TX, pad 0) / PA15 (RX, pad 3), peripheral function D, the UART to the Murata LoRa module.
 * SAM D21 datasheet (DS40001882): "SERCOM USART" - "Register Summary" (CTRLA +0x00: SWRST bit 0,
 * ENABLE bit 1, MODE bits 4:2 = 1 internal clock, TXPO bits 17:16, RXPO bits 21:20, DORD bit 30;
 * CTRLB +0x04: TXEN bit 16, RXEN bit 17; BAUD +0x0C; INTFLAG +0x18: DRE bit 0, RXC bit 2; SYNCBUSY
 * +0x1C; DATA +0x28), "Asynchronous Arithmetic Mode BAUD Value Selection"
 * (BAUD = 65536 * (1 - 16 * f_baud / f_ref)); "PM - Power Manager" APBCMASK (0x40000420, SERCOM4
 * bit 6); "GCLK - Generic Clock Controller" CLKCTRL (0x40000C02: ID bits 5:0 = 0x18 for
 * GCLK_SERCOM4_CORE, GEN bits 11:8 = 0, CLKEN bit 14); "PORT - I/O Pin Controller" PMUX (+0x30)
 * and PINCFG (+0x40, PMUXEN bit 0). Generic clock 0 runs at the reset clock (OSC8M / 8 = 1 MHz).
 */
#include "murmur_board.h"

#define MURMUR_REG32(address) (*(volatile uint32_t *)(address))
#define MURMUR_REG16(address) (*(volatile uint16_t *)(address))
#define MURMUR_REG8(address) (*(volatile uint8_t *)(address))

#define MURMUR_PM_APBCMASK MURMUR_REG32(0x40000420u)
#define MURMUR_GCLK_CLKCTRL MURMUR_REG16(0x40000C02u)
#define MURMUR_GCLK_STATUS MURMUR_REG8(0x40000C01u)
#define MURMUR_PORTA 0x41004400u
#define MURMUR_PORT_PMUX(pin) MURMUR_REG8(MURMUR_PORTA + 0x30u + (pin) / 2u)
#define MURMUR_PORT_PINCFG(pin) MURMUR_REG8(MURMUR_PORTA + 0x40u + (pin))

#define MURMUR_SERCOM 0x42001800u
#define MURMUR_SERCOM_CTRLA MURMUR_REG32(MURMUR_SERCOM + 0x00u)
#define MURMUR_SERCOM_CTRLB MURMUR_REG32(MURMUR_SERCOM + 0x04u)
#define MURMUR_SERCOM_BAUD MURMUR_REG16(MURMUR_SERCOM + 0x0Cu)
#define MURMUR_SERCOM_INTFLAG MURMUR_REG8(MURMUR_SERCOM + 0x18u)
#define MURMUR_SERCOM_SYNCBUSY MURMUR_REG32(MURMUR_SERCOM + 0x1Cu)
#define MURMUR_SERCOM_DATA MURMUR_REG16(MURMUR_SERCOM + 0x28u)

#define MURMUR_UART_TX_PIN 12u
#define MURMUR_UART_RX_PIN 15u
#define MURMUR_PMUX_D 3u

static void murmur_samd21_pin_function(uint32_t pin, uint32_t function) {
  uint32_t shift = (pin & 1u) ? 4u : 0u;
  MURMUR_PORT_PMUX(pin) = (uint8_t)((MURMUR_PORT_PMUX(pin) & ~(0xFu << shift)) | (function << shift));
  MURMUR_PORT_PINCFG(pin) |= 1u;
}

void murmur_uart_init(uint32_t baud) {
  MURMUR_PM_APBCMASK |= 1u << 6;
  MURMUR_GCLK_CLKCTRL = (uint16_t)(0x18u | (0u << 8) | (1u << 14));
  while (MURMUR_GCLK_STATUS & 0x80u) {
  }
  murmur_samd21_pin_function(MURMUR_UART_TX_PIN, MURMUR_PMUX_D);
  murmur_samd21_pin_function(MURMUR_UART_RX_PIN, MURMUR_PMUX_D);
  MURMUR_SERCOM_CTRLA = 1u;
  while (MURMUR_SERCOM_SYNCBUSY & 1u) {
  }
  MURMUR_SERCOM_CTRLA = (1u << 2) | (0u << 16) | (3u << 20) | (1u << 30);
  MURMUR_SERCOM_CTRLB = (1u << 16) | (1u << 17);
  while (MURMUR_SERCOM_SYNCBUSY & 4u) {
  }
  uint64_t ratio = ((uint64_t)16u * baud << 16) / MURMUR_BOARD_CLOCK_HZ;
  MURMUR_SERCOM_BAUD = (uint16_t)(65536u - (uint32_t)ratio);
  MURMUR_SERCOM_CTRLA |= 1u << 1;
  while (MURMUR_SERCOM_SYNCBUSY & 2u) {
  }
}

void murmur_uart_write(const uint8_t *data, uint32_t length) {
  for (uint32_t i = 0; i < length; i++) {
    while (!(MURMUR_SERCOM_INTFLAG & 1u)) {
    }
    MURMUR_SERCOM_DATA = data[i];
  }
}

int murmur_uart_read(uint8_t *byte) {
  if (!(MURMUR_SERCOM_INTFLAG & 4u)) return 0;
  *byte = (uint8_t)MURMUR_SERCOM_DATA;
  return 1;
}
