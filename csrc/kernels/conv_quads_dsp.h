/*
 * CONV_2D's DSP twin on filter layout 1 (internal to conv_s8_dsp.c): 4 filters x the
 * scratch's 2 pixels per pass, 8 sums. The compiler wrote the filters as int16 in the
 * pairs SXTB16 makes of a patch word (conv_s8.h), so the loop widens nothing: per group
 * of 4 values and half h, the 2 pixels' words meet the 4 filters' words, 8 SMLAD:
 *
 *   patch (conv_patch_dsp.h), per group j: pixel 0 even, pixel 0 odd, pixel 1 even, odd
 *   filters, per quad and group j:        f0..f3 even, then f0..f3 odd (32 bytes)
 *
 * Built by GCC for a DSP core, passes on the fast requantization run pass_quads_asm: per
 * group 12 LDR and 16 SMLAD (24 instructions, 32 estimated cycles, 32 multiply-accumulates),
 * 8 groups per turn entered part-way for the first (TBH), the 8 sums requantized in
 * registers and each pixel's 4 bytes stored as one word. Elsewhere, and for any other
 * requantization, the same sums in C. A pointwise layer's loops over its pixel pairs, on the
 * same groups: conv_pointwise_dsp.h.
 */
#ifndef MICRO_KERNELS_CONV_QUADS_DSP_H
#define MICRO_KERNELS_CONV_QUADS_DSP_H

#include <stdint.h>

#include "conv_patch_dsp.h"
#include "dsp.h"

/* A channel's bias and fast requantization constants (dsp.h), side by side. */
typedef struct {
    int32_t bias, m2, right1;
} chan_t;

/*
 * The pointwise path's requantization, 4 instructions per output where fast_out takes 5
 * (the same domain: multiplier 0 or in [2^30, 2^31), right shift e in 1..31, no clamp but
 * int8's). With y = SMMLAR(acc, m2, acc), TFLM's rounding divide of y by 2^e plus output_zp
 * is zp + floor((y - (y < 0) + 2^(e-1)) / 2^e), and that is one SMMLSR of t = y - (y < 0)
 * with pn = -2^(32 - e) and accumulate zp: zp + floor((t * 2^(32 - e) + 2^31) / 2^32), exact
 * (2^31 = 2^(e-1) * 2^(32 - e)), no overflow (|t| <= 2^31, so the sum stays within 2^30 of
 * zp), and pn fits int32 for every e (-2^31 for e = 1). A zero multiplier has pn = 0: zp.
 */
typedef struct {
    int32_t bias; /* the channel's bias (the sums start there) */
    int32_t m2;   /* 2 * multiplier modulo 2^32 */
    int32_t pn;   /* -2^(32 - e) for right shift e = -shift in 1..31; 0 for multiplier 0 */
} pw_chan_t;

static inline int32_t pw_out(int32_t acc, int32_t m2, int32_t pn, int32_t zp)
{
    const int32_t y = micro_smmlar(acc, m2, acc);
    const int32_t t = (int32_t)((uint32_t)y + (uint32_t)(y >> 31));
    const int32_t v = micro_smmlsr(t, pn, zp);
    return v < -128 ? -128 : (v > 127 ? 127 : v);
}

/* Filter layout 4's requantization (conv_s8.h): SMMLAR with the record's m and c, then
 * SSAT to int8; the sum started at the record's bias'. */
static inline int32_t pw_floor_out(int32_t acc, int32_t m, int32_t c)
{
    const int32_t v = micro_smmlar(acc, m, c);
    return v < -128 ? -128 : (v > 127 ? 127 : v);
}

/* micro_requant_fast_out with the rounding add wrapping (y is the sum itself, any int32,
 * for a multiplier of 0), as the instructions do. */
static inline int32_t fast_out(int32_t acc, int32_t m2, int32_t right1, int32_t zp2)
{
    const int32_t y = micro_smmlar(acc, m2, acc);
    const int32_t t = (int32_t)((uint32_t)y + (uint32_t)(y >> 31));
    return micro_ssat8_half(micro_qadd(t >> right1, zp2));
}

/* s[2f + p] += the dot of pixel p of the scratch's pair (x) with filter f of the quad at w,
 * over `groups` groups of 4 values. */
