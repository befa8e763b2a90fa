/*
 * KISS FFT (v130) with FIXED_POINT=16, as TFLM runs it (internal), shared by the int16
 * forward and inverse real FFTs: every radix-p butterfly stage first divides its inputs by
 * p (rounded multiply by 32767/p), products round half up (x + 2^14) >> 15, sums wrap to
 * int16. The butterflies are kiss_fft_template.h's.
 */
#ifndef MICRO_KERNELS_KISS_FFT_S16_H
#define MICRO_KERNELS_KISS_FFT_S16_H

#include <stdint.h>

#include "kiss_fft_plan.h"
#include "signal_bits.h"

typedef struct {
    int16_t r;
    int16_t i;
} cpx_s16;

static inline int16_t q15_round(int32_t x)
{
    return micro_signal_wrap16((x + (1 << 14)) >> 15);
}

static inline int16_t smul_s16(int16_t a, int16_t b)
{
    return q15_round((int32_t)a * b);
}

static inline int16_t add_s16(int16_t a, int16_t b)
{
    return micro_signal_wrap16((int32_t)a + b);
}

static inline int16_t sub_s16(int16_t a, int16_t b)
{
    return micro_signal_wrap16((int32_t)a - b);
}

static inline int16_t neg_s16(int16_t a)
{
    return micro_signal_wrap16(-(int32_t)a);
}

static inline int16_t half_s16(int16_t a)
{
    return (int16_t)(a >> 1);
}

/* a / k as KISS FFT does it: multiply by 32767 / k (integer division), round. */
static inline int16_t div_s16(int16_t a, int32_t k)
{
    return smul_s16(a, (int16_t)(32767 / k));
}

static inline cpx_s16 cmul_s16(cpx_s16 a, cpx_s16 b)
{
    cpx_s16 m;
    m.r = q15_round((int32_t)a.r * b.r - (int32_t)a.i * b.i);
    m.i = q15_round((int32_t)a.r * b.i + (int32_t)a.i * b.r);
    return m;
}

/* HALF_OF of a sum taken in int (int16 operands promote), wrapped back to int16. */
static inline int16_t hsum_s16(int16_t a, int16_t b)
{
    return micro_signal_wrap16(((int32_t)a + b) >> 1);
}

static inline int16_t hdiff_s16(int16_t a, int16_t b)
{
    return micro_signal_wrap16(((int32_t)a - b) >> 1);
}

#define KT int16_t
#define KN(name) name##_s16
#include "kiss_fft_template.h"
#undef KN
#undef KT

/* Twiddles must lie in [-32767, 32767] so no Q15 product sum can overflow int32. */
static inline int micro_kiss_twiddles_ok_s16(const int16_t *t, int32_t n)
{
    for (int32_t i = 0; i < n; ++i) {
        if (t[i] == INT16_MIN) {
            return 0;
        }
    }
    return 1;
}

/* The inverse's n samples come out scaled already: the fold halves, each stage divides by
 * its radix. */
static inline void micro_kiss_unscale_s16(int16_t *y, int32_t n)
{
    (void)y;
    (void)n;
}

#endif
