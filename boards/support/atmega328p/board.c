/*
 * ATmega328P board set-up: avr-libc's start-up (crt1) and vector table, the 16 MHz clock as set by
 * the fuses, a 1 kHz tick from Timer/Counter0 in CTC mode with prescaler 64 and OCR0A = 249
 * (ATmega328P datasheet, "8-bit Timer/Counter0 with PWM": TCCR0A WGM01, TCCR0B CS01|CS00, OCR0A,
 * TIMSK0 OCIE0A), and the wait between windows in Idle sleep, which keeps the timer and the USART
 * running ("Power Management and Sleep Modes": SMCR, SLEEP instruction).
 */
#include <avr/interrupt.h>
#include <avr/io.h>
#include <avr/sleep.h>
#include <util/atomic.h>

#include "murmur_board.h"

#ifndef MURMUR_BOARD_UART_BAUD
#define MURMUR_BOARD_UART_BAUD 57600ul
#endif

static volatile uint32_t murmur_board_ticks;

ISR(TIMER0_COMPA_vect) { murmur_board_ticks++; }

void murmur_board_init(void) {
  TCCR0A = (uint8_t)(1u << WGM01);
  OCR0A = (uint8_t)(F_CPU / 64ul / 1000ul - 1ul);
  TIMSK0 = (uint8_t)(1u << OCIE0A);
  TCCR0B = (uint8_t)((1u << CS01) | (1u << CS00));
  murmur_uart_init(MURMUR_BOARD_UART_BAUD);
  sei();
}

uint32_t murmur_board_millis(void) {
  uint32_t ticks;
  ATOMIC_BLOCK(ATOMIC_RESTORESTATE) { ticks = murmur_board_ticks; }
  return ticks;
}

void murmur_board_wait(void) {
  set_sleep_mode(SLEEP_MODE_IDLE);
  sleep_mode();
}
