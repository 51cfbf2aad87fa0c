/*
 * Polled UARTE (UART with EasyDMA) driver for the nRF52840 and nRF9160, whose UARTE register maps
 * are the same (nRF52840 Product Specification v1.7 and nRF9160 Product Specification v2.0, chapter
 * "UARTE - Universal asynchronous receiver/transmitter with EasyDMA", "Registers"): TASKS_STARTRX
 * +0x000, TASKS_STARTTX +0x008, EVENTS_ENDRX +0x110, EVENTS_ENDTX +0x120, ENABLE +0x500 (8 =
 * enabled), PSEL.TXD +0x50C, PSEL.RXD +0x514, BAUDRATE +0x524, RXD.PTR/MAXCNT/AMOUNT +0x534/+0x538/
 * +0x53C, TXD.PTR/MAXCNT +0x544/+0x548, CONFIG +0x56C. EasyDMA reads and writes RAM only, so bytes go
 * through static RAM buffers. family.h names the instance and the pins.
 */
#include "family.h"
#include "murmur_board.h"

#define MURMUR_UARTE(offset) (*(volatile uint32_t *)(MURMUR_UARTE_BASE + (offset)))
#define MURMUR_UARTE_TASKS_STARTRX MURMUR_UARTE(0x000u)
#define MURMUR_UARTE_TASKS_STARTTX MURMUR_UARTE(0x008u)
#define MURMUR_UARTE_EVENTS_ENDRX MURMUR_UARTE(0x110u)
#define MURMUR_UARTE_EVENTS_ENDTX MURMUR_UARTE(0x120u)
#define MURMUR_UARTE_ENABLE MURMUR_UARTE(0x500u)
#define MURMUR_UARTE_PSEL_TXD MURMUR_UARTE(0x50Cu)
#define MURMUR_UARTE_PSEL_RXD MURMUR_UARTE(0x514u)
#define MURMUR_UARTE_BAUDRATE MURMUR_UARTE(0x524u)
#define MURMUR_UARTE_RXD_PTR MURMUR_UARTE(0x534u)
#define MURMUR_UARTE_RXD_MAXCNT MURMUR_UARTE(0x538u)
#define MURMUR_UARTE_TXD_PTR MURMUR_UARTE(0x544u)
#define MURMUR_UARTE_TXD_MAXCNT MURMUR_UARTE(0x548u)
#define MURMUR_UARTE_CONFIG MURMUR_UARTE(0x56Cu)
#define MURMUR_UARTE_ENABLED 8u

static uint8_t murmur_uarte_tx[32];
static volatile uint8_t murmur_uarte_rx;

/** BAUDRATE register values from the "BAUDRATE" register table (the rates the modems use). */
static uint32_t murmur_uarte_baudrate(uint32_t baud) {
  switch (baud) {
    case 9600u:
      return 0x00275000u;
    case 19200u:
      return 0x004EA000u;
    case 57600u:
      return 0x00EB0000u;
    default:
      return 0x01D60000u; /* 115200 */
  }
}

static void murmur_uarte_start_rx(void) {
  MURMUR_UARTE_EVENTS_ENDRX = 0u;
  MURMUR_UARTE_RXD_PTR = (uint32_t)(uintptr_t)&murmur_uarte_rx;
  MURMUR_UARTE_RXD_MAXCNT = 1u;
  MURMUR_UARTE_TASKS_STARTRX = 1u;
}

void murmur_uart_init(uint32_t baud) {
  MURMUR_UARTE_ENABLE = 0u;
  MURMUR_UARTE_PSEL_TXD = MURMUR_UART_TX_PIN;
  MURMUR_UARTE_PSEL_RXD = MURMUR_UART_RX_PIN;
  MURMUR_UARTE_BAUDRATE = murmur_uarte_baudrate(baud);
  MURMUR_UARTE_CONFIG = 0u;
  MURMUR_UARTE_ENABLE = MURMUR_UARTE_ENABLED;
  murmur_uarte_start_rx();
}

void murmur_uart_write(const uint8_t *data, uint32_t length) {
  while (length > 0u) {
    uint32_t chunk = length < sizeof murmur_uarte_tx ? length : (uint32_t)sizeof murmur_uarte_tx;
    for (uint32_t i = 0; i < chunk; i++) murmur_uarte_tx[i] = data[i];
    MURMUR_UARTE_EVENTS_ENDTX = 0u;
    MURMUR_UARTE_TXD_PTR = (uint32_t)(uintptr_t)murmur_uarte_tx;
    MURMUR_UARTE_TXD_MAXCNT = chunk;
    MURMUR_UARTE_TASKS_STARTTX = 1u;
    while (MURMUR_UARTE_EVENTS_ENDTX == 0u) {
    }
    data += chunk;
    length -= chunk;
  }
}

int murmur_uart_read(uint8_t *byte) {
  if (MURMUR_UARTE_EVENTS_ENDRX == 0u) return 0;
  *byte = murmur_uarte_rx;
  murmur_uarte_start_rx();
  return 1;
}
