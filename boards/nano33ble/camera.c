/*
 * Nano 33 BLE Sense on the Tiny Machine Learning Kit's shield: the OV7675 camera as the
 * board's camera (firmware/port/micro_camera.h), for the classify firmware.
 * UNTESTED ON HARDWARE: compiled in CI only; see README.md.
 *
 *   control: SCCB (I2C) at 0x21 on the header's I2C (TWIM0): SDA A4 = P0.31, SCL A5 = P0.02
 *   clock:   XCLK on D9 = P0.27: TIMER1 at 16 MHz clears on CC[0] = 1 and, through PPI,
 *            toggles a GPIOTE task on the pin: an 8 MHz square wave
 *   data:    D0..D7 of the sensor on D10, D1, D0, D2, D3, D5, D6, D4 (P1.02, P1.10, P1.03,
 *            P1.11, P1.12, P1.13, P1.14, P1.15); VSYNC D8 = P0.21, HREF A1 = P0.05, PCLK
 *            A0 = P0.04. Pixels are read by polling PCLK: the sensor's pixel clock is
 *            divided down (CLKRC, COM14) so that a 64 MHz loop keeps up.
 *   format:  QQVGA 160 x 120 (the sensor's DCW down-sampling), YUV 4:2:2 (Y U Y V: luma
 *            at even bytes) for a grayscale model, RGB565 for an RGB one
 *
 * A frame is read row by row; only the rows and columns the model's input needs are kept:
 * the largest centred window of the model's aspect ratio, scaled to its size by nearest
 * neighbour (the host's `micro classify` filters instead; both then use the same pixel
 * table, classify_bundle.c).
 */
#include <stdint.h>

#include "micro_camera.h"
#include "micro_print.h"
#include "twim.h"

#define REG(addr) (*(volatile uint32_t *)(addr))
#define P0_IN REG(0x50000510u)
#define P1_IN REG(0x50000810u)
#define P0_PIN_CNF(n) REG(0x50000700u + 4u * (n))
#define P1_PIN_CNF(n) REG(0x50000A00u + 4u * (n))
#define PIN_CNF_INPUT 0u

/* TIMER1, GPIOTE, PPI: the XCLK square wave */
#define TIMER1 0x40009000u
#define TIMER_START REG(TIMER1 + 0x000u)
#define TIMER_EVENTS_COMPARE0 (TIMER1 + 0x140u)
#define TIMER_SHORTS REG(TIMER1 + 0x200u)
#define TIMER_MODE REG(TIMER1 + 0x504u)
#define TIMER_BITMODE REG(TIMER1 + 0x508u)
#define TIMER_PRESCALER REG(TIMER1 + 0x510u)
#define TIMER_CC0 REG(TIMER1 + 0x540u)
#define GPIOTE_TASKS_OUT0 (0x40006000u + 0x000u)
#define GPIOTE_CONFIG0 REG(0x40006000u + 0x510u)
#define PPI_CHENSET REG(0x4001F504u)
#define PPI_CH0_EEP REG(0x4001F510u)
#define PPI_CH0_TEP REG(0x4001F514u)
#define PIN_XCLK 27u
/* GPIOTE CONFIG: MODE task (3), PSEL, POLARITY toggle (3 << 16), OUTINIT low */
#define GPIOTE_TOGGLE(pin) (3u | ((pin) << 8) | (3u << 16))

#define PIN_VSYNC 21u /* P0 */
#define PIN_HREF 5u   /* P0 */
#define PIN_PCLK 4u   /* P0 */
static const uint8_t data_pins[8] = {2u, 10u, 3u, 11u, 12u, 13u, 14u, 15u}; /* P1, D0..D7 */

#define OV7675 0x21u
#define SENSOR_WIDTH 160u
#define SENSOR_HEIGHT 120u
#define REG_COM7 0x12u
#define COM7_RESET 0x80u
#define REG_PID 0x0Au /* product id, high byte: 0x76 */

static const twim_bus_t sccb = {0x40003000u, 2u, 31u}; /* TWIM0, SCL P0.02, SDA P0.31 */

