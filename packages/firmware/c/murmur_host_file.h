/*
 * Reading a file of the host from firmware run by the Murmur emulator harness, so that input data (e.g.
 * recorded sensor frames) streams in instead of taking flash.
 *
 * Two back ends: Arm semihosting (SYS_OPEN / SYS_READ) under QEMU, stdio on the host. There is none on
 * AVR: simavr has no semihosting, so AVR images carry their input in flash.
 */
#ifndef MURMUR_HOST_FILE_H
#define MURMUR_HOST_FILE_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/** Opens the host file at `path` (absolute) for binary reading; returns a handle, or -1 when it cannot. */
int32_t murmur_host_file_open(const char *path);

/** Reads up to `bytes` bytes into `buffer`; returns how many were read (fewer only at the end of the file). */
size_t murmur_host_file_read(int32_t handle, void *buffer, size_t bytes);

#ifdef __cplusplus
}
#endif

#endif /* MURMUR_HOST_FILE_H */
