/* Nano 33 BLE Sense: console on the nRF52840's UART0, TX on P1.03 (the board's TX pin),
 * 115200 8N1, polled. The CPU runs at 64 MHz from reset; the UART's clock is the internal
 * HF oscillator, accurate enough for 115200 baud. */
#include "micro_port.h"

#define REG(addr) (*(volatile uint32_t *)(addr))
#define P1_OUTSET REG(0x50000808u)
#define P1_DIRSET REG(0x50000818u)
#define UART0 0x40002000u
#define UART_STARTTX REG(UART0 + 0x008u)
#define UART_TXDRDY REG(UART0 + 0x11Cu)
#define UART_ENABLE REG(UART0 + 0x500u)
#define UART_PSEL_TXD REG(UART0 + 0x50Cu)
#define UART_TXD REG(UART0 + 0x51Cu)
#define UART_BAUDRATE REG(UART0 + 0x524u)

#define NVMC_ICACHECNF REG(0x4001E540u)
#define ICACHECNF_CACHEEN 1u

#define TX_PIN 3u               /* P1.03 */
#define PSEL_PORT1 (1u << 5)
#define BAUD_115200 0x01D7E000u

void micro_port_init(void)
{
    NVMC_ICACHECNF = ICACHECNF_CACHEEN; /* the flash's instruction cache is off at reset */
    P1_OUTSET = 1u << TX_PIN; /* idle high before the UART takes the pin */
    P1_DIRSET = 1u << TX_PIN;
    UART_PSEL_TXD = PSEL_PORT1 | TX_PIN;
    UART_BAUDRATE = BAUD_115200;
    UART_ENABLE = 4u;
    UART_STARTTX = 1u;
}

void micro_port_write(const char *text, uint32_t size)
{
    for (uint32_t i = 0; i < size; ++i) {
        UART_TXDRDY = 0u;
        UART_TXD = (uint8_t)text[i];
        while (UART_TXDRDY == 0u) {
        }
    }
}
