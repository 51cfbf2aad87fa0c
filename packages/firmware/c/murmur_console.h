/*
 * Console output and exit status for firmware run by the Murmur emulator harness.
 *
 * One interface, three back ends: Arm semihosting (SYS_WRITE0 / SYS_EXIT_EXTENDED) under QEMU,
 * the USART0 data register on AVR under simavr, and stdio on the host. The formatter is ours
 * (no libc printf in the measured image).
 */
#ifndef MURMUR_CONSOLE_H
#define MURMUR_CONSOLE_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/** Writes a NUL-terminated string to the console. */
void murmur_console_write(const char *s);

/**
 * Formats like a small printf and writes the result: %d %i %u %x %X %c %s %%, the length
 * modifier `l`, the flag `0` and a field width (e.g. "%08lx"). Output longer than the internal
 * buffer is written in pieces. On AVR the format must be a string literal: a macro keeps it in flash
 * (GNU C `__flash`) instead of the 2 KiB SRAM, and murmur_console_printf_flash reads it from there.
 */
#if defined(__AVR__)
void murmur_console_printf_flash(const __flash char *fmt, ...);
#define murmur_console_printf(fmt, ...)                                                                    \
  murmur_console_printf_flash((__extension__({                                                             \
                                static const __flash char murmur_console_format[] = fmt;                   \
                                &murmur_console_format[0];                                                 \
                              })),                                                                         \
                              ##__VA_ARGS__)
#else
void murmur_console_printf(const char *fmt, ...);
#endif

/** Ends the program with `code` as the emulator's (or process's) exit status. */
void murmur_system_exit(int code) __attribute__((noreturn));

#ifdef __cplusplus
}
#endif

#endif /* MURMUR_CONSOLE_H */
