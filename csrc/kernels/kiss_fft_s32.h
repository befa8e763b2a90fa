/*
 * KISS FFT (v130) with FIXED_POINT=32, as TFLM runs it (internal): Q31 products in int64
 * rounded half up (x + 2^30) >> 31, divisions by p as a rounded multiply by
 * (2^31 - 1) / p, sums wrapping to int32. The butterflies are kiss_fft_template.h's.
 */
#ifndef MICRO_KERNELS_KISS_FFT_S32_H
#define MICRO_KERNELS_KISS_FFT_S32_H

#include <stdint.h>

#include "kiss_fft_plan.h"

typedef struct {
    int32_t r;
    int32_t i;
} cpx_s32;

static inline int32_t wrap_s32(int64_t x)
{
    return (int32_t)(uint32_t)((uint64_t)x & 0xFFFFFFFFu);
}

static inline int32_t q31_round(int64_t x)
{
    return wrap_s32((x + (INT64_C(1) << 30)) >> 31);
}

static inline int32_t smul_s32(int32_t a, int32_t b)
{
    return q31_round((int64_t)a * b);
}

static inline int32_t add_s32(int32_t a, int32_t b)
{
    return wrap_s32((int64_t)a + b);
}

static inline int32_t sub_s32(int32_t a, int32_t b)
{
    return wrap_s32((int64_t)a - b);
}

static inline int32_t neg_s32(int32_t a)
{
    return wrap_s32(-(int64_t)a);
}

static inline int32_t half_s32(int32_t a)
{
    return a >> 1;
}

static inline int32_t div_s32(int32_t a, int32_t k)
{
    return smul_s32(a, INT32_MAX / k);
}

/* Twiddles in [-(2^31 - 1), 2^31 - 1] keep the difference of two products inside int64. */
static inline cpx_s32 cmul_s32(cpx_s32 a, cpx_s32 b)
{
    cpx_s32 m;
    m.r = q31_round((int64_t)a.r * b.r - (int64_t)a.i * b.i);
    m.i = q31_round((int64_t)a.r * b.i + (int64_t)a.i * b.r);
    return m;
}

/* HALF_OF of an int32 sum (it wraps before the shift). */
static inline int32_t hsum_s32(int32_t a, int32_t b)
{
    return half_s32(add_s32(a, b));
}

static inline int32_t hdiff_s32(int32_t a, int32_t b)
{
    return half_s32(sub_s32(a, b));
}

#define KT int32_t
#define KN(name) name##_s32
#include "kiss_fft_template.h"
#undef KN
#undef KT

static inline int micro_kiss_twiddles_ok_s32(const int32_t *t, int32_t n)
{
    for (int32_t i = 0; i < n; ++i) {
        if (t[i] == INT32_MIN) {
            return 0;
        }
    }
    return 1;
}

/* The inverse's n samples come out scaled already: the fold halves, each stage divides by
 * its radix. */
static inline void micro_kiss_unscale_s32(int32_t *y, int32_t n)
{
    (void)y;
    (void)n;
}

#endif
