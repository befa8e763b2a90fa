/*
 * Dot products of one input row with 4 weight rows on dual 16-bit multiply-accumulates
 * (internal to the *_dsp kernels): int8 rows whose reference subtracts an input zero point
 * inside the sum (TRANSPOSE_CONV, BATCH_MATMUL), and the 4-row loop they share with the
 * int16x8 convolution's.
 *
 * One input row x meets 4 weight rows at once: each word of x is split by SXTB16 into the
 * pairs (x0, x2), (x1, x3), the zero point leaves both lanes by SSUB16 (values in
 * [-255, 255], exact in 16 bits), and the pairs meet the two SXTB16 halves of each weight
 * word: per 16 products 1 + 4 input instructions and 4 x 5 weight ones. Sums wrap modulo
 * 2^32, as the references' int32 arithmetic (or int64 sums taken modulo 2^32) does.
 */
#ifndef MICRO_KERNELS_DSP_DOT_H
#define MICRO_KERNELS_DSP_DOT_H

#include <stddef.h>
#include <stdint.h>

#include "dsp.h"

/* The asm below needs every register but the stack pointer and pc: a frame pointer (-O0)
 * leaves one too few, so unoptimised builds take the C loops. */
#if MICRO_DSP && defined(__GNUC__) && defined(__OPTIMIZE__)
/* The rest of a turn of the hand-scheduled 4-row loops, once the input's pairs are in e
 * (values 0 and 2) and hi (1 and 3): the 4 rows' words (row j at w + j * s; rows 2 and 3
 * through one address in t, so no row needs a pointer of its own), 8 SMLAD, w += 4, and
 * the loop's end; lo, u and t are free. Then the operands every such loop names. */
#define MICRO_DOT4_ROWS_ASM                        \
    "ldr %[u], [%[w], %[s]]\n\t"                 \
    "sxtb16 %[t], %[u]\n\t"                      \
    "smlad %[a1], %[e], %[t], %[a1]\n\t"         \
    "sxtb16 %[u], %[u], ror #8\n\t"              \
    "smlad %[a1], %[hi], %[u], %[a1]\n\t"        \
    "add %[t], %[w], %[s], lsl #1\n\t"           \
    "ldr %[u], [%[t]]\n\t"                       \
    "ldr %[t], [%[t], %[s]]\n\t"                 \
    "sxtb16 %[lo], %[u]\n\t"                     \
    "smlad %[a2], %[e], %[lo], %[a2]\n\t"        \
    "sxtb16 %[u], %[u], ror #8\n\t"              \
    "smlad %[a2], %[hi], %[u], %[a2]\n\t"        \
    "sxtb16 %[lo], %[t]\n\t"                     \
    "smlad %[a3], %[e], %[lo], %[a3]\n\t"        \
    "sxtb16 %[t], %[t], ror #8\n\t"              \
    "smlad %[a3], %[hi], %[t], %[a3]\n\t"        \
    "ldr %[u], [%[w]], #4\n\t"                   \
    "sxtb16 %[t], %[u]\n\t"                      \
    "smlad %[a0], %[e], %[t], %[a0]\n\t"         \
    "sxtb16 %[u], %[u], ror #8\n\t"              \
    "smlad %[a0], %[hi], %[u], %[a0]\n\t"        \
    "subs %[n], %[n], #1\n\t"                    \
    "bne 1b"

#define MICRO_DOT4_ROWS_OPERANDS                                                          \
    [a0] "+r"(r0), [a1] "+r"(r1), [a2] "+r"(r2), [a3] "+r"(r3), [x] "+r"(xp),             \
        [w] "+r"(wp), [n] "+r"(n), [lo] "=&r"(lo), [hi] "=&r"(hi), [e] "=&r"(e),         \
        [u] "=&r"(u), [t] "=&r"(t)
#endif

#if MICRO_DSP && defined(__GNUC__) && defined(__OPTIMIZE__)
/* micro_dot4_zp's groups of 4 values (n >= 1 of them) in 27 instructions each: GCC's own
 * loop spills (4 rows' pointers, the zero point, the accumulators and the pairs want more
 * registers than the core has), so here rows 2 and 3 share one address computed per turn,
 * the negated zero point is reloaded from the stack, and SXTAB16 adds it while it splits
 * the input word. */
