/*
 * KISS FFT (v130) in float, as TFLM runs it (internal): no scaling inside the transform,
 * float products and sums in KISS FFT's order (the build has no contraction into fused
 * multiply-adds, -ffp-contract=off, as TFLM's x86-64 reference). The butterflies are
 * kiss_fft_template.h's.
 */
#ifndef MICRO_KERNELS_KISS_FFT_F32_H
#define MICRO_KERNELS_KISS_FFT_F32_H

#include <stdint.h>

#include "kiss_fft_plan.h"

typedef struct {
    float r;
    float i;
} cpx_f32;

static inline float smul_f32(float a, float b)
{
    return a * b;
}

static inline float add_f32(float a, float b)
{
    return a + b;
}

static inline float sub_f32(float a, float b)
{
    return a - b;
}

static inline float neg_f32(float a)
{
    return -a;
}

static inline float half_f32(float a)
{
    return a * 0.5f;
}

static inline float div_f32(float a, int32_t k)
{
    (void)k; /* C_FIXDIV is a no-op in float */
    return a;
}

static inline cpx_f32 cmul_f32(cpx_f32 a, cpx_f32 b)
{
    cpx_f32 m;
    m.r = a.r * b.r - a.i * b.i;
    m.i = a.r * b.i + a.i * b.r;
    return m;
}

static inline float hsum_f32(float a, float b)
{
    return half_f32(a + b);
}

static inline float hdiff_f32(float a, float b)
{
    return half_f32(a - b);
}

#define KT float
#define KN(name) name##_f32
#include "kiss_fft_template.h"
#undef KN
#undef KT

/* Float twiddles need no bound: no product can overflow. */
static inline int micro_kiss_twiddles_ok_f32(const float *t, int32_t n)
{
    (void)t;
    (void)n;
    return 1;
}

/* KISS FFT's float inverse is unscaled; TFLM divides its n samples by the FFT length n. */
static inline void micro_kiss_unscale_f32(float *y, int32_t n)
{
    for (int32_t i = 0; i < n; ++i) {
        y[i] /= (float)n;
    }
}

#endif
