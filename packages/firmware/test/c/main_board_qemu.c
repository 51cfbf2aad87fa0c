/*
 * A board image (boards/support start-up, SysTick tick, WFI wait, UART) run under QEMU: announces
 * itself on the UART, sleeps until 50 ticks have passed, echoes three received bytes, then stops
 * QEMU through semihosting with exit status 0 (test only; board images have no semihosting).
 */
#include "murmur_board.h"

static void murmur_test_exit(uint32_t code) {
  const uint32_t block[2] = {0x20026u, code};
  register uint32_t r0 __asm__("r0") = 0x20u;
  register const void *r1 __asm__("r1") = block;
  __asm__ volatile("bkpt 0xAB" : "+r"(r0) : "r"(r1) : "memory");
}

int main(void) {
  static const uint8_t hello[] = "tick\r\n";
  murmur_board_init();
  murmur_uart_write(hello, sizeof hello - 1u);
  uint32_t wakes = 0;
  while (murmur_board_millis() < 50u) {
    murmur_board_wait();
    wakes++;
  }
  for (unsigned echoed = 0; echoed < 3u;) {
    uint8_t byte;
    if (murmur_uart_read(&byte)) {
      murmur_uart_write(&byte, 1u);
      echoed++;
    }
  }
  murmur_test_exit(wakes >= 50u ? 0u : 1u);
  return 0;
}
