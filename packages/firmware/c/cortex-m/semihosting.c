/*
 * Console and exit through Arm semihosting (Arm "Semihosting for AArch32 and AArch64", 2.2):
 * BKPT 0xAB with the operation in r0 and its argument in r1. SYS_WRITE0 (0x04) writes a string;
 * SYS_EXIT_EXTENDED (0x20) with {ADP_Stopped_ApplicationExit, code} ends QEMU with `code` as its
 * exit status (plain SYS_EXIT on AArch32 can only report 0 or 1).
 */
#include <stdint.h>

#include "murmur_console.h"

#define MURMUR_SYS_WRITE0 0x04
#define MURMUR_SYS_EXIT_EXTENDED 0x20
#define MURMUR_ADP_STOPPED_APPLICATION_EXIT 0x20026u

static void murmur_semihosting_call(uint32_t operation, const void *argument) {
  register uint32_t r0 __asm__("r0") = operation;
  register const void *r1 __asm__("r1") = argument;
  __asm__ volatile("bkpt 0xAB" : "+r"(r0) : "r"(r1) : "memory");
}

void murmur_console_write(const char *s) { murmur_semihosting_call(MURMUR_SYS_WRITE0, s); }

void murmur_system_exit(int code) {
  const uint32_t block[2] = {MURMUR_ADP_STOPPED_APPLICATION_EXIT, (uint32_t)code};
  murmur_semihosting_call(MURMUR_SYS_EXIT_EXTENDED, block);
  for (;;) {
  }
}