static inline void micro_dot4_zp_groups(const int8_t **x, const int8_t **w, ptrdiff_t stride,
                                        int32_t n, uint32_t neg_zz, int32_t *acc)
{
    const int8_t *xp = *x, *wp = *w;
    int32_t r0 = acc[0], r1 = acc[1], r2 = acc[2], r3 = acc[3];
    uint32_t lo, hi, e, u, t;
    __asm__ volatile("1:\n\t"
                     "ldr %[lo], %[nz]\n\t"
                     "ldr %[u], [%[x]], #4\n\t"
                     "sxtab16 %[e], %[lo], %[u]\n\t"
                     "sxtab16 %[hi], %[lo], %[u], ror #8\n\t"
                     MICRO_DOT4_ROWS_ASM
                     : MICRO_DOT4_ROWS_OPERANDS
                     : [s] "r"(stride), [nz] "m"(neg_zz)
                     : "cc", "memory");
    *x = xp;
    *w = wp;
    acc[0] = r0;
    acc[1] = r1;
    acc[2] = r2;
    acc[3] = r3;
}
#endif

/* acc + the dual products of the input pairs xe (values 0 and 2) and xo (1 and 3) with
 * the 4 int8 weights at w: one row's turn of the C loops, whatever made the pairs. */
static MICRO_ALWAYS_INLINE int32_t micro_dot_pairs(uint32_t xe, uint32_t xo, const int8_t *w,
                                                   int32_t acc)
{
    const uint32_t wv = micro_read4(w);
    acc = micro_smlad(xe, micro_sxtb16(wv), acc);
    return micro_smlad(xo, micro_sxtb16_hi(wv), acc);
}

/* acc[j] += sum_{k < n} (x[k] - zp) * w[j * stride + k] for j < 4. */
static MICRO_ALWAYS_INLINE void micro_dot4_zp(const int8_t *x, const int8_t *w, ptrdiff_t stride,
                                              int32_t n, int32_t zp, int32_t *acc)
{
    const uint32_t zz = ((uint32_t)zp & 0xFFFFu) * 0x10001u;
#if MICRO_DSP && defined(__GNUC__) && defined(__OPTIMIZE__)
    if (n >= 4) {
        micro_dot4_zp_groups(&x, &w, stride, n >> 2, ((uint32_t)-zp & 0xFFFFu) * 0x10001u, acc);
        n &= 3;
    }
#endif
    const int8_t *w0 = w, *w1 = w + stride, *w2 = w1 + stride, *w3 = w2 + stride;
    int32_t a0 = acc[0], a1 = acc[1], a2 = acc[2], a3 = acc[3];
    int32_t k = 0;
    for (; k + 4 <= n; k += 4) {
        const uint32_t xv = micro_read4(x + k);
        const uint32_t xe = micro_ssub16(micro_sxtb16(xv), zz);
        const uint32_t xo = micro_ssub16(micro_sxtb16_hi(xv), zz);
        a0 = micro_dot_pairs(xe, xo, w0 + k, a0);
        a1 = micro_dot_pairs(xe, xo, w1 + k, a1);
        a2 = micro_dot_pairs(xe, xo, w2 + k, a2);
        a3 = micro_dot_pairs(xe, xo, w3 + k, a3);
    }
    for (; k < n; ++k) {
        const int32_t xk = x[k] - zp;
        a0 = (int32_t)((uint32_t)a0 + (uint32_t)(xk * w0[k]));
        a1 = (int32_t)((uint32_t)a1 + (uint32_t)(xk * w1[k]));
        a2 = (int32_t)((uint32_t)a2 + (uint32_t)(xk * w2[k]));
        a3 = (int32_t)((uint32_t)a3 + (uint32_t)(xk * w3[k]));
    }
    acc[0] = a0;
    acc[1] = a1;
    acc[2] = a2;
    acc[3] = a3;
}

/* acc + sum_{k < n} (x[k] - zp) * w[k]. */
static inline int32_t micro_dot1_zp(const int8_t *x, const int8_t *w, int32_t n, int32_t zp,
                                    int32_t acc)
{
    const uint32_t zz = ((uint32_t)zp & 0xFFFFu) * 0x10001u;
    int32_t k = 0;
    for (; k + 4 <= n; k += 4) {
        const uint32_t xv = micro_read4(x + k);
        acc = micro_dot_pairs(micro_ssub16(micro_sxtb16(xv), zz),
                              micro_ssub16(micro_sxtb16_hi(xv), zz), w + k, acc);
    }
    for (; k < n; ++k) {
        acc = (int32_t)((uint32_t)acc + (uint32_t)((x[k] - zp) * w[k]));
    }
    return acc;
}

#endif