static MICRO_ALWAYS_INLINE void dot_4x2(const uint64_t *x, const int8_t *w, int32_t groups,
                                        int32_t *s)
{
    for (int32_t j = 0; j < groups; ++j, x += 2, w += 32) {
        for (int32_t h = 0; h < 2; ++h) {
            const uint32_t x0 = (uint32_t)(x[0] >> (32 * h)), x1 = (uint32_t)(x[1] >> (32 * h));
            for (int32_t f = 0; f < 4; ++f) {
                const uint32_t wf = micro_read4(w + 16 * h + 4 * f);
                s[2 * f] = micro_smlad(x0, wf, s[2 * f]);
                s[2 * f + 1] = micro_smlad(x1, wf, s[2 * f + 1]);
            }
        }
    }
}

/* The n filters (a multiple of 4) from w on, any requantization: channel o's constants at
 * bias[o], multiplier[o], shift[o]; out0, out1: the pixels' first outputs of the n. */
static void quads_any(const uint64_t *words, const int8_t *w, int32_t groups, int32_t n,
                      const int32_t *bias, const int32_t *multiplier, const int32_t *shift,
                      int32_t zp, int32_t lo, int32_t hi, int8_t *out0, int8_t *out1)
{
    for (int32_t o = 0; o < n; o += 4, w += 32 * groups) {
        int32_t s[8];
        for (int32_t f = 0; f < 4; ++f) {
            s[2 * f] = s[2 * f + 1] = bias[o + f];
        }
        dot_4x2(words, w, groups, s);
        for (int32_t f = 0; f < 4; ++f) {
            const micro_requant_channel_t c = micro_requant_channel(multiplier[o + f],
                                                                    shift[o + f]);
            out0[o + f] = (int8_t)micro_requant_out(s[2 * f], c, zp, 1 + 2 * zp, lo, hi);
            out1[o + f] = (int8_t)micro_requant_out(s[2 * f + 1], c, zp, 1 + 2 * zp, lo, hi);
        }
    }
}

#if MICRO_DSP && defined(__GNUC__)
/* What pass_quads_asm reads (fields at the offsets its loads name); it advances filter,
 * ch, out0 and left, one quad at a time. */
typedef struct {
    const int8_t *filter;   /*  0: the quad's words */
    int32_t quad;           /*  4: bytes of a quad, 32 * groups */
    const uint64_t *words;  /*  8: the scratch's pixel pair */
    int32_t entry;          /* 12: groups the first turn skips, (8 - groups % 8) % 8 */
    const chan_t *ch;       /* 16: the quad's constants (4 entries of 12 bytes) */
    int8_t *out0;           /* 20: pixel 0's output of the quad's first channel */
    int32_t gap;            /* 24: out1 - out0 */
    int32_t zp2;            /* 28: 1 + 2 * output_zp */
    int32_t left;           /* 32: quads still to go, >= 1 */
} quad_pass_t;

/* Group J of a turn: r12 the patch, lr the quad's words, r0-r7 the sums s[2f + p]; the
 * quad's words Q bytes past lr (QUAD_GROUP: at lr). */
#define QUAD_GROUP_AT(J, Q)                                   \
    "ldr r8, [r12, #16*" #J "]\n\t"                           \
    "ldr r9, [r12, #16*" #J "+8]\n\t"                         \
    "ldr r10, [lr, #" Q "+32*" #J "]\n\t"                     \
    "ldr r11, [lr, #" Q "+32*" #J "+4]\n\t"                   \
    "smlad r0, r8, r10, r0\n\t"                               \
    "smlad r1, r9, r10, r1\n\t"                               \
    "smlad r2, r8, r11, r2\n\t"                               \
    "smlad r3, r9, r11, r3\n\t"                               \
    "ldr r10, [lr, #" Q "+32*" #J "+8]\n\t"                   \
    "ldr r11, [lr, #" Q "+32*" #J "+12]\n\t"                  \
    "smlad r4, r8, r10, r4\n\t"                               \
    "smlad r5, r9, r10, r5\n\t"                               \
    "smlad r6, r8, r11, r6\n\t"                               \
    "smlad r7, r9, r11, r7\n\t"                               \
    "ldr r8, [r12, #16*" #J "+4]\n\t"                         \
    "ldr r9, [r12, #16*" #J "+12]\n\t"                        \
    "ldr r10, [lr, #" Q "+32*" #J "+16]\n\t"                  \
    "ldr r11, [lr, #" Q "+32*" #J "+20]\n\t"                  \
    "smlad r0, r8, r10, r0\n\t"                               \
    "smlad r1, r9, r10, r1\n\t"                               \
    "smlad r2, r8, r11, r2\n\t"                               \
    "smlad r3, r9, r11, r3\n\t"                               \
    "ldr r10, [lr, #" Q "+32*" #J "+24]\n\t"                  \
    "ldr r11, [lr, #" Q "+32*" #J "+28]\n\t"                  \
    "smlad r4, r8, r10, r4\n\t"                               \
    "smlad r5, r9, r10, r5\n\t"                               \
    "smlad r6, r8, r11, r6\n\t"                               \
    "smlad r7, r9, r11, r7\n\t"
