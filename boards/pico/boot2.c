/*
 * RP2040 second-stage bootloader (boot2), the first 256 bytes of flash. The boot ROM copies
 * them to SRAM, checks the CRC-32 in the last 4 bytes (written after linking by image.py)
 * and runs them. This one sets the flash interface (XIP SSI) to plain 03h serial reads,
 * which every flash chip supports (slower than quad modes), then starts the application
 * at the vector table following it. It runs from SRAM: no absolute address of its own.
 */
#include <stdint.h>

#define REG(addr) (*(volatile uint32_t *)(addr))
#define SSI_CTRLR0 REG(0x18000000u)
#define SSI_CTRLR1 REG(0x18000004u)
#define SSI_SSIENR REG(0x18000008u)
#define SSI_BAUDR REG(0x18000014u)
#define SSI_SPI_CTRLR0 REG(0x180000F4u)
#define SCB_VTOR REG(0xE000ED08u)
#define APP_VECTORS 0x10000100u

__attribute__((section(".boot2"), used, noreturn)) void micro_boot2(void)
{
    SSI_SSIENR = 0u;
    SSI_BAUDR = 4u;                          /* SCK = clk_sys / 4 */
    SSI_CTRLR0 = (31u << 16) | (3u << 8);    /* 32-bit frames, EEPROM-read mode */
    SSI_CTRLR1 = 0u;                         /* one frame per XIP access */
    SSI_SPI_CTRLR0 = (0x03u << 24) | (2u << 8) | (6u << 2); /* cmd 03h, 8-bit cmd, 24-bit addr */
    SSI_SSIENR = 1u;
    SCB_VTOR = APP_VECTORS;
    __asm__ volatile("msr msp, %0\n\tbx %1"
                     :
                     : "r"(REG(APP_VECTORS)), "r"(REG(APP_VECTORS + 4u))
                     : "memory");
    for (;;) {
    }
}
