/*
 * Nano 33 BLE Sense: its PDM microphone (MP34DT05, or MP34DT06J on Rev2) through the
 * nRF52840's PDM peripheral, as the board's audio input (firmware/port/micro_audio.h).
 * UNTESTED ON HARDWARE: compiled in CI only; see README.md.
 *
 *   pins (Arduino's variant): power P0.17 (driven high), CLK P0.26, DIN P0.25
 *   clock: PDMCLKCTRL 1.280 MHz with RATIO 80 = 16.000 kHz exactly (the setting Arduino's
 *          own PDM library uses for 16 kHz on this chip; the default 1.032 MHz with ratio 64
 *          would give 16.125 kHz, 0.8% fast, the only choice on the nRF52832, which has no
 *          RATIO register)
 *   mode:  mono, left channel sampled on the falling clock edge; gain 0 dB (GAINL = 0x28)
 *
 * EasyDMA fills a ring of BLOCKS blocks of 20 ms. SAMPLE.PTR is double-buffered: on each
 * STARTED event (the DMA has begun a block, with the address it was given) the interrupt
 * handler gives it the address of the block after, so the transfer never stops. A block is
 * complete when the block after it starts. The ring absorbs a step that takes longer than
 * 20 ms (a model run), up to (BLOCKS - 2) x 20 ms, as long as the pipeline keeps up on
 * average (board.json: micro.audio_buffer_ms); if it falls further behind, the oldest
 * audio is dropped and a line says so.
 *
 * startup.c enables no interrupt and its vector table holds the core exceptions only: this
 * file copies it into a RAM table with room for the nRF52840's 48 interrupts, adds its
 * handler, points VTOR there and enables the PDM interrupt (IRQ 29) in the NVIC.
 */
#include <stdint.h>
#include <string.h>

#include "micro_audio.h"
#include "micro_port.h"

#define REG(addr) (*(volatile uint32_t *)(addr))

/* CLOCK: the 64 MHz crystal oscillator (the PDM clock derives from HFCLK) */
#define CLOCK_TASKS_HFCLKSTART REG(0x40000000u)
#define CLOCK_EVENTS_HFCLKSTARTED REG(0x40000100u)

/* GPIO port 0 */
#define P0_OUTSET REG(0x50000508u)
#define P0_OUTCLR REG(0x5000050Cu)
#define P0_PIN_CNF(n) REG(0x50000700u + 4u * (n))
#define PIN_CNF_OUTPUT 1u                /* DIR output, input buffer connected */
#define PIN_CNF_INPUT 0u                 /* DIR input, input buffer connected, no pull */
#define PIN_CNF_INPUT_DISCONNECT (1u << 1)
#define PIN_CNF_DRIVE_H0H1 (3u << 8)     /* high drive '0' and '1' */
#define PIN_POWER 17u
#define PIN_CLK 26u
#define PIN_DIN 25u

/* PDM, nRF52840 product specification, section PDM */
#define PDM 0x4001D000u
#define PDM_TASKS_START REG(PDM + 0x000u)
#define PDM_TASKS_STOP REG(PDM + 0x004u)
#define PDM_EVENTS_STARTED REG(PDM + 0x100u)
#define PDM_EVENTS_STOPPED REG(PDM + 0x104u)
#define PDM_EVENTS_END REG(PDM + 0x108u)
#define PDM_INTENSET REG(PDM + 0x304u)
#define PDM_INTENCLR REG(PDM + 0x308u)
#define PDM_ENABLE REG(PDM + 0x500u)
#define PDM_PDMCLKCTRL REG(PDM + 0x504u)
#define PDM_MODE REG(PDM + 0x508u)
#define PDM_GAINL REG(PDM + 0x518u)
#define PDM_GAINR REG(PDM + 0x51Cu)
#define PDM_RATIO REG(PDM + 0x520u)
#define PDM_PSEL_CLK REG(PDM + 0x540u)
#define PDM_PSEL_DIN REG(PDM + 0x544u)
#define PDM_SAMPLE_PTR REG(PDM + 0x560u)
#define PDM_SAMPLE_MAXCNT REG(PDM + 0x564u) /* in 16-bit samples; at most 0x7FFF */
#define PDM_INT_STARTED 1u                  /* INTENSET bit 0 */
#define PDM_CLK_1280K 0x0A000000u
#define PDM_RATIO_80 1u
#define PDM_MODE_MONO_LEFT_FALLING 1u       /* OPERATION = Mono (bit 0), EDGE = LeftFalling */
#define PDM_GAIN_0DB 0x28u                  /* 0x00 = -20 dB ... 0x50 = +20 dB, 0.5 dB steps */
#define PDM_IRQ 29u

/* Cortex-M4 system registers */
#define SCB_VTOR REG(0xE000ED08u)
#define NVIC_ISER0 REG(0xE000E100u)
#define NVIC_ICER0 REG(0xE000E180u)
#define N_VECTORS (16u + 48u)

#define BLOCK 320u  /* samples: 20 ms, one step */
#define BLOCKS 16u  /* 320 ms in flight: a step may take 280 ms if the average keeps up */
#define SETTLE 5u   /* blocks dropped after start: microphone power-up, decimation filter */

typedef void (*vector_t)(void);
extern const vector_t micro_vectors[16]; /* firmware/port/startup.c */
void micro_default_handler(void);

static struct {
    int16_t blocks[BLOCKS][BLOCK];
    volatile uint32_t started; /* STARTED events so far: blocks 0 .. started - 2 are complete */
    uint32_t consumed;         /* blocks handed out (or dropped); all counts modulo 2^32,
                                * block k lives in blocks[k % BLOCKS] */
    uint32_t offset;           /* samples of block `consumed` already handed out */
    uint32_t running;
} mic;

