/*
 * I2C master over the nRF52840's TWIM peripheral (product specification, TWIM chapter).
 * A write: TXD points at a RAM copy of the bytes (EasyDMA cannot read flash), the LASTTX ->
 * STOP shortcut ends it. A register read: one TX byte, then LASTTX -> STARTRX (a repeated
 * start) and LASTRX -> STOP. Each transfer waits for STOPPED, or ERROR (a NACK: no device),
 * with a time-out. UNTESTED ON HARDWARE: compiled in CI only (README.md).
 */
#include "twim.h"

#include <string.h>

#define REG(addr) (*(volatile uint32_t *)(addr))

#define TASKS_STARTRX 0x000u
#define TASKS_STARTTX 0x008u
#define TASKS_STOP 0x014u
#define EVENTS_STOPPED 0x104u
#define EVENTS_ERROR 0x124u
#define EVENTS_LASTRX 0x15Cu
#define EVENTS_LASTTX 0x160u
#define SHORTS 0x200u
#define ERRORSRC 0x4C4u
#define ENABLE 0x500u
#define PSEL_SCL 0x508u
#define PSEL_SDA 0x50Cu
#define FREQUENCY 0x524u
#define RXD_PTR 0x534u
#define RXD_MAXCNT 0x538u
#define TXD_PTR 0x544u
#define TXD_MAXCNT 0x548u
#define ADDRESS 0x588u

#define SHORT_LASTTX_STARTRX (1u << 7)
#define SHORT_LASTTX_STOP (1u << 9)
#define SHORT_LASTRX_STOP (1u << 12)
#define ENABLE_TWIM 6u
#define FREQUENCY_K100 0x01980000u

#define GPIO_PORT(pin) ((pin) >> 5 ? 0x50000300u : 0x50000000u)
#define PIN_CNF(pin) REG(GPIO_PORT(pin) + 0x700u + 4u * ((pin) & 31u))
/* input buffer connected, pull-up, drive S0D1 (open drain) */
#define PIN_CNF_I2C ((3u << 2) | (6u << 8))

#define TIMEOUT_US 5000u /* a byte takes 90 us at 100 kHz */

void twim_delay_us(uint32_t us)
{
    for (volatile uint32_t n = us * 16u; n > 0; --n) { /* ~4 cycles an iteration */
    }
}

void twim_init(const twim_bus_t *bus)
{
    PIN_CNF(bus->scl_pin) = PIN_CNF_I2C;
    PIN_CNF(bus->sda_pin) = PIN_CNF_I2C;
    REG(bus->base + ENABLE) = 0;
    REG(bus->base + PSEL_SCL) = bus->scl_pin;
    REG(bus->base + PSEL_SDA) = bus->sda_pin;
    REG(bus->base + FREQUENCY) = FREQUENCY_K100;
    REG(bus->base + ENABLE) = ENABLE_TWIM;
}

/* Start the prepared transfer and wait for its end: 1 if it stopped without an error. */
static int run(const twim_bus_t *bus, uint8_t device, uint32_t shorts)
{
    const uint32_t b = bus->base;
    REG(b + ADDRESS) = device;
    REG(b + SHORTS) = shorts;
    REG(b + EVENTS_STOPPED) = 0;
    REG(b + EVENTS_ERROR) = 0;
    REG(b + EVENTS_LASTTX) = 0;
    REG(b + EVENTS_LASTRX) = 0;
    REG(b + ERRORSRC) = 7u; /* write 1 to clear */
    REG(b + TASKS_STARTTX) = 1;
    uint32_t waited = 0;
    while (!REG(b + EVENTS_STOPPED)) {
        if (REG(b + EVENTS_ERROR) || waited++ >= TIMEOUT_US) {
            REG(b + EVENTS_ERROR) = 0;
            REG(b + TASKS_STOP) = 1;
            for (uint32_t n = 0; n < 1000u && !REG(b + EVENTS_STOPPED); ++n) {
                twim_delay_us(1);
            }
            return 0;
        }
        twim_delay_us(1);
    }
    return REG(b + ERRORSRC) == 0;
}

int twim_write(const twim_bus_t *bus, uint8_t device, const uint8_t *data, uint32_t size)
{
    uint8_t ram[16];
    if (size == 0 || size > sizeof ram) {
        return 0;
    }
    memcpy(ram, data, size);
    REG(bus->base + TXD_PTR) = (uint32_t)(uintptr_t)ram;
    REG(bus->base + TXD_MAXCNT) = size;
    return run(bus, device, SHORT_LASTTX_STOP);
}

int twim_read(const twim_bus_t *bus, uint8_t device, uint8_t reg, uint8_t *data, uint32_t size)
{
    uint8_t address = reg;
    REG(bus->base + TXD_PTR) = (uint32_t)(uintptr_t)&address;
    REG(bus->base + TXD_MAXCNT) = 1;
    REG(bus->base + RXD_PTR) = (uint32_t)(uintptr_t)data; /* must be RAM */
    REG(bus->base + RXD_MAXCNT) = size;
    return run(bus, device, SHORT_LASTTX_STARTRX | SHORT_LASTRX_STOP);
}
