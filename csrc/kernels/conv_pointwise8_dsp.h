/*
 * CONV_2D's DSP twin on a pointwise layer of K = 8 with 16 or 32 channels out (MobileNets'
 * first pointwise layer; internal to conv_s8_dsp.c). At K = 8 the quads' passes
 * (conv_pointwise_dsp.h) spend more on a quad's constants, requantization and frame than on
 * its 64 multiply-accumulates; here a filter's 4 widened words and its constants stay in
 * registers while a run of pixels streams past it:
 *
 *   per run of up to PW8_PIXELS pixels: each pixel widened once into the run's buffer,
 *     4 words: SXTB16 of its value words 0 and 1 (the quads' pair layout, one pixel)
 *   per channel: filter words (group 0 even, odd, group 1 even, odd) and bias, m2, pn,
 *     zp in registers; per pixel one LDM of its 4 words, 4 SMLAD from the bias, the
 *     pointwise requantization (pw_out: SMMLAR, ADD, SMMLSR, SSAT), one STRB
 *
 * 10 instructions, 15 estimated M4 cycles per output (the quads' passes take about 19 at
 * K = 8), 32 pixels a turn entered part-way for the first (n mod 32). With filter layout 4's
 * records (conv_s8.h) the requantization is SMMLAR by the record's m and c, then SSAT: 8
 * instructions an output. Within a run the
 * outputs go channel by channel; every pixel of the run is read before the first is
 * written, so the overlap rule (conv_s8.c: an output pixel lies below the input of its
 * row and every later row) holds as it does for a pixel pair.
 */
#ifndef MICRO_KERNELS_CONV_POINTWISE8_DSP_H
#define MICRO_KERNELS_CONV_POINTWISE8_DSP_H

#include <stdint.h>

#include "conv_quads_dsp.h"
#include "dsp.h"

/* Pixels a run widens into its buffer (16 bytes each) and the widest layer it takes. */
#define PW8_PIXELS 160
#define PW8_CHANNELS 32

/* Whether a pointwise layer of K = depth, O = depth_out runs here. */
static inline int pw8_applies(int32_t depth, int32_t depth_out)
{
    return depth == 8 && (depth_out == 16 || depth_out == 32);
}

/* A run: n pixels widened at block (4 words each), every channel's output of each. */
typedef struct {
    const uint32_t *block;  /*  0: the run's widened pixels */
    int32_t pixels;         /*  4: n, 1..PW8_PIXELS */
    const int8_t *filter;   /*  8: the first quad's 64 bytes (layout 1, G = 2) */
    int32_t channels;       /* 12: O, 16 or 32 */
    const pw_chan_t *ch;    /* 16: the O channels' constants */
    int8_t *out;            /* 20: pixel 0's output of channel 0 (pixel i's O * i further) */
    int32_t zp;             /* 24: output_zp */
} pw8_run_t;

#if MICRO_DSP && defined(__GNUC__)
/* Widens n >= 1 pixels of 8 values from in on into block, 4 words each: an odd one first,
 * then 2 a turn (4 LDR, the input maybe unaligned; 8 SXTB16 from the last word down so no
 * source is overwritten before it is read; one STM), 13 est. cycles a pixel. */
__attribute__((naked, noinline)) static void pw8_widen(uint32_t *block, const int8_t *in,
                                                       int32_t n)
{
    (void)block;
    (void)in;
    (void)n;
    __asm__ volatile(
        "push {r4-r11}\n\t"
        "lsrs r2, r2, #1\n\t"
        "bcc 1f\n\t"
        "ldr r4, [r1]\n\t"
        "ldr r5, [r1, #4]\n\t"
        "add r1, r1, #8\n\t"
        "sxtb16 r7, r5, ror #8\n\t"
        "sxtb16 r6, r5\n\t"
        "sxtb16 r5, r4, ror #8\n\t"
        "sxtb16 r4, r4\n\t"
        "stm r0!, {r4-r7}\n\t"
        "1:\n\t"
        "cbz r2, 3f\n\t"
        "2:\n\t"
        "ldr r4, [r1]\n\t"
        "ldr r5, [r1, #4]\n\t"
        "ldr r6, [r1, #8]\n\t"
        "ldr r7, [r1, #12]\n\t"
        "add r1, r1, #16\n\t"
        "sxtb16 r11, r7, ror #8\n\t"
        "sxtb16 r10, r7\n\t"
        "sxtb16 r9, r6, ror #8\n\t"
        "sxtb16 r8, r6\n\t"
        "sxtb16 r7, r5, ror #8\n\t"
        "sxtb16 r6, r5\n\t"
        "sxtb16 r5, r4, ror #8\n\t"
        "sxtb16 r4, r4\n\t"
        "stm r0!, {r4-r11}\n\t"
        "subs r2, r2, #1\n\t"
        "bne 2b\n\t"
        "3:\n\t"
        "pop {r4-r11}\n\t"
        "bx lr\n\t");
}
#else
/* Widens n pixels of 8 values from in on into block, 4 words each. */
static void pw8_widen(uint32_t *block, const int8_t *in, int32_t n)
{
    for (int32_t i = 0; i < n; ++i, in += 8, block += 4) {
        const uint32_t v0 = micro_read4(in), v1 = micro_read4(in + 4);
        block[0] = micro_sxtb16(v0);
        block[1] = micro_sxtb16_hi(v0);
        block[2] = micro_sxtb16(v1);
        block[3] = micro_sxtb16_hi(v1);
    }
}
#endif

