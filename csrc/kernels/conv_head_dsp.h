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
#include "dsp_pair.h"
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
 * of 4): the asm loop's 8-value groups where it is built, the rest by micro_dot2_s8
 * (dsp_pair.h, FULLY_CONNECTED's pair of int8 rows too), the last 1-3 values as a word. */
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
#endif
    const int32_t k4 = depth & ~3;
    micro_dot2_s8(x + k, w0 + k, w1 + k, k4 - k, &a0, &a1);
    if (k4 < depth) {
        const uint32_t xa = head_last_word(x, k4, depth);
        const uint32_t xa0 = micro_sxtb16(xa), xa1 = micro_sxtb16_hi(xa);
        const uint32_t u = micro_read4(w0 + k4), y = micro_read4(w1 + k4);
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

/* A sum requantized the pointwise way (pw_entry's constants, pw_out's steps) with the clamp
 * as one SSAT where the core has it (GCC writes pw_out's as two compares and moves). */
static MICRO_ALWAYS_INLINE int8_t head_out(int32_t acc, int32_t m, int32_t shift, int32_t zp)
{
    const pw_chan_t c = pw_entry(0, m, shift);
    const int32_t y = micro_smmlar(acc, c.m2, acc);
    const int32_t v = micro_smmlsr((int32_t)((uint32_t)y + (uint32_t)(y >> 31)), c.pn, zp);
#if MICRO_DSP && defined(__GNUC__)
    return (int8_t)__ssat(v, 8);
#else
    return (int8_t)(v < -128 ? -128 : (v > 127 ? 127 : v));
#endif
}

/* Filter layout 3 (conv_s8.h: the compiler's for such a head on a DSP core where O is not a
 * multiple of 4 and the requantization is the fast one; conv_s8.c's check refuses it on any
 * other call, so a step holding it needs no test but the filter's alignment): each pair of
 * filters as int16 groups, per group of 4 values row o's words (w0, w2), (w1, w3), then row
 * o + 1's, and a last odd filter's two words alone. A pair's groups run on micro_dot2_s16
 * (dsp_pair.h: 8 instructions per 8 products, FULLY_CONNECTED's layout 3 pair loop), the
 * last 1-3 values (K mod 4) as a word read no further than K; each sum requantized by
 * head_out. The step's operand array read here, so the dispatch tail-calls this with
 * nothing staged. */
static MICRO_NOINLINE micro_status_t head16_any(const micro_conv_s8_params_t *p,
                                                void *const *op)
{
    const int8_t *input = op[MICRO_CONV_S8_INPUT];
    const uint32_t *filter = op[MICRO_CONV_S8_FILTER];
    const int32_t *bias = op[MICRO_CONV_S8_BIAS];
    const int32_t *multiplier = op[MICRO_CONV_S8_MULTIPLIER];
    const int32_t *shift = op[MICRO_CONV_S8_SHIFT];
    int8_t *output = op[MICRO_CONV_S8_OUTPUT];
    const int32_t depth = p->input_depth, depth_out = p->output_depth;
    const int32_t groups = depth >> 2, k4 = depth & ~3, all = (depth + 3) >> 2;
    const int32_t zp = p->output_zp;
    for (int32_t b = 0; b < p->batches; ++b, input += depth, output += depth_out) {
        /* the overlap rule (conv_s8.c, a pair's lead of O bytes) puts the batch's outputs
         * below its pixel: stored as they come */
        const uint32_t *w = filter;
        uint32_t xe = 0, xo = 0; /* the last 1-3 values' halves, zero past K */
        if (k4 < depth) {
            const uint32_t xa = head_last_word(input, k4, depth);
            xe = micro_sxtb16(xa);
            xo = micro_sxtb16_hi(xa);
        }
        int32_t o = 0;
        for (; o + 2 <= depth_out; o += 2, w += 4 * all) {
            int32_t s0 = bias[o], s1 = bias[o + 1];
            if (groups > 0) {
                micro_dot2_s16(input, w, groups, &s0, &s1);
            }
            if (k4 < depth) {
                const uint32_t *t = w + 4 * groups;
                s0 = micro_smlad(xo, t[1], micro_smlad(xe, t[0], s0));
                s1 = micro_smlad(xo, t[3], micro_smlad(xe, t[2], s1));
            }
            output[o] = head_out(s0, multiplier[o], shift[o], zp);
            output[o + 1] = head_out(s1, multiplier[o + 1], shift[o + 1], zp);
        }
        if (o < depth_out) { /* the last odd filter: 2 words a group */
            int32_t s = bias[o];
            for (int32_t g = 0; g < groups; ++g) {
                const uint32_t xv = micro_read4(input + 4 * g);
                s = micro_smlad(micro_sxtb16_hi(xv), w[2 * g + 1],
                                micro_smlad(micro_sxtb16(xv), w[2 * g], s));
            }
            if (k4 < depth) {
                s = micro_smlad(xo, w[2 * groups + 1], micro_smlad(xe, w[2 * groups], s));
            }
            output[o] = head_out(s, multiplier[o], shift[o], zp);
        }
    }
    return MICRO_OK;
}

/* head16_any's common case first (person_detect's): one pixel, K a multiple of 4, O even,
 * so a pair is its groups, two requantizations and two stores; the operands read from the
 * step's array and the params where they are used (reloads, not spills, around the asm
 * loop, which leaves two registers free). */
static MICRO_NOINLINE micro_status_t head16_run(const micro_conv_s8_params_t *p,
                                                void *const *op)
{
    if (((p->batches - 1) | (p->input_depth & 3) | (p->output_depth & 1)) != 0) {
        return head16_any(p, op);
    }
    const int8_t *input = op[MICRO_CONV_S8_INPUT];
    const uint32_t *w = op[MICRO_CONV_S8_FILTER];
    const int32_t groups = p->input_depth >> 2;
    int32_t o = 0;
    do { /* O >= 2 */
        const int32_t *bias = op[MICRO_CONV_S8_BIAS];
        int32_t s0 = bias[o], s1 = bias[o + 1];
        micro_dot2_s16(input, w, groups, &s0, &s1);
        w += 4 * groups;
        const int32_t *multiplier = op[MICRO_CONV_S8_MULTIPLIER];
        const int32_t *shift = op[MICRO_CONV_S8_SHIFT];
        int8_t *output = op[MICRO_CONV_S8_OUTPUT];
        output[o] = head_out(s0, multiplier[o], shift[o], p->output_zp);
        output[o + 1] = head_out(s1, multiplier[o + 1], shift[o + 1], p->output_zp);
        o += 2;
    } while (o < p->output_depth);
    return MICRO_OK;
}

/* micro_conv_s8_dsp's call on filter layout 3: the operands as a step's array, then the
 * short step (micro_conv_s8_dsp_step), out of line so the twin's own frame stays as it was. */
static MICRO_NOINLINE micro_status_t head16_call(const micro_conv_s8_params_t *p,
                                                 const int8_t *input, const int8_t *filter,
                                                 const int32_t *bias, const int32_t *multiplier,
                                                 const int32_t *shift, int16_t *scratch,
                                                 int8_t *output)
{
    void *const op[MICRO_CONV_S8_N_OPERANDS] = {
        [MICRO_CONV_S8_INPUT] = (void *)(uintptr_t)input,
        [MICRO_CONV_S8_FILTER] = (void *)(uintptr_t)filter,
        [MICRO_CONV_S8_BIAS] = (void *)(uintptr_t)bias,
        [MICRO_CONV_S8_MULTIPLIER] = (void *)(uintptr_t)multiplier,
        [MICRO_CONV_S8_SHIFT] = (void *)(uintptr_t)shift,
        [MICRO_CONV_S8_SCRATCH] = scratch,
        [MICRO_CONV_S8_OUTPUT] = output};
    return micro_conv_s8_dsp_step(p, op);
}

#endif