#define QUAD_GROUP(J) QUAD_GROUP_AT(J, "0")

/* fast_out of sums ra (pixel 0) and rb (pixel 1) with the channel's m2, right1 and the
 * zp2 in the registers named (the 2-filter passes of conv_s8_dsp.c use it too). */
#define CONV_REQUANT_ASM(ra, rb, m2, right1, zp2)    \
    "smmlar " ra ", " ra ", " m2 ", " ra "\n\t"       \
    "smmlar " rb ", " rb ", " m2 ", " rb "\n\t"       \
    "add " ra ", " ra ", " ra ", asr #31\n\t"         \
    "add " rb ", " rb ", " rb ", asr #31\n\t"         \
    "asr " ra ", " ra ", " right1 "\n\t"              \
    "asr " rb ", " rb ", " right1 "\n\t"              \
    "qadd " ra ", " ra ", " zp2 "\n\t"                \
    "qadd " rb ", " rb ", " zp2 "\n\t"                \
    "ssat " ra ", #8, " ra ", asr #1\n\t"             \
    "ssat " rb ", #8, " rb ", asr #1\n\t"
#define QUAD_REQUANT(ra, rb) CONV_REQUANT_ASM(ra, rb, "r8", "r9", "r10")

/* pw_out of sums ra (pixel 0) and rb (pixel 1) with the channel's m2 and pn, zp in the
 * registers named. */
#define PW_REQUANT_ASM(ra, rb, m2, pn, zp)           \
    "smmlar " ra ", " ra ", " m2 ", " ra "\n\t"       \
    "smmlar " rb ", " rb ", " m2 ", " rb "\n\t"       \
    "add " ra ", " ra ", " ra ", asr #31\n\t"         \
    "add " rb ", " rb ", " rb ", asr #31\n\t"         \
    "smmlsr " ra ", " ra ", " pn ", " zp "\n\t"       \
    "smmlsr " rb ", " rb ", " pn ", " zp "\n\t"       \
    "ssat " ra ", #8, " ra "\n\t"                    \
    "ssat " rb ", #8, " rb "\n\t"

/* The same by filter layout 4's floor records (pw_floor_out): the channel's m and c in
 * the registers named (the fifth unused), 4 instructions for 2 outputs where it takes 8. */
#define PW_FLOOR_ASM(ra, rb, m, c, unused)           \
    "smmlar " ra ", " ra ", " m ", " c "\n\t"         \
    "smmlar " rb ", " rb ", " m ", " c "\n\t"         \
    "ssat " ra ", #8, " ra "\n\t"                    \
    "ssat " rb ", #8, " rb "\n\t"

/* Every register but sp and pc is taken: [sp] keeps the quad's end, [sp, #8] the struct.
 * The first turn enters at group `entry`, its pointers moved back as far. */
