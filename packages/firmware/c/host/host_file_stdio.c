/* Host files on the host: stdio. Handles index a small table of open files. */
#include <stdio.h>

#include "murmur_host_file.h"

#define MURMUR_HOST_FILES 4

static FILE *murmur_host_files[MURMUR_HOST_FILES];

int32_t murmur_host_file_open(const char *path) {
  for (int32_t i = 0; i < MURMUR_HOST_FILES; i++) {
    if (murmur_host_files[i] != NULL) continue;
    murmur_host_files[i] = fopen(path, "rb");
    return murmur_host_files[i] != NULL ? i : -1;
  }
  return -1;
}

size_t murmur_host_file_read(int32_t handle, void *buffer, size_t bytes) {
  if (handle < 0 || handle >= MURMUR_HOST_FILES || murmur_host_files[handle] == NULL) return 0;
  return fread(buffer, 1, bytes, murmur_host_files[handle]);
}