/* Register set-up (the OV7670/OV7675 family's register map): {register, value}. */
static const uint8_t common[][2] = {
    {0x11, 0x01}, /* CLKRC: internal clock = XCLK / 2 */
    {0x3B, 0x0A}, /* COM11: 50 Hz banding filter, night mode off */
    {0x0C, 0x04}, /* COM3: DCW (down-sampling) enable */
    {0x3E, 0x1A}, /* COM14: manual scaling, PCLK divided by 4 */
    {0x70, 0x3A}, /* SCALING_XSC */
    {0x71, 0x35}, /* SCALING_YSC */
    {0x72, 0x22}, /* SCALING_DCWCTR: down-sample by 4 horizontally and vertically */
    {0x73, 0xF2}, /* SCALING_PCLK_DIV: by 4, to match COM14 */
    {0xA2, 0x02}, /* SCALING_PCLK_DELAY */
    {0x13, 0xE7}, /* COM8: fast AGC/AEC, AGC, AWB, AEC on */
    {0x15, 0x20}, /* COM10: PCLK does not toggle during horizontal blank */
};
static const uint8_t yuv[][2] = {
    {0x12, 0x00}, /* COM7: YUV */
    {0x40, 0xC0}, /* COM15: output range 00..FF */
    {0x3A, 0x04}, /* TSLB: Y U Y V order */
};
static const uint8_t rgb565[][2] = {
    {0x12, 0x04}, /* COM7: RGB */
    {0x40, 0xD0}, /* COM15: RGB565, range 00..FF */
    {0x8C, 0x00}, /* RGB444: off */
};

static struct {
    int ready;
    uint32_t channels; /* the format the sensor is set to: 1 YUV, 3 RGB565 */
    uint32_t frames;
} camera;

static int write_table(const uint8_t (*table)[2], uint32_t n)
{
    for (uint32_t i = 0; i < n; ++i) {
        if (!twim_write(&sccb, OV7675, table[i], 2)) {
            return 0;
        }
    }
    return 1;
}

static void start_xclk(void)
{
    GPIOTE_CONFIG0 = GPIOTE_TOGGLE(PIN_XCLK);
    TIMER_MODE = 0;      /* timer */
    TIMER_BITMODE = 0;   /* 16 bit */
    TIMER_PRESCALER = 0; /* 16 MHz */
    TIMER_CC0 = 1;
    TIMER_SHORTS = 1u;   /* COMPARE0 -> CLEAR */
    PPI_CH0_EEP = TIMER_EVENTS_COMPARE0;
    PPI_CH0_TEP = GPIOTE_TASKS_OUT0;
    PPI_CHENSET = 1u;
    TIMER_START = 1;
}

static int start(uint32_t channels)
{
    P0_PIN_CNF(PIN_VSYNC) = PIN_CNF_INPUT;
    P0_PIN_CNF(PIN_HREF) = PIN_CNF_INPUT;
    P0_PIN_CNF(PIN_PCLK) = PIN_CNF_INPUT;
    for (uint32_t i = 0; i < 8u; ++i) {
        P1_PIN_CNF(data_pins[i]) = PIN_CNF_INPUT;
    }
    start_xclk();
    twim_delay_us(10000);
    twim_init(&sccb);
    uint8_t pid = 0;
    const uint8_t reset[2] = {REG_COM7, COM7_RESET};
    if (!twim_read(&sccb, OV7675, REG_PID, &pid, 1) || pid != 0x76u ||
        !twim_write(&sccb, OV7675, reset, 2)) {
        micro_put("camera: no OV7675 answers at 0x21\n");
        return 0;
    }
    twim_delay_us(10000);
    const int ok = channels == 1u ? write_table(yuv, sizeof yuv / sizeof yuv[0])
                                  : write_table(rgb565, sizeof rgb565 / sizeof rgb565[0]);
    return ok && write_table(common, sizeof common / sizeof common[0]);
}

static uint8_t read_byte(void)
{
    while (P0_IN & (1u << PIN_PCLK)) { /* wait for PCLK low, then the rising edge */
    }
    while (!(P0_IN & (1u << PIN_PCLK))) {
    }
    const uint32_t in = P1_IN;
    uint8_t value = 0;
    for (uint32_t bit = 0; bit < 8u; ++bit) {
        value = (uint8_t)(value | ((in >> data_pins[bit]) & 1u) << bit);
    }
    return value;
}

