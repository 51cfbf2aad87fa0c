/*
 * STM32L0 (STM32L072CZ in the Murata module of the B-L072Z-LRWAN1): USART2 on PA2 (TX) / PA3 (RX),
 * alternate function 4 (STM32L072 datasheet DS10689, "Alternate functions" table), which the
 * discovery kit routes to the ST-LINK virtual COM port. Clock enables: RCC_IOPENR (0x4002102C)
 * IOPAEN bit 0, RCC_APB1ENR (0x40021038) USART2EN bit 17 (RM0376, "RCC registers"). GPIO ports of
 * the L0 sit on the IOPORT bus at 0x50000000 (RM0376, "Memory map").
 */
#ifndef MURMUR_FAMILY_H
#define MURMUR_FAMILY_H

#define MURMUR_USART_BASE 0x40004400u
#define MURMUR_USART_CLOCK_ENABLE (*(volatile uint32_t *)0x40021038u)
#define MURMUR_USART_CLOCK_BIT (1u << 17)
#define MURMUR_UART_GPIO_BASE 0x50000000u
#define MURMUR_UART_GPIO_CLOCK_ENABLE (*(volatile uint32_t *)0x4002102Cu)
#define MURMUR_UART_GPIO_CLOCK_BIT (1u << 0)
#define MURMUR_UART_TX_PIN 2u
#define MURMUR_UART_RX_PIN 3u
#define MURMUR_UART_ALTERNATE 4u

#endif
