/*
 * CONV_2D's DSP twin on a 1x1 convolution of a 1x1 image (a classifier's head, e.g.
 * person_detect's 256 -> 2 after its average pool; internal to conv_s8_dsp.c). Such a call
 * is a matrix-vector product per batch: output o = requant_o(bias[o] + the dot of the
 * pixel's K values with filter row o). At a few hundred multiply-accumulates the general
 * path's fixed cost (the path's tests, a channel table, the pixel widened twice into the
 * scratch, the pair pass's frame) outweighs the dot itself, so this one runs straight from
 * the int8 pixel and the int8 filter rows (layout 0), no scratch, no table:
 *
 *   per pair of channels, per 8 values: the pixel's 2 words and each row's 2 words loaded,
 *   each word's two SXTB16 halves (even values, odd values), 8 SMLAD from the biases;
 *   the last 4 values, then the last 1-3 (the pixel's bytes read alone, zero past K: the
 *   rows are zero there already, padded to MICRO_CONV_S8_K_ALIGN);
 *   each sum requantized the pointwise way (pw_out), constants made per channel.
 *
 * An odd last channel runs alone. Sums wrap modulo 2^32 as the reference's do, so the
 * order changes no bit.
 */
#ifndef MICRO_KERNELS_CONV_HEAD_DSP_H
#define MICRO_KERNELS_CONV_HEAD_DSP_H

#include <stdint.h>
#include <string.h>

#include "conv_quads_dsp.h"
#include "dsp.h"
#include "micro/kernels/conv_s8.h"

/* Whether a call is a 1x1 convolution of a 1x1 image on filter layout 0 with one group:
 * each output pixel's window is its batch's one pixel (no padding, so stride and dilation
 * do not matter). The requantization's test (fast_ok) is the caller's. */
static MICRO_ALWAYS_INLINE int head_applies(const micro_conv_s8_params_t *p)
{
    return ((p->input_height - 1) | (p->input_width - 1) | (p->output_height - 1) |
            (p->output_width - 1) | (p->filter_height - 1) | (p->filter_width - 1) |
            (p->groups - 1) | p->pad_top | p->pad_left | p->filter_layout) == 0 &&
           p->filter_depth == p->input_depth;
}

/* The pixel's values k .. k + 3 that exist (k < depth), zero past depth. */
static MICRO_ALWAYS_INLINE uint32_t head_last_word(const int8_t *x, int32_t k, int32_t depth)
{
    uint32_t v = 0;
    memcpy(&v, x + k, (size_t)(depth - k));
    return v;
}

#if MICRO_DSP && defined(__GNUC__)
/* The 8-value groups of a channel pair in one loop of Thumb-2 (GCC spilled the pixel's
 * halves about 10 instructions a group). Fields in the order the asm loads them (LDM); it
 * writes them back advanced, the sums in s0, s1. */
typedef struct {
    const int8_t *x;  /*  0: the pixel's next 8 values */
    const int8_t *w0; /*  4: row o's */
    const int8_t *w1; /*  8: row o + 1's */
    int32_t turns;    /* 12: 8-value groups, >= 1 */
    int32_t s0, s1;   /* 16, 20: the sums */
} head_dot_t;

/* A group, the pixel's 2 words in r7, r9 and row o's in r0, r11 already loaded: their
 * SXTB16 halves (even values low, odd values high), 4 SMLAD into r5; row o + 1's 2 words
 * (LOADW1, into r0, r11), their halves, 4 SMLAD into r6. 26 instructions with word loads,
 * 16 multiply-accumulates. */
#define HEAD_GROUP(LOADW1)                 \
    "sxtb16 r8, r7, ror #8\n\t"             \
    "sxtb16 r7, r7\n\t"                     \
    "sxtb16 r10, r9, ror #8\n\t"            \
    "sxtb16 r9, r9\n\t"                     \
    "sxtb16 lr, r0, ror #8\n\t"             \
    "sxtb16 r0, r0\n\t"                     \
    "sxtb16 r12, r11, ror #8\n\t"           \
    "sxtb16 r11, r11\n\t"                   \
    "smlad r5, r7, r0, r5\n\t"              \
    "smlad r5, r8, lr, r5\n\t"              \
    "smlad r5, r9, r11, r5\n\t"             \
    "smlad r5, r10, r12, r5\n\t"            \
    LOADW1                                 \
    "sxtb16 lr, r0, ror #8\n\t"             \
    "sxtb16 r0, r0\n\t"                     \
    "sxtb16 r12, r11, ror #8\n\t"           \
    "sxtb16 r11, r11\n\t"                   \
    "smlad r6, r7, r0, r6\n\t"              \
    "smlad r6, r8, lr, r6\n\t"              \
    "smlad r6, r9, r11, r6\n\t"             \
    "smlad r6, r10, r12, r6\n\t"

/* The loop: r1 the pixel, r2 row o, r3 row o + 1, r4 turns, r5, r6 the sums. LOADS: the
 * pixel's and row o's words (r7, r9; r0, r11), LOADW1 row o + 1's (r0, r11). */
#define HEAD_ASM(name, LOADS, LOADW1)                                                      \
    __attribute__((naked, noinline)) static void name(head_dot_t *a)                      \
    {                                                                                      \
        (void)a;                                                                           \
        __asm__ volatile("push {r0, r4-r11, lr}\n\t"                                       \
                         "ldm r0, {r1-r6}\n\t"                                            \
                         "1:\n\t" LOADS HEAD_GROUP(LOADW1) "subs r4, r4, #1\n\t"          \
                         "bne 1b\n\t"                                                     \
                         "ldr r0, [sp]\n\t"                                               \
                         "stm r0, {r1-r6}\n\t"                                            \
                         "pop {r0, r4-r11, pc}\n\t");                                     \
    }

