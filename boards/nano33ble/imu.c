/*
 * Nano 33 BLE Sense (Rev1): the LSM9DS1's accelerometer as the board's IMU
 * (firmware/port/micro_imu.h), for the gesture firmware. UNTESTED ON HARDWARE: compiled in
 * CI only; see README.md.
 *
 *   bus:    the board's internal I2C (TWIM1): SDA P0.14, SCL P0.15; the sensors' supply
 *           (VDD_ENV, P0.22) and the bus pull-ups (R_PULLUP, P1.00) are driven high first
 *   device: accelerometer/gyroscope at 0x6B, WHO_AM_I (0x0F) = 0x68
 *   set-up: CTRL_REG8 (0x22) software reset; CTRL_REG1_G (0x10) = 0: gyroscope off, so the
 *           accelerometer runs alone at CTRL_REG6_XL's rate; CTRL_REG6_XL (0x20) = 0x50:
 *           ODR 50 Hz (010), +-4 g (FS_XL 10: 0.122 mg a count, the 1/8192 g of
 *           micro_imu.h), bandwidth from the ODR
 *   read:   poll STATUS_REG (0x27) XLDA (bit 0), read OUT_X_L_XL (0x28) .. 0x2D (auto-
 *           increment); two 50 Hz samples are averaged into one at 25 Hz
 *
 * The Rev2 board has a BMI270 instead (at 0x68); this driver finds no LSM9DS1 there and
 * says so.
 */
#include <stdint.h>

#include "micro_imu.h"
#include "micro_print.h"
#include "twim.h"

#define REG(addr) (*(volatile uint32_t *)(addr))
#define P0_OUTSET REG(0x50000508u)
#define P0_PIN_CNF(n) REG(0x50000700u + 4u * (n))
#define P1_OUTSET REG(0x50000808u) /* P1 at 0x50000300, OUTSET at +0x508 */
#define P1_PIN_CNF(n) REG(0x50000A00u + 4u * (n)) /* P1 PIN_CNF at +0x700 */
#define PIN_CNF_OUTPUT_H0H1 (1u | (3u << 8)) /* output, high drive */

#define LSM9DS1_AG 0x6Bu
#define WHO_AM_I 0x0Fu
#define WHO_AM_I_AG 0x68u
#define CTRL_REG1_G 0x10u
#define CTRL_REG6_XL 0x20u
#define CTRL_REG8 0x22u
#define STATUS_REG 0x27u
#define OUT_X_L_XL 0x28u
#define XL_50HZ_4G 0x50u
#define SW_RESET_IF_ADD_INC 0x05u
#define XLDA 1u

static const twim_bus_t bus = {0x40004000u, 15u, 14u}; /* TWIM1, SCL P0.15, SDA P0.14 */

static struct {
    int ready;
    int open;
} imu;

static int write_reg(uint8_t reg, uint8_t value)
{
    const uint8_t data[2] = {reg, value};
    return twim_write(&bus, LSM9DS1_AG, data, 2);
}

static int start(void)
{
    P0_PIN_CNF(22) = PIN_CNF_OUTPUT_H0H1; /* VDD_ENV: the sensors' supply */
    P0_OUTSET = 1u << 22;
    P1_PIN_CNF(0) = PIN_CNF_OUTPUT_H0H1; /* R_PULLUP: the I2C pull-ups' supply */
    P1_OUTSET = 1u << 0;
    twim_delay_us(10000);
    twim_init(&bus);
    uint8_t who = 0;
    if (!twim_read(&bus, LSM9DS1_AG, WHO_AM_I, &who, 1) || who != WHO_AM_I_AG) {
        micro_put("imu: no LSM9DS1 at 0x6B (a Rev2 board has a BMI270, not supported)\n");
        return 0;
    }
    if (!write_reg(CTRL_REG8, SW_RESET_IF_ADD_INC)) {
        return 0;
    }
    twim_delay_us(10000);
    return write_reg(CTRL_REG1_G, 0) && write_reg(CTRL_REG6_XL, XL_50HZ_4G);
}

int micro_imu_open(uint32_t index, char *name, uint32_t size)
{
    static const char sensor[] = "lsm9ds1";
    if (index > 0) {
        return 0; /* one endless stream */
    }
    uint32_t k = 0;
    for (; size > 0 && k < size - 1 && k < sizeof sensor - 1; ++k) {
        name[k] = sensor[k];
    }
    if (size > 0) {
        name[k] = '\0';
    }
    if (!imu.ready) {
        imu.ready = start();
        if (!imu.ready) {
            return -1;
        }
    }
    imu.open = 1;
    return 1;
}

/* The next 50 Hz sample: 1 if read. */
static int sample(int16_t xyz[3])
{
    uint8_t status = 0;
    do {
        if (!twim_read(&bus, LSM9DS1_AG, STATUS_REG, &status, 1)) {
            return 0;
        }
    } while (!(status & XLDA));
    uint8_t raw[6];
    if (!twim_read(&bus, LSM9DS1_AG, OUT_X_L_XL, raw, sizeof raw)) {
        return 0;
    }
    for (uint32_t axis = 0; axis < 3u; ++axis) {
        xyz[axis] = (int16_t)(uint16_t)(raw[2u * axis] | raw[2u * axis + 1u] << 8);
    }
    return 1;
}

uint32_t micro_imu_read(int16_t *xyz, uint32_t count)
{
    uint32_t n = 0;
    for (; imu.open && n < count; ++n) {
        int16_t a[3], b[3];
        if (!sample(a) || !sample(b)) {
            micro_put("imu: read failed\n");
            break;
        }
        for (uint32_t axis = 0; axis < 3u; ++axis) { /* the mean, rounded half up */
            xyz[3u * n + axis] = (int16_t)(((int32_t)a[axis] + b[axis] + 1) >> 1);
        }
    }
    return n;
}

void micro_imu_close(void)
{
    imu.open = 0;
}
