/* Raspberry Pi Pico: console on UART0, TX on GP0, 115200 8N1, polled. The 12 MHz crystal
 * oscillator becomes clk_ref, clk_sys and clk_peri (no PLL), so the baud rate is exact. */
#include "micro_port.h"

#define REG(addr) (*(volatile uint32_t *)(addr))
#define CLEAR(addr) REG((addr) + 0x3000u) /* RP2040 atomic bit-clear alias */
#define RESETS_RESET 0x4000C000u
#define RESETS_DONE REG(0x4000C008u)
#define CLK_REF_CTRL REG(0x40008030u)
#define CLK_REF_SELECTED REG(0x40008038u)
#define CLK_PERI_CTRL REG(0x40008048u)
#define XOSC_CTRL REG(0x40024000u)
#define XOSC_STATUS REG(0x40024004u)
#define XOSC_STARTUP REG(0x4002400Cu)
#define GPIO0_CTRL REG(0x40014004u)
#define UART0_DR REG(0x40034000u)
#define UART0_FR REG(0x40034018u)
#define UART0_IBRD REG(0x40034024u)
#define UART0_FBRD REG(0x40034028u)
#define UART0_LCR_H REG(0x4003402Cu)
#define UART0_CR REG(0x40034030u)

#define RESET_IO_BANK0 (1u << 5)
#define RESET_PADS_BANK0 (1u << 8)
#define RESET_UART0 (1u << 22)

void micro_port_init(void)
{
    XOSC_STARTUP = 47u;                   /* ~1 ms at 12 MHz, in units of 256 cycles */
    XOSC_CTRL = (0xFABu << 12) | 0xAA0u;  /* enable, 1-15 MHz range */
    while (!(XOSC_STATUS & (1u << 31))) { /* stable */
    }
    CLK_REF_CTRL = 2u; /* clk_ref = XOSC; clk_sys follows clk_ref after reset */
    while (CLK_REF_SELECTED != (1u << 2)) {
    }
    CLK_PERI_CTRL = 1u << 11; /* enable, source clk_sys */

    const uint32_t blocks = RESET_IO_BANK0 | RESET_PADS_BANK0 | RESET_UART0;
    CLEAR(RESETS_RESET) = blocks;
    while ((RESETS_DONE & blocks) != blocks) {
    }
    GPIO0_CTRL = 2u; /* FUNCSEL: UART0 TX */
    /* 12 MHz / (16 * 115200) = 6.5104: integer 6, fraction round(0.5104 * 64) = 33 */
    UART0_IBRD = 6u;
    UART0_FBRD = 33u;
    UART0_LCR_H = (3u << 5) | (1u << 4); /* 8 bits, FIFOs on (this write latches the divisor) */
    UART0_CR = (1u << 8) | (1u << 0);     /* TXE, UARTEN */
}

void micro_port_write(const char *text, uint32_t size)
{
    for (uint32_t i = 0; i < size; ++i) {
        while (UART0_FR & (1u << 5)) { /* TX FIFO full */
        }
        UART0_DR = (uint8_t)text[i];
    }
    while (UART0_FR & (1u << 3)) { /* busy: the last byte is out */
    }
}
