/*
 * Dot products of one int8 input with a pair of weight rows on dual 16-bit
 * multiply-accumulates (internal to the *_dsp kernels: FULLY_CONNECTED's rows after its
 * blocks, CONV_2D's classifier head, conv_head_dsp.h):
 *
 *   micro_dot2_s8: two int8 rows, any alignment; each input word split by SXTB16 once into
 *     (x0, x2), (x1, x3) and met by both rows' SXTB16 halves (4 SMLAD per 8 products);
 *   micro_dot2_s16 (asm, where GCC optimises for a DSP core): a pair of rows the compiler
 *     wrote as int16 groups, per group of 4 values row 0's words (w0, w2), (w1, w3), then
 *     row 1's (FULLY_CONNECTED's filter layout 3 pair, CONV_2D's layout 3): the input word
 *     split once, the 4 words in one LDM, 4 SMLAD: 8 instructions per 8 products.
 *
 * Sums wrap modulo 2^32 as the references' int32 arithmetic does, so the order changes no bit.
 */
#ifndef MICRO_KERNELS_DSP_PAIR_H
#define MICRO_KERNELS_DSP_PAIR_H

#include <stdint.h>

#include "dsp.h"

/* acc0, acc1 + the dots of x with rows w0 and w1 (int8, any alignment) over n values. */
static MICRO_ALWAYS_INLINE void micro_dot2_s8(const int8_t *x, const int8_t *w0,
                                              const int8_t *w1, int32_t n, int32_t *acc0,
                                              int32_t *acc1)
{
    int32_t a0 = *acc0, a1 = *acc1;
    int32_t k = 0;
    for (; k + 4 <= n; k += 4) {
        const uint32_t xv = micro_read4(x + k);
        const uint32_t x_even = micro_sxtb16(xv), x_odd = micro_sxtb16_hi(xv);
        const uint32_t v0 = micro_read4(w0 + k), v1 = micro_read4(w1 + k);
        a0 = micro_smlad(x_even, micro_sxtb16(v0), a0);
        a0 = micro_smlad(x_odd, micro_sxtb16_hi(v0), a0);
        a1 = micro_smlad(x_even, micro_sxtb16(v1), a1);
        a1 = micro_smlad(x_odd, micro_sxtb16_hi(v1), a1);
    }
    for (; k < n; ++k) {
        a0 = (int32_t)((uint32_t)a0 + (uint32_t)(x[k] * w0[k]));
        a1 = (int32_t)((uint32_t)a1 + (uint32_t)(x[k] * w1[k]));
    }
    *acc0 = a0;
    *acc1 = a1;
}

/* acc0, acc1 + the dots of x with the int16 pair at w over `groups` groups, in C: per group
 * row 0's words (w0, w2), (w1, w3), then row 1's, against the input word's halves (the
 * loop where the asm below is not built, and FULLY_CONNECTED's dot_pair16 there). */
static MICRO_ALWAYS_INLINE void micro_dot2_s16_c(const int8_t *x, const uint32_t *w,
                                                 int32_t groups, int32_t *acc0, int32_t *acc1)
{
    int32_t a0 = *acc0, a1 = *acc1;
    for (int32_t g = 0; g < groups; ++g, w += 4) {
        const uint32_t xv = micro_read4(x + 4 * g);
        const uint32_t x_even = micro_sxtb16(xv), x_odd = micro_sxtb16_hi(xv);
        a0 = micro_smlad(x_odd, w[1], micro_smlad(x_even, w[0], a0));
        a1 = micro_smlad(x_odd, w[3], micro_smlad(x_even, w[2], a1));
    }
    *acc0 = a0;
    *acc1 = a1;
}

#if MICRO_DSP && defined(__GNUC__) && defined(__OPTIMIZE__)
/* One group of the int16 pair: the input word (any alignment: LDR) split once, the pair's
 * 4 words (row 0's (w0, w2), (w1, w3), then row 1's) in one LDM (its registers ascending:
 * r8..r11, pinned by the caller), 4 SMLAD: 8 instructions, 8 products. */
#define MICRO_PAIR16_GROUP                         \
    "ldr %[xo], [%[x]], #4\n\t"                   \
    "sxtb16 %[xe], %[xo]\n\t"                     \
    "sxtb16 %[xo], %[xo], ror #8\n\t"             \
    "ldm %[w]!, {%[w0], %[w1], %[w2], %[w3]}\n\t" \
    "smlad %[a0], %[xe], %[w0], %[a0]\n\t"        \
    "smlad %[a0], %[xo], %[w1], %[a0]\n\t"        \
    "smlad %[a1], %[xe], %[w2], %[a1]\n\t"        \
    "smlad %[a1], %[xo], %[w3], %[a1]\n\t"

/* n >= 1 groups of MICRO_PAIR16_GROUP, eight a turn (lr the entry's index; n becomes the
 * turns). */
#define MICRO_PAIR16_LOOP8 MICRO_ASM_TURNS8("lr", MICRO_PAIR16_GROUP)

/* acc0, acc1 + the dots of x with the int16 pair at w (word-aligned) over groups >= 1
 * groups of 4 values; x advances past them. */
#define MICRO_HAS_DOT2_S16 1
static MICRO_ALWAYS_INLINE void micro_dot2_s16(const int8_t *x, const uint32_t *w,
                                               int32_t groups, int32_t *acc0, int32_t *acc1)
{
    int32_t a0 = *acc0, a1 = *acc1, n = groups;
    uint32_t xe, xo;
    register uint32_t w0 __asm__("r8"), w1 __asm__("r9"), w2 __asm__("r10"), w3 __asm__("r11");
    __asm__ volatile(MICRO_PAIR16_LOOP8
                     : [a0] "+r"(a0), [a1] "+r"(a1), [x] "+r"(x), [w] "+r"(w), [n] "+r"(n),
                       [xe] "=&r"(xe), [xo] "=&r"(xo), [w0] "=&r"(w0), [w1] "=&r"(w1),
                       [w2] "=&r"(w2), [w3] "=&r"(w3)
                     :
                     : "lr", "cc", "memory");
    *acc0 = a0;
    *acc1 = a1;
}
#else
#define micro_dot2_s16 micro_dot2_s16_c
#endif

#endif
