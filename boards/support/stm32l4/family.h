/*
 * STM32L4 (STM32L476RG on NUCLEO-L476RG with the BG96 modem): USART1 on PA9 (TX) / PA10 (RX),
 * alternate function 7 (STM32L476 datasheet DS10198, "Alternate function" table), the UART the board
 * file names for the modem. Clock enables: RCC_AHB2ENR (0x4002104C) GPIOAEN bit 0, RCC_APB2ENR
 * (0x40021060) USART1EN bit 14 (RM0351, "RCC registers"). Memory map: RM0351, "Memory map".
 */
#ifndef MURMUR_FAMILY_H
#define MURMUR_FAMILY_H

#define MURMUR_USART_BASE 0x40013800u
#define MURMUR_USART_CLOCK_ENABLE (*(volatile uint32_t *)0x40021060u)
#define MURMUR_USART_CLOCK_BIT (1u << 14)
#define MURMUR_UART_GPIO_BASE 0x48000000u
#define MURMUR_UART_GPIO_CLOCK_ENABLE (*(volatile uint32_t *)0x4002104Cu)
#define MURMUR_UART_GPIO_CLOCK_BIT (1u << 0)
#define MURMUR_UART_TX_PIN 9u
#define MURMUR_UART_RX_PIN 10u
#define MURMUR_UART_ALTERNATE 7u

#endif
