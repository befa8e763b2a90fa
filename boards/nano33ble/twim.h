/*
 * Nano 33 BLE Sense: I2C master transfers through the nRF52840's TWIM (EasyDMA), for the
 * board's sensors (imu.c) and the camera's SCCB bus (camera.c). Blocking, polled, with a
 * time-out: a missing device is an error, never a hang. UNTESTED ON HARDWARE (README.md).
 */
#ifndef NANO33BLE_TWIM_H
#define NANO33BLE_TWIM_H

#include <stdint.h>

typedef struct {
    uint32_t base;    /* TWIM0 0x40003000 or TWIM1 0x40004000 */
    uint32_t scl_pin; /* PSEL format: pin 0..31 | port << 5 */
    uint32_t sda_pin;
} twim_bus_t;

/* Configure the pins (open drain, pull-up) and enable the bus at 100 kHz. */
void twim_init(const twim_bus_t *bus);
/* Write `size` bytes (at most 16) to 7-bit address `device`: 1 on success. */
int twim_write(const twim_bus_t *bus, uint8_t device, const uint8_t *data, uint32_t size);
/* Write register address `reg`, then read `size` bytes (a repeated start): 1 on success. */
int twim_read(const twim_bus_t *bus, uint8_t device, uint8_t reg, uint8_t *data, uint32_t size);
/* Busy-wait about `us` microseconds at 64 MHz. */
void twim_delay_us(uint32_t us);

#endif