/* The RAM vector table: VTOR needs it aligned to its size rounded up to a power of two. */
static vector_t vectors[N_VECTORS] __attribute__((aligned(256)));

static void pdm_handler(void)
{
    if (PDM_EVENTS_STARTED != 0u) {
        PDM_EVENTS_STARTED = 0u;
        (void)PDM_EVENTS_STARTED; /* read back: the clear lands before the handler returns */
        const uint32_t started = mic.started + 1u;
        /* The DMA now fills block (started - 1) % BLOCKS; queue the one after it. */
        PDM_SAMPLE_PTR = (uint32_t)(uintptr_t)mic.blocks[started % BLOCKS];
        mic.started = started;
    }
}

static void say(const char *text)
{
    micro_port_write(text, (uint32_t)strlen(text));
}

static void start(void)
{
    CLOCK_EVENTS_HFCLKSTARTED = 0u;
    CLOCK_TASKS_HFCLKSTART = 1u;
    while (CLOCK_EVENTS_HFCLKSTARTED == 0u) {
    }

    P0_PIN_CNF(PIN_POWER) = PIN_CNF_OUTPUT | PIN_CNF_INPUT_DISCONNECT | PIN_CNF_DRIVE_H0H1;
    P0_OUTSET = 1u << PIN_POWER;
    P0_OUTCLR = 1u << PIN_CLK; /* the clock idles low until the PDM drives it */
    P0_PIN_CNF(PIN_CLK) = PIN_CNF_OUTPUT | PIN_CNF_INPUT_DISCONNECT;
    P0_PIN_CNF(PIN_DIN) = PIN_CNF_INPUT;

    PDM_PSEL_CLK = PIN_CLK; /* port 0, CONNECT (bit 31) = 0: connected */
    PDM_PSEL_DIN = PIN_DIN;
    PDM_PDMCLKCTRL = PDM_CLK_1280K;
    PDM_RATIO = PDM_RATIO_80;
    PDM_MODE = PDM_MODE_MONO_LEFT_FALLING;
    PDM_GAINL = PDM_GAIN_0DB;
    PDM_GAINR = PDM_GAIN_0DB;
    PDM_SAMPLE_PTR = (uint32_t)(uintptr_t)mic.blocks[0];
    PDM_SAMPLE_MAXCNT = BLOCK;

    for (uint32_t i = 0; i < N_VECTORS; ++i) {
        vectors[i] = i < 16u ? micro_vectors[i] : micro_default_handler;
    }
    vectors[16u + PDM_IRQ] = pdm_handler;
    __asm__ volatile("dsb" ::: "memory");
    SCB_VTOR = (uint32_t)(uintptr_t)vectors;
    __asm__ volatile("dsb\n\tisb" ::: "memory");

    mic.started = 0u;
    mic.consumed = SETTLE;
    mic.offset = 0u;
    PDM_EVENTS_STARTED = 0u;
    PDM_EVENTS_STOPPED = 0u;
    PDM_EVENTS_END = 0u;
    PDM_INTENSET = PDM_INT_STARTED;
    NVIC_ISER0 = 1u << PDM_IRQ;
    __asm__ volatile("cpsie i" ::: "memory");
    PDM_ENABLE = 1u;
    PDM_TASKS_START = 1u;
    mic.running = 1u;
}

int micro_audio_open(uint32_t index, char *name, uint32_t size)
{
    static const char label[] = "microphone";
    if (index != 0u) {
        return 0;
    }
    uint32_t i = 0;
    for (; i + 1u < size && label[i] != '\0'; ++i) {
        name[i] = label[i];
    }
    if (size > 0u) {
        name[i] = '\0';
    }
    if (!mic.running) {
        start();
    }
    return 1;
}

uint32_t micro_audio_read(int16_t *samples, uint32_t count)
{
    uint32_t done = 0;
    while (done < count) {
        /* Block `consumed` % BLOCKS is complete once the DMA has started the block after. */
        while ((int32_t)(mic.started - mic.consumed - 2u) < 0) {
            __asm__ volatile("wfi"); /* the PDM interrupt wakes the core every 20 ms */
        }
        __asm__ volatile("dmb" ::: "memory"); /* read the block after seeing the count */
        const uint32_t complete = mic.started - 1u;
        if (complete - mic.consumed > BLOCKS - 2u) {
            /* So far behind that the DMA is about to overwrite the next unread block:
             * skip to the newest complete one. */
            say("audio: dropped ");
            char digits[12];
            uint32_t n = sizeof digits, lost = (complete - 1u - mic.consumed) * 20u;
            do {
                digits[--n] = (char)('0' + lost % 10u);
                lost /= 10u;
            } while (lost != 0u);
            micro_port_write(digits + n, sizeof digits - n);
            say(" ms (the pipeline fell behind)\n");
            mic.consumed = complete - 1u;
            mic.offset = 0u;
        }
        const int16_t *block = mic.blocks[mic.consumed % BLOCKS];
        uint32_t n = BLOCK - mic.offset;
        n = n < count - done ? n : count - done;
        memcpy(samples + done, block + mic.offset, n * sizeof *samples);
        done += n;
        mic.offset += n;
        if (mic.offset == BLOCK) {
            mic.offset = 0u;
            ++mic.consumed;
        }
    }
    return done;
}

void micro_audio_close(void)
{
    if (mic.running) {
        NVIC_ICER0 = 1u << PDM_IRQ;
        PDM_INTENCLR = PDM_INT_STARTED;
        PDM_TASKS_STOP = 1u;
        while (PDM_EVENTS_STOPPED == 0u) {
        }
        PDM_ENABLE = 0u;
        P0_OUTCLR = 1u << PIN_POWER;
        mic.running = 0u;
    }
}
