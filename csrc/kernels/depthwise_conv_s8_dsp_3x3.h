/*
 * The 3x3 quad of depthwise_conv_s8_dsp.c (depth multiplier 1) and a quad's fast
 * requantization, in Thumb-2 asm on a DSP core (GCC keeps a tap pointer per tap on the
 * stack otherwise), else in the portable C of quad_sum and micro_requant_fast_out. Internal:
 * included by depthwise_conv_s8_dsp.c after quad_sum.
 */
#ifndef MICRO_KERNELS_DEPTHWISE_CONV_S8_DSP_3X3_H
#define MICRO_KERNELS_DEPTHWISE_CONV_S8_DSP_3X3_H

#if MICRO_DSP && defined(__GNUC__)
/* One pair of taps of a 3x3 quad (depth multiplier 1) in 16 instructions: the two tap
 * pointers (one LDRD), the two input words, their channels packed per tap pair, 4 weight
 * words (two LDRD) and 4 SMLAD (operands named as in sum_3x3's asm). */
#define DW_PAIR(off)                                                                       \
    "ldrd %[x0], %[x1], [%[tab], #" off "]\n\t"                                            \
    "ldr %[x0], [%[x0], %[k]]\n\t"                                                         \
    "ldr %[x1], [%[x1], %[k]]\n\t"                                                         \
    "pkhbt %[t], %[x0], %[x1], lsl #16\n\t"                                                \
    "pkhtb %[x1], %[x1], %[x0], asr #16\n\t"                                               \
    "sxtb16 %[x0], %[t]\n\t"                                                               \
    "sxtb16 %[t], %[t], ror #8\n\t"                                                        \
    "ldrd %[u], %[v], [%[w]], #8\n\t"                                                      \
    "smlad %[a0], %[x0], %[u], %[a0]\n\t"                                                  \
    "smlad %[a1], %[t], %[v], %[a1]\n\t"                                                   \
    "sxtb16 %[x0], %[x1]\n\t"                                                              \
    "sxtb16 %[x1], %[x1], ror #8\n\t"                                                      \
    "ldrd %[u], %[v], [%[w]], #8\n\t"                                                      \
    "smlad %[a2], %[x0], %[u], %[a2]\n\t"                                                  \
    "smlad %[a3], %[x1], %[v], %[a3]\n\t"

/* acc += a 3x3 quad's 36 products (depth multiplier 1) in 74 instructions: 4 pairs, then
 * the lone tap 8 against its words' low lanes. */
static MICRO_ALWAYS_INLINE void sum_3x3(const int8_t *const *tab, int32_t k, const uint32_t *w,
                                        int32_t *acc)
{
    int32_t a0 = acc[0], a1 = acc[1], a2 = acc[2], a3 = acc[3];
    uint32_t x0, x1, t, u, v;
    __asm__ volatile(DW_PAIR("0") DW_PAIR("8") DW_PAIR("16") DW_PAIR("24")
                     "ldr %[x0], [%[tab], #32]\n\t"
                     "ldr %[x0], [%[x0], %[k]]\n\t"
                     "sxtb16 %[x1], %[x0]\n\t"
                     "sxtb16 %[x0], %[x0], ror #8\n\t"
                     "ldrd %[u], %[v], [%[w]], #8\n\t"
                     "smlabb %[a0], %[x1], %[u], %[a0]\n\t"
                     "smlabb %[a1], %[x0], %[v], %[a1]\n\t"
                     "ldrd %[u], %[v], [%[w]], #8\n\t"
                     "smlatb %[a2], %[x1], %[u], %[a2]\n\t"
                     "smlatb %[a3], %[x0], %[v], %[a3]"
                     : [a0] "+r"(a0), [a1] "+r"(a1), [a2] "+r"(a2), [a3] "+r"(a3), [w] "+r"(w),
                       [x0] "=&r"(x0), [x1] "=&r"(x1), [t] "=&r"(t), [u] "=&r"(u), [v] "=&r"(v)
                     : [tab] "r"(tab), [k] "r"(k)
                     : "memory");
    acc[0] = a0;
    acc[1] = a1;
    acc[2] = a2;
    acc[3] = a3;
}
#undef DW_PAIR

/* One output of out_fast's asm: micro_requant_fast_out (dsp.h) and the store. */
#define DW_OUT(a, j)                                                                       \
    "ldrd %[m], %[e], [%[rq]], #8\n\t"                                                    \
    "smmlar %[" a "], %[" a "], %[m], %[" a "]\n\t"                                         \
    "add %[" a "], %[" a "], %[" a "], asr #31\n\t"                                          \
    "asr %[" a "], %[" a "], %[e]\n\t"                                                      \
    "qadd %[" a "], %[" a "], %[zp2]\n\t"                                                   \
    "ssat %[" a "], #8, %[" a "], asr #1\n\t"                                               \
    "strb %[" a "], [%[out], #" j "]\n\t"

/* A quad's 4 outputs on the fast requantization in 28 instructions; rq: the quad's
 * (2 * multiplier, ~shift) pairs. */
static MICRO_ALWAYS_INLINE void out_fast(const int32_t *acc, const int32_t *rq, int32_t zp2,
                                         int8_t *out)
{
    int32_t a0 = acc[0], a1 = acc[1], a2 = acc[2], a3 = acc[3], m, e;
    __asm__ volatile(DW_OUT("a0", "0") DW_OUT("a1", "1") DW_OUT("a2", "2") DW_OUT("a3", "3")
                     : [a0] "+r"(a0), [a1] "+r"(a1), [a2] "+r"(a2), [a3] "+r"(a3),
                       [rq] "+r"(rq), [m] "=&r"(m), [e] "=&r"(e)
                     : [out] "r"(out), [zp2] "r"(zp2)
                     : "memory");
}
#undef DW_OUT
#else
static MICRO_ALWAYS_INLINE void sum_3x3(const int8_t *const *tab, int32_t k, const uint32_t *w,
                                        int32_t *acc)
{
    quad_sum(M1, 1, tab, k, w, 4, 1, acc);
}

static MICRO_ALWAYS_INLINE void out_fast(const int32_t *acc, const int32_t *rq, int32_t zp2,
                                         int8_t *out)
{
    for (int j = 0; j < 4; ++j) {
        out[j] = (int8_t)micro_requant_fast_out(acc[j], rq[2 * j], rq[2 * j + 1], zp2);
    }
}
#endif

#endif
