/*
 * nRF9160 (nRF9160 DK): the application runs in the non-secure domain (its flash starts at 0x50000,
 * after the secure partition), so UARTE0 is used at its non-secure address 0x40008000 (nRF9160 PS
 * v2.0, "Memory map" / "Instantiation"), on P0.29 (TX) / P0.28 (RX), the pins of the DK's VCOM0
 * (nRF9160 DK hardware guide, "Virtual COM ports").
 */
#ifndef MURMUR_FAMILY_H
#define MURMUR_FAMILY_H

#define MURMUR_UARTE_BASE 0x40008000u
#define MURMUR_UART_TX_PIN 29u
#define MURMUR_UART_RX_PIN 28u

#endif
