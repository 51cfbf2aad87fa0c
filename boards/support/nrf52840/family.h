/*
 * nRF52840 (RAK4631 WisBlock core): UARTE0 at 0x40002000 (nRF52840 PS v1.7, "Memory map" /
 * "Instantiation") on P0.16 (TX) / P0.15 (RX), the pins the RAK4631 brings out as UART1 on the
 * WisBlock base board (RAK4631 datasheet, "Pin definition").
 */
#ifndef MURMUR_FAMILY_H
#define MURMUR_FAMILY_H

#define MURMUR_UARTE_BASE 0x40002000u
#define MURMUR_UART_TX_PIN 16u
#define MURMUR_UART_RX_PIN 15u

#endif