#if MICRO_DSP && defined(__GNUC__)
/* Pixel: r8 the run's next pixel, r9 its output of the channel; r0-r3 the filter's words,
 * r4 bias, r5 m2, r6 pn, r7 zp. 10 32-bit instructions (40 bytes, the entry's step). */
#define PW8_PIXEL(stride)                      \
    "ldmia.w r8!, {r10, r11, r12, lr}\n\t"     \
    "smlad r10, r10, r0, r4\n\t"               \
    "smlad r10, r11, r1, r10\n\t"              \
    "smlad r10, r12, r2, r10\n\t"              \
    "smlad r10, lr, r3, r10\n\t"               \
    "smmlar r10, r10, r5, r10\n\t"             \
    "add.w r10, r10, r10, asr #31\n\t"         \
    "smmlsr r10, r10, r6, r7\n\t"              \
    "ssat r10, #8, r10\n\t"                    \
    "strb r10, [r9], #" stride "\n\t"

/* The same with filter layout 4's floor records (conv_s8.h): r4 bias', r5 m, r6 c; one
 * SMMLAR and SSAT requantize. 8 32-bit instructions (32 bytes). */
#define PW8_FLOOR_PIXEL(stride)                \
    "ldmia.w r8!, {r10, r11, r12, lr}\n\t"     \
    "smlad r10, r10, r0, r4\n\t"               \
    "smlad r10, r11, r1, r10\n\t"              \
    "smlad r10, r12, r2, r10\n\t"              \
    "smlad r10, lr, r3, r10\n\t"               \
    "smmlar r10, r10, r5, r6\n\t"              \
    "ssat r10, #8, r10\n\t"                    \
    "strb r10, [r9], #" stride "\n\t"

#define PW8_PIXELS_8(PIXEL, stride)                                                \
    PIXEL(stride) PIXEL(stride) PIXEL(stride) PIXEL(stride)                          \
        PIXEL(stride) PIXEL(stride) PIXEL(stride) PIXEL(stride)

/* A run, every channel, outputs `stride` (= O) bytes apart, each pixel PIXEL (`step` bytes
 * of code). Frame, sp-relative bytes:
 *   0 the channel's filter words     4 its constants (pw_chan_t *)   8 its pixel-0 output
 *  12 channels left                 16 the turn's entry (Thumb)     20 the run's end
 *  24 zp                            28 the run's first pixel
 * Channel c's words are at quad c / 4's 4 * (c % 4) + {0, 16, 32, 48}. */
#define PW8_ASM(name, stride, PIXEL, step)                                           \
    __attribute__((naked, noinline)) static void name(const pw8_run_t *a)            \
    {                                                                                \
        (void)a;                                                                     \
        __asm__ volatile(                                                            \
            "push {r0, r4-r11, lr}\n\t"                                              \
            "sub sp, sp, #32\n\t"                                                    \
            "ldm r0, {r1-r7}\n\t"                                                    \
            "str r3, [sp, #0]\n\t"                                                   \
            "str r5, [sp, #4]\n\t"                                                   \
            "str r6, [sp, #8]\n\t"                                                   \
            "str r4, [sp, #12]\n\t"                                                  \
            "add r0, r1, r2, lsl #4\n\t"                                             \
            "str r0, [sp, #20]\n\t"                                                  \
            "str r7, [sp, #24]\n\t"                                                  \
            "str r1, [sp, #28]\n\t"                                                  \
            "rsb r2, r2, #0\n\t"                                                     \
            "and r2, r2, #31\n\t" /* pixels the first turn skips */                 \
            "adr.w r0, 10f\n\t"                                                      \
            "mov r1, #" step "\n\t"                                                  \
            "mla r0, r2, r1, r0\n\t"                                                 \
            "orr r0, r0, #1\n\t"                                                     \
            "str r0, [sp, #16]\n\t"                                                  \
            "2:\n\t" /* a channel: its words and constants, the next one's pointers */ \
            "ldr r12, [sp, #0]\n\t"                                                  \
            "ldr lr, [sp, #4]\n\t"                                                   \
            "ldr r0, [r12]\n\t"                                                      \
            "ldr r1, [r12, #16]\n\t"                                                 \
            "ldr r2, [r12, #32]\n\t"                                                 \
            "ldr r3, [r12, #48]\n\t"                                                 \
            "ldr r4, [lr]\n\t"                                                       \
            "ldr r5, [lr, #4]\n\t"                                                   \
            "ldr r6, [lr, #8]\n\t"                                                   \
            "ldr r7, [sp, #24]\n\t"                                                  \
            "ldr r8, [sp, #28]\n\t"                                                  \
            "ldr r9, [sp, #8]\n\t"                                                   \
            "ldr r10, [sp, #12]\n\t"                                                 \
            "add lr, lr, #12\n\t"                                                    \
            "add r11, r9, #1\n\t"                                                    \
            "str lr, [sp, #4]\n\t"                                                   \
            "str r11, [sp, #8]\n\t"                                                  \
            "subs r10, r10, #1\n\t"                                                  \
            "str r10, [sp, #12]\n\t"                                                 \
            "add r12, r12, #4\n\t"                                                   \
            "tst r10, #3\n\t" /* the next channel starts a quad: 48 more */          \
            "it eq\n\t"                                                              \
            "addeq r12, r12, #48\n\t"                                                \
            "str r12, [sp, #0]\n\t"                                                  \
            "ldr pc, [sp, #16]\n\t"                                                  \
            "10:\n\t" PW8_PIXELS_8(PIXEL, stride) PW8_PIXELS_8(PIXEL, stride)          \
                PW8_PIXELS_8(PIXEL, stride) PW8_PIXELS_8(PIXEL, stride)                \
            "ldr r10, [sp, #20]\n\t"                                                 \
            "cmp r8, r10\n\t"                                                        \
            "bne 10b\n\t"                                                            \
            "ldr r10, [sp, #12]\n\t"                                                 \
            "cmp r10, #0\n\t"                                                        \
            "bne 2b\n\t"                                                             \
            "add sp, sp, #32\n\t"                                                    \
            "pop {r0, r4-r11, pc}\n\t");                                             \
    }