/* Any alignment: word loads (the M4 takes them unaligned). */
HEAD_ASM(head_dot_asm, "ldr r7, [r1], #4\n\tldr r9, [r1], #4\n\tldr r0, [r2], #4\n\t"
                       "ldr r11, [r2], #4\n\t",
         "ldr r0, [r3], #4\n\tldr r11, [r3], #4\n\t")
/* Pixel and rows word-aligned: a load multiple each (3 instructions fewer a group). */
HEAD_ASM(head_dot_asm_aligned, "ldm r1!, {r7, r9}\n\tldm r2!, {r0, r11}\n\t",
         "ldm r3!, {r0, r11}\n\t")

#undef HEAD_ASM
#undef HEAD_GROUP
#endif

/* s0, s1 += the dots of the K-value pixel x with rows w0 and w1 (zero past K to a multiple
 * of 4). */
static MICRO_ALWAYS_INLINE void head_dot2(const int8_t *x, const int8_t *w0, const int8_t *w1,
                                          int32_t depth, int32_t *s0, int32_t *s1)
{
    int32_t a0 = *s0, a1 = *s1;
    int32_t k = 0;
#if MICRO_DSP && defined(__GNUC__)
    if (depth >= 8) {
        head_dot_t a = {x, w0, w1, depth >> 3, a0, a1};
        if ((((uintptr_t)x | (uintptr_t)w0 | (uintptr_t)w1) & 3u) == 0) {
            head_dot_asm_aligned(&a);
        } else {
            head_dot_asm(&a);
        }
        a0 = a.s0;
        a1 = a.s1;
        k = depth & ~7;
    }
#else
    for (; k + 8 <= depth; k += 8) {
        const uint32_t xa = micro_read4(x + k), xb = micro_read4(x + k + 4);
        const uint32_t xa0 = micro_sxtb16(xa), xa1 = micro_sxtb16_hi(xa);
        const uint32_t xb0 = micro_sxtb16(xb), xb1 = micro_sxtb16_hi(xb);
        const uint32_t u = micro_read4(w0 + k), v = micro_read4(w0 + k + 4);
        a0 = micro_smlad(xa0, micro_sxtb16(u), a0);
        a0 = micro_smlad(xa1, micro_sxtb16_hi(u), a0);
        a0 = micro_smlad(xb0, micro_sxtb16(v), a0);
        a0 = micro_smlad(xb1, micro_sxtb16_hi(v), a0);
        const uint32_t y = micro_read4(w1 + k), z = micro_read4(w1 + k + 4);
        a1 = micro_smlad(xa0, micro_sxtb16(y), a1);
        a1 = micro_smlad(xa1, micro_sxtb16_hi(y), a1);
        a1 = micro_smlad(xb0, micro_sxtb16(z), a1);
        a1 = micro_smlad(xb1, micro_sxtb16_hi(z), a1);
    }
#endif
    for (; k < depth; k += 4) {
        const uint32_t xa = depth - k >= 4 ? micro_read4(x + k) : head_last_word(x, k, depth);
        const uint32_t xa0 = micro_sxtb16(xa), xa1 = micro_sxtb16_hi(xa);
        const uint32_t u = micro_read4(w0 + k), y = micro_read4(w1 + k);
        a0 = micro_smlad(xa0, micro_sxtb16(u), a0);
        a0 = micro_smlad(xa1, micro_sxtb16_hi(u), a0);
        a1 = micro_smlad(xa0, micro_sxtb16(y), a1);
        a1 = micro_smlad(xa1, micro_sxtb16_hi(y), a1);
    }
    *s0 = a0;
    *s1 = a1;
}

/* The call (head_applies and fast_ok holding): every batch's pixel, every channel. pw_entry
 * makes a channel's constants (conv_s8_dsp.c). */
static MICRO_NOINLINE void head_run(const micro_conv_s8_params_t *p, const int8_t *input,
                                    const int8_t *filter, const int32_t *bias,
                                    const int32_t *multiplier, const int32_t *shift,
                                    int8_t *output)
{
    const int32_t depth = p->input_depth, depth_out = p->output_depth;
    const int32_t row = (depth + MICRO_CONV_S8_K_ALIGN - 1) & ~(MICRO_CONV_S8_K_ALIGN - 1);
    const int32_t zp = p->output_zp;
    for (int32_t b = 0; b < p->batches; ++b, input += depth, output += depth_out) {
        /* the overlap rule (conv_s8.c, a pair's lead of O bytes) puts the batch's outputs
         * below its pixel: stored as they come */
        for (int32_t o = 0; o < depth_out; o += 2) {
            const int32_t o1 = o + 1 < depth_out ? o + 1 : o;
            int32_t s0 = bias[o], s1 = bias[o1];
            head_dot2(input, filter + (int64_t)o * row, filter + (int64_t)o1 * row, depth, &s0,
                      &s1);
            const pw_chan_t c0 = pw_entry(0, multiplier[o], shift[o]);
            const pw_chan_t c1 = pw_entry(0, multiplier[o1], shift[o1]);
            output[o] = (int8_t)pw_out(s0, c0.m2, c0.pn, zp);
            output[o1] = (int8_t)pw_out(s1, c1.m2, c1.pn, zp);
        }
    }
}

#endif
