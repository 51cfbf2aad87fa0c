/* Reads the host file named by MURMUR_TEST_FILE in 7-byte pieces and prints its length and byte sum. */
#include <stdint.h>

#include "murmur_console.h"
#include "murmur_host_file.h"

#define STRINGIFY(x) #x
#define STRING(x) STRINGIFY(x)

int main(void) {
  int32_t missing = murmur_host_file_open(STRING(MURMUR_TEST_FILE) ".missing");
  int32_t handle = murmur_host_file_open(STRING(MURMUR_TEST_FILE));
  if (handle < 0) return 1;
  uint8_t piece[7];
  uint32_t length = 0;
  uint32_t sum = 0;
  size_t n;
  while ((n = murmur_host_file_read(handle, piece, sizeof piece)) > 0) {
    for (size_t i = 0; i < n; i++) sum += piece[i];
    length += (uint32_t)n;
  }
  murmur_console_printf("missing=%d length=%lu sum=%lu\n", missing < 0 ? -1 : 0, (unsigned long)length,
                        (unsigned long)sum);
  return 0;
}
