/*
 * Console and exit for the ATmega328P under simavr, over the board-support USART0 driver
 * (boards/support/atmega328p/uart.c). simavr prints each UART line on its stderr, and its own exit
 * status is always 0, so the exit code travels as a line "@murmur exit <code>" before
 * `cli(); sleep_cpu()` stops the simulation. avr-libc's start-up ends with `jmp exit`; the harness
 * links with -Wl,--wrap=exit so that main's return value arrives here.
 */
#include <avr/interrupt.h>
#include <avr/io.h>
#include <avr/sleep.h>

#include "murmur_board.h"
#include "murmur_console.h"

#define MURMUR_CONSOLE_BAUD 115200ul

void murmur_console_write(const char *s) {
  static uint8_t ready;
  if (!ready) {
    murmur_uart_init(MURMUR_CONSOLE_BAUD);
    ready = 1;
  }
  uint32_t length = 0;
  while (s[length] != '\0') length++;
  murmur_uart_write((const uint8_t *)s, length);
}

void murmur_system_exit(int code) {
  murmur_console_printf("@murmur exit %d\n", code);
  while (!(UCSR0A & (1u << UDRE0))) {
  }
  cli();
  set_sleep_mode(SLEEP_MODE_IDLE);
  sleep_enable();
  for (;;) sleep_cpu();
}

void __wrap_exit(int code) __attribute__((noreturn));
void __wrap_exit(int code) { murmur_system_exit(code); }
