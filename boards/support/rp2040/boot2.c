/*
 * RP2040 second-stage boot loader ("boot2"): the first 256 bytes of flash, which the boot ROM copies
 * to SRAM and runs when their CRC32 matches (RP2040 datasheet 2.8.1 "Processor Controlled Boot
 * Sequence": CRC32 with polynomial 0x04C11DB7, initial value 0xFFFFFFFF, no reflection, no final
 * XOR, over the first 252 bytes, stored little-endian in the last 4; the firmware build computes it
 * and the linker script places it). It sets up the SSI for serial flash reads with the 03h command,
 * which every flash chip supports (4.10 "SSI": CTRLR0 +0x00 with SPI_FRF bits 22:21, DFS_32 bits
 * 20:16, TMOD bits 9:8 = EEPROM read; CTRLR1 +0x04; SSIENR +0x08; BAUDR +0x14; SPI_CTRLR0 +0xF4 with
 * XIP_CMD bits 31:24, INST_L bits 9:8, ADDR_L bits 5:2, TRANS_TYPE bits 1:0), so execute-in-place
 * works, then points VTOR at the vector table behind it and enters the reset handler.
 * The code runs from wherever the ROM copied it: only PC-relative literals, no data, no calls.
 */
#include <stdint.h>

#define MURMUR_SSI(offset) (*(volatile uint32_t *)(0x18000000u + (offset)))
#define MURMUR_VTOR (*(volatile uint32_t *)0xE000ED08u)
#define MURMUR_XIP_VECTORS 0x10000100u

void murmur_rp2040_boot2(void) __attribute__((section(".boot2"), used, noreturn));

void murmur_rp2040_boot2(void) {
  MURMUR_SSI(0x08u) = 0u;
  MURMUR_SSI(0x14u) = 4u;
  MURMUR_SSI(0x00u) = (0u << 21) | (31u << 16) | (3u << 8);
  MURMUR_SSI(0xF4u) = (0x03u << 24) | (2u << 8) | (6u << 2) | 0u;
  MURMUR_SSI(0x04u) = 0u;
  MURMUR_SSI(0x08u) = 1u;
  const uint32_t *vectors = (const uint32_t *)MURMUR_XIP_VECTORS;
  MURMUR_VTOR = MURMUR_XIP_VECTORS;
  __asm__ volatile("msr msp, %0\n\tbx %1" : : "r"(vectors[0]), "r"(vectors[1]) : "memory");
  for (;;) {
  }
}