__attribute__((naked, noinline)) static void pass_quads_asm(quad_pass_t *a)
{
    (void)a;
    __asm__ volatile(
        "push {r0, r4-r11, lr}\n\t"
        "sub sp, sp, #8\n\t"
        "2:\n\t"
        "ldr r12, [sp, #8]\n\t"
        "ldr r8, [r12, #16]\n\t"
        "ldr lr, [r12, #0]\n\t"
        "ldr r9, [r12, #4]\n\t"
        "ldr r10, [r12, #12]\n\t"
        "ldr r0, [r8]\n\t" /* the sums start at the biases */
        "ldr r2, [r8, #12]\n\t"
        "ldr r4, [r8, #24]\n\t"
        "ldr r6, [r8, #36]\n\t"
        "ldr r12, [r12, #8]\n\t"
        "add r9, lr, r9\n\t"
        "str r9, [sp]\n\t"
        "sub lr, lr, r10, lsl #5\n\t"
        "sub r12, r12, r10, lsl #4\n\t"
        "mov r1, r0\n\t"
        "mov r3, r2\n\t"
        "mov r5, r4\n\t"
        "mov r7, r6\n\t"
        "tbh [pc, r10, lsl #1]\n\t"
        "4:\n\t"
        ".hword (10f - 4b) / 2, (11f - 4b) / 2, (12f - 4b) / 2, (13f - 4b) / 2\n\t"
        ".hword (14f - 4b) / 2, (15f - 4b) / 2, (16f - 4b) / 2, (17f - 4b) / 2\n\t"
        "1:\n\t"
        "10:\n\t" QUAD_GROUP(0)
        "11:\n\t" QUAD_GROUP(1)
        "12:\n\t" QUAD_GROUP(2)
        "13:\n\t" QUAD_GROUP(3)
        "14:\n\t" QUAD_GROUP(4)
        "15:\n\t" QUAD_GROUP(5)
        "16:\n\t" QUAD_GROUP(6)
        "17:\n\t" QUAD_GROUP(7)
        "add r12, r12, #128\n\t"
        "add lr, lr, #256\n\t"
        "ldr r8, [sp]\n\t"
        "cmp lr, r8\n\t"
        "bne 1b\n\t"
        "ldr r12, [sp, #8]\n\t"
        "ldr r11, [r12, #16]\n\t"
        "ldr r10, [r12, #28]\n\t"
        "ldrd r8, r9, [r11, #4]\n\t" QUAD_REQUANT("r0", "r1")
        "ldrd r8, r9, [r11, #16]\n\t" QUAD_REQUANT("r2", "r3")
        "ldrd r8, r9, [r11, #28]\n\t" QUAD_REQUANT("r4", "r5")
        "ldrd r8, r9, [r11, #40]\n\t" QUAD_REQUANT("r6", "r7")
        "bfi r0, r2, #8, #8\n\t"
        "bfi r0, r4, #16, #8\n\t"
        "bfi r0, r6, #24, #8\n\t"
        "bfi r1, r3, #8, #8\n\t"
        "bfi r1, r5, #16, #8\n\t"
        "bfi r1, r7, #24, #8\n\t"
        "ldr r8, [r12, #20]\n\t"
        "ldr r9, [r12, #24]\n\t"
        "str r0, [r8]\n\t"
        "str r1, [r8, r9]\n\t"
        "add r8, r8, #4\n\t"
        "add r11, r11, #48\n\t"
        "str r8, [r12, #20]\n\t"
        "str r11, [r12, #16]\n\t"
        "ldr r0, [sp]\n\t" /* the next quad starts where this one ended */
        "str r0, [r12, #0]\n\t"
        "ldr r0, [r12, #32]\n\t"
        "subs r0, r0, #1\n\t"
        "str r0, [r12, #32]\n\t"
        "bne 2b\n\t"
        "add sp, sp, #8\n\t"
        "pop {r0, r4-r11, pc}\n\t");
}

/* QUAD_GROUP(_AT), PW_REQUANT_ASM and PW_FLOOR_ASM stay defined for the pointwise loops (conv_pointwise_dsp.h,
 * which undefines them). */
#undef QUAD_REQUANT

/* The n filters (a multiple of 4) from w on, their constants ch[0..n), on the fast
 * requantization. */
static void quads_fast(const uint64_t *words, const int8_t *w, int32_t groups, int32_t n,
                       const chan_t *ch, int32_t zp2, int8_t *out0, int8_t *out1)
{
    quad_pass_t a = {w, 32 * groups, words, (8 - groups % 8) % 8, ch, out0,
                     (int32_t)(out1 - out0), zp2, n / 4};
    pass_quads_asm(&a);
}
#else
static void quads_fast(const uint64_t *words, const int8_t *w, int32_t groups, int32_t n,
                       const chan_t *ch, int32_t zp2, int8_t *out0, int8_t *out1)
{
    for (int32_t o = 0; o < n; o += 4, w += 32 * groups) {
        int32_t s[8];
        for (int32_t f = 0; f < 4; ++f) {
            s[2 * f] = s[2 * f + 1] = ch[o + f].bias;
        }
        dot_4x2(words, w, groups, s);
        for (int32_t f = 0; f < 4; ++f) {
            const chan_t c = ch[o + f];
            out0[o + f] = (int8_t)fast_out(s[2 * f], c.m2, c.right1, zp2);
            out1[o + f] = (int8_t)fast_out(s[2 * f + 1], c.m2, c.right1, zp2);
        }
    }
}
#endif

#endif
