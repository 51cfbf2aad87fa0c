/*
 * Console and exit for the ATmega328P under simavr: polled USART0 (ATmega328P datasheet, section
 * 20 "USART0": UBRR0 baud register, UCSR0B TXEN0, UDRE0 "data register empty", UDR0 data register).
 * simavr prints each UART line on its stderr, and its own exit status is always 0, so the exit code
 * travels as a line "@murmur exit <code>" before `cli(); sleep_cpu()` stops the simulation.
 * avr-libc's start-up ends with `jmp exit`; the harness links with -Wl,--wrap=exit so that
 * main's return value arrives here.
 */
#include <avr/interrupt.h>
#include <avr/io.h>
#include <avr/sleep.h>

#include "murmur_console.h"

#define MURMUR_CONSOLE_BAUD 115200ul

static void murmur_console_init(void) {
  static uint8_t ready;
  if (ready) return;
  UBRR0 = (uint16_t)(F_CPU / (16ul * MURMUR_CONSOLE_BAUD) - 1ul);
  UCSR0B = (uint8_t)(1u << TXEN0);
  UCSR0C = (uint8_t)((1u << UCSZ01) | (1u << UCSZ00));
  ready = 1;
}

static void murmur_console_put(char c) {
  while (!(UCSR0A & (1u << UDRE0))) {
  }
  UDR0 = (uint8_t)c;
}

void murmur_console_write(const char *s) {
  murmur_console_init();
  while (*s != '\0') murmur_console_put(*s++);
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
