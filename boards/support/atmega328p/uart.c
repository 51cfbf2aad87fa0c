/*
 * Polled USART0 driver for the ATmega328P (Arduino Uno; the RN2483 shield sits on D0/D1): ATmega328P
 * datasheet, "USART0" chapter, "Register Description" (UDR0, UCSR0A with UDRE0/RXC0/U2X0, UCSR0B
 * with RXEN0/TXEN0, UCSR0C with UCSZ01:0, UBRR0) and "Examples of Baud Rate Setting": double speed
 * (U2X0) keeps the error at 57600 baud and 16 MHz below 1 %, UBRR0 = F_CPU / (8 * baud) - 1.
 */
#include <avr/io.h>

#include "murmur_board.h"

void murmur_uart_init(uint32_t baud) {
  UCSR0A = (uint8_t)(1u << U2X0);
  UBRR0 = (uint16_t)((F_CPU + 4ul * baud) / (8ul * baud) - 1ul);
  UCSR0C = (uint8_t)((1u << UCSZ01) | (1u << UCSZ00));
  UCSR0B = (uint8_t)((1u << RXEN0) | (1u << TXEN0));
}

void murmur_uart_write(const uint8_t *data, uint32_t length) {
  for (uint32_t i = 0; i < length; i++) {
    while (!(UCSR0A & (1u << UDRE0))) {
    }
    UDR0 = data[i];
  }
}

int murmur_uart_read(uint8_t *byte) {
  if (!(UCSR0A & (1u << RXC0))) return 0;
  *byte = UDR0;
  return 1;
}
