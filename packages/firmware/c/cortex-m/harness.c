/*
 * The harness side of a Cortex-M image under QEMU: console and exit through Arm semihosting, and the
 * start-up hooks of boards/support/cortex-m/startup.c.
 *
 * Semihosting ("Semihosting for AArch32 and AArch64", 2.2): BKPT 0xAB with the operation in r0 and
 * its argument in r1. SYS_WRITE0 (0x04) writes a string; SYS_EXIT_EXTENDED (0x20) with
 * {ADP_Stopped_ApplicationExit, code} ends QEMU with `code` as its exit status (plain SYS_EXIT on
 * AArch32 can only report 0 or 1). SYS_OPEN (0x01) and SYS_READ (0x06) read host files
 * (murmur_host_file.h). Before main the stack reserve is painted and the cost counter
 * set up; after main the painted words still intact give the stack high-water mark.
 */
#include <stdint.h>

#include "murmur_board.h"
#include "murmur_console.h"
#include "murmur_host_file.h"

#define MURMUR_SYS_OPEN 0x01
#define MURMUR_SYS_WRITE0 0x04
#define MURMUR_SYS_READ 0x06
/* SYS_OPEN mode 1 is fopen's "rb". */
#define MURMUR_SYS_OPEN_READ_BINARY 1u
#define MURMUR_SYS_EXIT_EXTENDED 0x20
#define MURMUR_ADP_STOPPED_APPLICATION_EXIT 0x20026u
#define MURMUR_STACK_PAINT 0xA5A5A5A5u
/* Bytes below the stack pointer left unpainted while painting (the painting code's own frame). */
#define MURMUR_STACK_PAINT_GUARD 64u

extern uint32_t _sstack, _estack;

void murmur_cost_init(void);

static uint32_t murmur_semihosting_call(uint32_t operation, const void *argument) {
  register uint32_t r0 __asm__("r0") = operation;
  register const void *r1 __asm__("r1") = argument;
  __asm__ volatile("bkpt 0xAB" : "+r"(r0) : "r"(r1) : "memory");
  return r0;
}

void murmur_console_write(const char *s) { murmur_semihosting_call(MURMUR_SYS_WRITE0, s); }

int32_t murmur_host_file_open(const char *path) {
  uint32_t length = 0;
  while (path[length] != '\0') length++;
  const uint32_t block[3] = {(uint32_t)(uintptr_t)path, MURMUR_SYS_OPEN_READ_BINARY, length};
  return (int32_t)murmur_semihosting_call(MURMUR_SYS_OPEN, block);
}

size_t murmur_host_file_read(int32_t handle, void *buffer, size_t bytes) {
  const uint32_t block[3] = {(uint32_t)handle, (uint32_t)(uintptr_t)buffer, (uint32_t)bytes};
  /* SYS_READ returns the number of bytes not read (more than asked: an error). */
  uint32_t left = murmur_semihosting_call(MURMUR_SYS_READ, block);
  return left > bytes ? 0u : bytes - (size_t)left;
}

void murmur_system_exit(int code) {
  const uint32_t block[2] = {MURMUR_ADP_STOPPED_APPLICATION_EXIT, (uint32_t)code};
  murmur_semihosting_call(MURMUR_SYS_EXIT_EXTENDED, block);
  for (;;) {
  }
}

void murmur_board_early_init(void) {
  uintptr_t sp;
  __asm__ volatile("mov %0, sp" : "=r"(sp));
  for (uint32_t *word = &_sstack; (uintptr_t)word < sp - MURMUR_STACK_PAINT_GUARD; word++) *word = MURMUR_STACK_PAINT;
  murmur_cost_init();
}

void murmur_board_exit(int code) {
  const uint32_t *word = &_sstack;
  while (word < &_estack && *word == MURMUR_STACK_PAINT) word++;
  murmur_console_printf("@murmur stack %lu\n", (unsigned long)((uintptr_t)&_estack - (uintptr_t)word));
  murmur_system_exit(code);
}

void murmur_board_fault(uint32_t exception) {
  murmur_console_printf("@murmur fault exception %lu\n", (unsigned long)exception);
  murmur_system_exit(128 + (int)(exception & 0x7Fu));
}
