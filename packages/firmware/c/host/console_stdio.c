/* Console and exit on the host: stdout and the process exit status. */
#include <stdio.h>
#include <stdlib.h>

#include "murmur_console.h"

void murmur_console_write(const char *s) { fputs(s, stdout); }

void murmur_system_exit(int code) {
  fflush(stdout);
  exit(code);
}