PW8_ASM(pw8_o16_asm, "16", PW8_PIXEL, "40")
PW8_ASM(pw8_o32_asm, "32", PW8_PIXEL, "40")
PW8_ASM(pw8_floor_o16_asm, "16", PW8_FLOOR_PIXEL, "32")
PW8_ASM(pw8_floor_o32_asm, "32", PW8_FLOOR_PIXEL, "32")

#undef PW8_ASM
#undef PW8_PIXELS_8
#undef PW8_PIXEL
#undef PW8_FLOOR_PIXEL

/* A run on the board's loop for its O and requantization (floor: layout 4's records). */
static void pw8_run(const pw8_run_t *a, int floor)
{
    if (floor) {
        (a->channels == 16 ? pw8_floor_o16_asm : pw8_floor_o32_asm)(a);
    } else {
        (a->channels == 16 ? pw8_o16_asm : pw8_o32_asm)(a);
    }
}
#else
/* A run, channel by channel as the loop goes: sums from the bias, requantized by pw_out
 * (floor: by pw_floor_out, the constants layout 4's records). */
static void pw8_run(const pw8_run_t *a, int floor)
{
    const int8_t *w = a->filter;
    for (int32_t c = 0; c < a->channels; ++c) {
        const int8_t *f = w + 64 * (c / 4) + 4 * (c % 4);
        const uint32_t f0 = micro_read4(f), f1 = micro_read4(f + 16);
        const uint32_t f2 = micro_read4(f + 32), f3 = micro_read4(f + 48);
        const pw_chan_t k = a->ch[c];
        const uint32_t *x = a->block;
        int8_t *out = a->out + c;
        for (int32_t i = 0; i < a->pixels; ++i, x += 4, out += a->channels) {
            int32_t s = micro_smlad(x[0], f0, k.bias);
            s = micro_smlad(x[1], f1, s);
            s = micro_smlad(x[2], f2, s);
            s = micro_smlad(x[3], f3, s);
            *out = (int8_t)(floor ? pw_floor_out(s, k.m2, k.pn) : pw_out(s, k.m2, k.pn, a->zp));
        }
    }
}
#endif

/* Every pixel of a layer (`total` of them, its images one after another), run by run: the
 * channels' constants in table (floor: layout 4's records, {bias', m, c} in the entries'
 * places), the run's buffer block (4 * PW8_PIXELS words). Kept out of line so that its
 * caller's other loops compile as they did. */
static MICRO_NOINLINE void pw8_image(const int8_t *input, const int8_t *filter,
                                     const pw_chan_t *table, int floor, uint32_t *block,
                                     int64_t total, int32_t depth_out, int32_t zp,
                                     int8_t *output)
{
    for (int64_t at = 0; at < total; at += PW8_PIXELS) {
        const int32_t n = (int32_t)(total - at < PW8_PIXELS ? total - at : PW8_PIXELS);
        pw8_widen(block, input + at * 8, n);
        const pw8_run_t run = {block, n, filter, depth_out, table, output + at * depth_out, zp};
        pw8_run(&run, floor);
    }
}

#endif
