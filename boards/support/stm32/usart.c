/*
 * Polled USART driver for the STM32 families with the "USARTv2" register map (STM32L0, STM32L4,
 * STM32WL): CR1 +0x00 (UE bit 0, RE bit 2, TE bit 3), BRR +0x0C, ISR +0x1C (RXNE bit 5, TXE bit 7,
 * ORE bit 3), ICR +0x20, RDR +0x24, TDR +0x28. See the "USART registers" section of RM0367/RM0376
 * (STM32L0), RM0351 (STM32L4) and RM0453/RM0461 (STM32WL); pins go to their alternate function
 * through GPIOx_MODER (+0x00, 0b10 = AF) and GPIOx_AFRL/AFRH (+0x20/+0x24), "GPIO registers".
 * The family's family.h names the instance, its clock-enable bits, pins and alternate function.
 * With oversampling by 16, BRR = f_ck / baud; f_ck is the APB clock, equal to SYSCLK after reset.
 */
#include "family.h"
#include "murmur_board.h"

#define MURMUR_REG(address) (*(volatile uint32_t *)(address))
#define MURMUR_USART_CR1 MURMUR_REG(MURMUR_USART_BASE + 0x00u)
#define MURMUR_USART_BRR MURMUR_REG(MURMUR_USART_BASE + 0x0Cu)
#define MURMUR_USART_ISR MURMUR_REG(MURMUR_USART_BASE + 0x1Cu)
#define MURMUR_USART_ICR MURMUR_REG(MURMUR_USART_BASE + 0x20u)
#define MURMUR_USART_RDR MURMUR_REG(MURMUR_USART_BASE + 0x24u)
#define MURMUR_USART_TDR MURMUR_REG(MURMUR_USART_BASE + 0x28u)
#define MURMUR_USART_CR1_UE (1u << 0)
#define MURMUR_USART_CR1_RE (1u << 2)
#define MURMUR_USART_CR1_TE (1u << 3)
#define MURMUR_USART_ISR_ORE (1u << 3)
#define MURMUR_USART_ISR_RXNE (1u << 5)
#define MURMUR_USART_ISR_TXE (1u << 7)
#define MURMUR_GPIO_MODER MURMUR_REG(MURMUR_UART_GPIO_BASE + 0x00u)
#define MURMUR_GPIO_AFR(pin) MURMUR_REG(MURMUR_UART_GPIO_BASE + ((pin) < 8u ? 0x20u : 0x24u))

static void murmur_stm32_pin_alternate(uint32_t pin, uint32_t function) {
  MURMUR_GPIO_MODER = (MURMUR_GPIO_MODER & ~(3u << (2u * pin))) | (2u << (2u * pin));
  uint32_t shift = 4u * (pin & 7u);
  MURMUR_GPIO_AFR(pin) = (MURMUR_GPIO_AFR(pin) & ~(0xFu << shift)) | (function << shift);
}

void murmur_uart_init(uint32_t baud) {
  MURMUR_UART_GPIO_CLOCK_ENABLE |= MURMUR_UART_GPIO_CLOCK_BIT;
  MURMUR_USART_CLOCK_ENABLE |= MURMUR_USART_CLOCK_BIT;
  murmur_stm32_pin_alternate(MURMUR_UART_TX_PIN, MURMUR_UART_ALTERNATE);
  murmur_stm32_pin_alternate(MURMUR_UART_RX_PIN, MURMUR_UART_ALTERNATE);
  MURMUR_USART_CR1 = 0u;
  MURMUR_USART_BRR = (MURMUR_BOARD_CLOCK_HZ + baud / 2u) / baud;
  MURMUR_USART_CR1 = MURMUR_USART_CR1_UE | MURMUR_USART_CR1_RE | MURMUR_USART_CR1_TE;
}

void murmur_uart_write(const uint8_t *data, uint32_t length) {
  for (uint32_t i = 0; i < length; i++) {
    while (!(MURMUR_USART_ISR & MURMUR_USART_ISR_TXE)) {
    }
    MURMUR_USART_TDR = data[i];
  }
}

int murmur_uart_read(uint8_t *byte) {
  uint32_t status = MURMUR_USART_ISR;
  if (status & MURMUR_USART_ISR_ORE) MURMUR_USART_ICR = MURMUR_USART_ISR_ORE;
  if (!(status & MURMUR_USART_ISR_RXNE)) return 0;
  *byte = (uint8_t)MURMUR_USART_RDR;
  return 1;
}