/* Capture one frame, keeping the pixels `format` needs. */
static void capture(const micro_camera_format_t *format, uint8_t *pixels)
{
    /* the largest centred window of the model's aspect ratio */
    uint32_t crop_w = SENSOR_WIDTH, crop_h = SENSOR_HEIGHT;
    if (SENSOR_WIDTH * format->height > SENSOR_HEIGHT * format->width) {
        crop_w = SENSOR_HEIGHT * format->width / format->height;
    } else {
        crop_h = SENSOR_WIDTH * format->height / format->width;
    }
    const uint32_t x0 = (SENSOR_WIDTH - crop_w) / 2u, y0 = (SENSOR_HEIGHT - crop_h) / 2u;
    while (!(P0_IN & (1u << PIN_VSYNC))) { /* the end of the frame being sent */
    }
    while (P0_IN & (1u << PIN_VSYNC)) {
    }
    uint32_t out_row = 0;
    for (uint32_t y = 0; y < SENSOR_HEIGHT; ++y) {
        while (!(P0_IN & (1u << PIN_HREF))) {
        }
        /* the output row this sensor row becomes, if any (nearest neighbour) */
        const uint32_t want = y0 + (2u * out_row + 1u) * crop_h / (2u * format->height);
        const int keep = out_row < format->height && y == want;
        uint32_t out_col = 0;
        for (uint32_t x = 0; x < SENSOR_WIDTH; ++x) {
            const uint8_t first = read_byte(), second = read_byte();
            const uint32_t col = x0 + (2u * out_col + 1u) * crop_w / (2u * format->width);
            if (!keep || out_col >= format->width || x != col) {
                continue;
            }
            uint8_t *p = pixels + (out_row * format->width + out_col) * format->channels;
            if (format->channels == 1u) {
                p[0] = first; /* Y of Y U Y V */
            } else {          /* RGB565, high byte first, each channel widened to 8 bits */
                const uint32_t v = (uint32_t)first << 8 | second;
                p[0] = (uint8_t)((v >> 11) << 3 | (v >> 13));
                p[1] = (uint8_t)(((v >> 5) & 63u) << 2 | ((v >> 9) & 3u));
                p[2] = (uint8_t)((v & 31u) << 3 | ((v >> 2) & 7u));
            }
            ++out_col;
        }
        if (keep) {
            ++out_row;
        }
        while (P0_IN & (1u << PIN_HREF)) {
        }
    }
}

int micro_camera_frame(uint32_t index, const micro_camera_format_t *format, uint8_t *pixels,
                       char *name, uint32_t name_size)
{
    static const char sensor[] = "ov7675";
    if (!camera.ready || camera.channels != format->channels) {
        camera.ready = start(format->channels);
        camera.channels = format->channels;
        if (!camera.ready) {
            return -1;
        }
    }
    uint32_t k = 0;
    for (; name_size > 0 && k < name_size - 1 && k < sizeof sensor - 1; ++k) {
        name[k] = sensor[k];
    }
    if (name_size > 0) {
        name[k] = '\0';
    }
    (void)index;
    capture(format, pixels);
    ++camera.frames;
    return 1;
}

/* Row by row (a streamed model input): refused. The sensor pushes its rows at its own pixel
 * clock, with no way to hold one until the model asks for it, so rows would be lost between
 * strips; `micro classify --board nano33ble` runs a resident plan (whole frames) instead. */
int micro_camera_open(uint32_t index, const micro_camera_format_t *format, char *name,
                      uint32_t name_size)
{
    (void)index;
    (void)format;
    (void)name;
    (void)name_size;
    micro_put("camera: the OV7675 driver captures whole frames, not rows on demand\n");
    return -1;
}

int micro_camera_rows(uint8_t *pixels, uint32_t n_rows)
{
    (void)pixels;
    (void)n_rows;
    return -1;
}

int micro_camera_close(void)
{
    return -1;
}
