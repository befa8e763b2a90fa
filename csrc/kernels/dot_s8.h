/*
 * Dot products (internal) for the recurrent kernels, in loops the compiler vectorises
 * (int8 x int8 summed in int32 is the pattern it maps to multiply-add instructions).
 *
 * int8: |a * b| <= 2^14, so n <= MICRO_DOT_S8_MAX_N terms never overflow an int32 (the
 * kernels' checks bound n). int16: products reach 2^30, so the sum wraps in uint32 as
 * TFLM's int32 accumulator does in practice, without C's undefined signed overflow.
 */
#ifndef MICRO_KERNELS_DOT_S8_H
#define MICRO_KERNELS_DOT_S8_H

#include <stdint.h>

#define MICRO_DOT_S8_MAX_N 65536

static inline int32_t micro_dot_s8(const int8_t *a, const int8_t *b, int32_t n)
{
    int32_t acc = 0;
    for (int32_t i = 0; i < n; ++i) {
        acc += a[i] * b[i];
    }
    return acc;
}

static inline int32_t micro_dot_s16(const int16_t *a, const int16_t *b, int32_t n)
{
    uint32_t acc = 0;
    for (int32_t i = 0; i < n; ++i) {
        acc += (uint32_t)((int32_t)a[i] * (int32_t)b[i]);
    }
    return (int32_t)acc;
}

/* Four int8 rows of w (`stride` apart) times an int16 vector x (int8 values widened once
 * by the caller, so the loop is int16 x int16 multiply-adds): out[r] = w[r] . x. */
static inline void micro_dot4_s8_s16(const int8_t *restrict w, int64_t stride,
                                     const int16_t *restrict x, int32_t n, int32_t *restrict out)
{
    const int8_t *w0 = w;
    const int8_t *w1 = w0 + stride;
    const int8_t *w2 = w1 + stride;
    const int8_t *w3 = w2 + stride;
    int32_t a0 = 0;
    int32_t a1 = 0;
    int32_t a2 = 0;
    int32_t a3 = 0;
    for (int32_t k = 0; k < n; ++k) {
        const int16_t v = x[k];
        const int16_t u0 = w0[k];
        const int16_t u1 = w1[k];
        const int16_t u2 = w2[k];
        const int16_t u3 = w3[k];
        a0 += v * u0;
        a1 += v * u1;
        a2 += v * u2;
        a3 += v * u3;
    }
    out[0] = a0;
    out[1] = a1;
    out[2] = a2;
    out[3] = a3;
}

/* dst[k] = src[k] for k < n (int8 widened to int16), dst[k] = 0 for n <= k < padded. */
static inline void micro_widen_s8(int16_t *restrict dst, const int8_t *restrict src, int32_t n,
                                  int32_t padded)
{
    for (int32_t k = 0; k < n; ++k) {
        dst[k] = src[k];
    }
    for (int32_t k = n; k < padded; ++k) {
        dst[k] = 0;
    }
}

#endif
