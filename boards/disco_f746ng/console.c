/* STM32F746G-DISCO: console on USART1, TX on PA9, which the on-board ST-LINK exposes as a
 * USB virtual COM port; 115200 8N1, polled. Clocks stay at reset: 16 MHz HSI, no PLL, so
 * cycle counts are cycles but wall time is long. The instruction cache is switched on. */
#include "micro_port.h"

#define REG(addr) (*(volatile uint32_t *)(addr))
#define RCC_AHB1ENR REG(0x40023830u)
#define RCC_APB2ENR REG(0x40023844u)
#define GPIOA_MODER REG(0x40020000u)
#define GPIOA_AFRH REG(0x40020024u)
#define USART1_CR1 REG(0x40011000u)
#define USART1_BRR REG(0x4001100Cu)
#define USART1_ISR REG(0x4001101Cu)
#define USART1_TDR REG(0x40011028u)
#define SCB_ICIALLU REG(0xE000EF50u)
#define SCB_CCR REG(0xE000ED14u)

#define HSI_HZ 16000000u
#define BAUD 115200u

void micro_port_init(void)
{
    SCB_ICIALLU = 0u;
    __asm__ volatile("dsb\n\tisb" ::: "memory");
    SCB_CCR |= 1u << 17; /* IC: instruction cache on */
    __asm__ volatile("dsb\n\tisb" ::: "memory");

    RCC_AHB1ENR |= 1u << 0; /* GPIOA */
    RCC_APB2ENR |= 1u << 4; /* USART1 */
    (void)RCC_APB2ENR;      /* the enable takes effect before the first access */
    GPIOA_MODER = (GPIOA_MODER & ~(3u << 18)) | (2u << 18); /* PA9: alternate function */
    GPIOA_AFRH = (GPIOA_AFRH & ~(15u << 4)) | (7u << 4);     /* AF7 = USART1_TX */
    USART1_BRR = (HSI_HZ + BAUD / 2u) / BAUD;
    USART1_CR1 = (1u << 3) | (1u << 0); /* TE, UE */
}

void micro_port_write(const char *text, uint32_t size)
{
    for (uint32_t i = 0; i < size; ++i) {
        while (!(USART1_ISR & (1u << 7))) { /* TXE */
        }
        USART1_TDR = (uint8_t)text[i];
    }
    while (!(USART1_ISR & (1u << 6))) { /* TC: the last byte is out */
    }
}
