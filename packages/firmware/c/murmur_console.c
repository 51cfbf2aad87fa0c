/* The console formatter shared by every target; the back end provides murmur_console_write. */
#include "murmur_console.h"

#include <stdarg.h>

#define MURMUR_CONSOLE_BUFFER 64

typedef struct {
  char text[MURMUR_CONSOLE_BUFFER + 1];
  unsigned length;
} murmur_console_line;

static void murmur_console_put(murmur_console_line *line, char c) {
  line->text[line->length++] = c;
  if (line->length == MURMUR_CONSOLE_BUFFER) {
    line->text[line->length] = '\0';
    murmur_console_write(line->text);
    line->length = 0;
  }
}

static void murmur_console_put_number(murmur_console_line *line, unsigned long value, unsigned base, int upper,
                                      int negative, unsigned width, char pad) {
  char digits[12];
  unsigned count = 0;
  const char *symbols = upper ? "0123456789ABCDEF" : "0123456789abcdef";
  do {
    digits[count++] = symbols[value % base];
    value /= base;
  } while (value != 0u);
  unsigned shown = count + (negative ? 1u : 0u);
  if (negative && pad == '0') murmur_console_put(line, '-');
  for (; shown < width; shown++) murmur_console_put(line, pad);
  if (negative && pad != '0') murmur_console_put(line, '-');
  while (count > 0u) murmur_console_put(line, digits[--count]);
}

#if defined(__AVR__)
#define MURMUR_CONSOLE_FORMAT const __flash char
void murmur_console_printf_flash(MURMUR_CONSOLE_FORMAT *fmt, ...) {
#else
#define MURMUR_CONSOLE_FORMAT const char
void murmur_console_printf(MURMUR_CONSOLE_FORMAT *fmt, ...) {
#endif
  murmur_console_line line;
  va_list args;
  line.length = 0;
  va_start(args, fmt);
  for (MURMUR_CONSOLE_FORMAT *p = fmt; *p != '\0'; p++) {
    if (*p != '%') {
      murmur_console_put(&line, *p);
      continue;
    }
    p++;
    char pad = ' ';
    unsigned width = 0;
    int is_long = 0;
    if (*p == '0') {
      pad = '0';
      p++;
    }
    while (*p >= '0' && *p <= '9') width = width * 10u + (unsigned)(*p++ - '0');
    if (*p == 'l') {
      is_long = 1;
      p++;
    }
    switch (*p) {
      case 'd':
      case 'i': {
        long v = is_long ? va_arg(args, long) : (long)va_arg(args, int);
        unsigned long magnitude = v < 0 ? 0ul - (unsigned long)v : (unsigned long)v;
        murmur_console_put_number(&line, magnitude, 10u, 0, v < 0, width, pad);
        break;
      }
      case 'u':
      case 'x':
      case 'X': {
        unsigned long v = is_long ? va_arg(args, unsigned long) : (unsigned long)va_arg(args, unsigned);
        murmur_console_put_number(&line, v, *p == 'u' ? 10u : 16u, *p == 'X', 0, width, pad);
        break;
      }
      case 'c':
        murmur_console_put(&line, (char)va_arg(args, int));
        break;
      case 's':
        for (const char *s = va_arg(args, const char *); *s != '\0'; s++) murmur_console_put(&line, *s);
        break;
      case '%':
        murmur_console_put(&line, '%');
        break;
      case '\0':
        p--;
        break;
      default:
        murmur_console_put(&line, '%');
        murmur_console_put(&line, *p);
        break;
    }
  }
  va_end(args);
  if (line.length > 0u) {
    line.text[line.length] = '\0';
    murmur_console_write(line.text);
  }
}
