/*
 * STM32WL (STM32WL55JC on NUCLEO-WL55JC, STM32WLE5JC in the Wio-E5): USART2 on PA2 (TX) / PA3 (RX),
 * alternate function 7 (STM32WL55 datasheet DS13293, "Alternate functions" table). On the
 * NUCLEO-WL55JC these pins reach the ST-LINK virtual COM port; the Wio-E5 module brings them out as
 * its UART2 pins. Clock enables: RCC_AHB2ENR (0x5800004C) GPIOAEN bit 0, RCC_APB1ENR1 (0x58000058)
 * USART2EN bit 17 (RM0453, "RCC registers"). Memory map: RM0453, "Memory map".
 */
#ifndef MURMUR_FAMILY_H
#define MURMUR_FAMILY_H

#define MURMUR_USART_BASE 0x40004400u
#define MURMUR_USART_CLOCK_ENABLE (*(volatile uint32_t *)0x58000058u)
#define MURMUR_USART_CLOCK_BIT (1u << 17)
#define MURMUR_UART_GPIO_BASE 0x48000000u
#define MURMUR_UART_GPIO_CLOCK_ENABLE (*(volatile uint32_t *)0x5800004Cu)
#define MURMUR_UART_GPIO_CLOCK_BIT (1u << 0)
#define MURMUR_UART_TX_PIN 2u
#define MURMUR_UART_RX_PIN 3u
#define MURMUR_UART_ALTERNATE 7u

#endif
