/*
 * KISS FFT's fixed-point complex FFT (v130, FIXED_POINT=16) as TFLM runs it (internal),
 * shared by the int16 forward and inverse real FFTs: every radix-p butterfly stage first
 * divides its inputs by p (rounded multiply by 32767/p), products round half up
 * (x + 2^14) >> 15, sums wrap to int16. MICRO_SIGNAL_RFFT_MAX_STAGES
 * bounds the stages.
 */
#ifndef MICRO_KERNELS_KISS_FFT_S16_H
#define MICRO_KERNELS_KISS_FFT_S16_H

#include <stdint.h>

#include "micro/kernels/signal_rfft_s16.h"
#include "signal_bits.h"

/* KISS FFT's fixed-point arithmetic (FIXED_POINT=16): Q15 products rounded half up, every
 * result stored back into int16 (wrapping). */
typedef struct {
    int16_t r;
    int16_t i;
} cpx;

/* Complex input j of a frame (the caller's layout). */
typedef cpx (*micro_kiss_fetch_t)(const void *src, int32_t length, int32_t j);

static inline int16_t q15_round(int32_t x)
{
    return micro_signal_wrap16((x + (1 << 14)) >> 15);
}

static inline int16_t q15_mul(int16_t a, int16_t b)
{
    return q15_round((int32_t)a * b);
}

static inline cpx cmul(cpx a, cpx b)
{
    cpx m;
    m.r = q15_round((int32_t)a.r * b.r - (int32_t)a.i * b.i);
    m.i = q15_round((int32_t)a.r * b.i + (int32_t)a.i * b.r);
    return m;
}

/* c / k as KISS FFT does it: multiply by 32767 / k (integer division), round. */
static inline cpx cdiv(cpx c, int32_t k)
{
    const int16_t q = (int16_t)(32767 / k);
    cpx m;
    m.r = q15_mul(c.r, q);
    m.i = q15_mul(c.i, q);
    return m;
}

static inline cpx cadd(cpx a, cpx b)
{
    cpx m;
    m.r = micro_signal_wrap16((int32_t)a.r + b.r);
    m.i = micro_signal_wrap16((int32_t)a.i + b.i);
    return m;
}

static inline cpx csub(cpx a, cpx b)
{
    cpx m;
    m.r = micro_signal_wrap16((int32_t)a.r - b.r);
    m.i = micro_signal_wrap16((int32_t)a.i - b.i);
    return m;
}

static inline void bfly2(cpx *f, const cpx *tw, int32_t fstride, int32_t m)
{
    for (int32_t k = 0; k < m; ++k) {
        const cpx a = cdiv(f[k], 2);
        const cpx t = cmul(cdiv(f[k + m], 2), tw[k * fstride]);
        f[k + m] = csub(a, t);
        f[k] = cadd(a, t);
    }
}

static inline void bfly3(cpx *f, const cpx *tw, int32_t fstride, int32_t m)
{
    const int16_t epi3 = tw[fstride * m].i;
    for (int32_t k = 0; k < m; ++k) {
        const cpx a = cdiv(f[k], 3);
        const cpx s1 = cmul(cdiv(f[k + m], 3), tw[k * fstride]);
        const cpx s2 = cmul(cdiv(f[k + 2 * m], 3), tw[2 * k * fstride]);
        const cpx s3 = cadd(s1, s2);
        cpx s0 = csub(s1, s2);
        cpx b;
        b.r = micro_signal_wrap16((int32_t)a.r - (s3.r >> 1));
        b.i = micro_signal_wrap16((int32_t)a.i - (s3.i >> 1));
        s0.r = q15_mul(s0.r, epi3);
        s0.i = q15_mul(s0.i, epi3);
        f[k] = cadd(a, s3);
        f[k + 2 * m].r = micro_signal_wrap16((int32_t)b.r + s0.i);
        f[k + 2 * m].i = micro_signal_wrap16((int32_t)b.i - s0.r);
        f[k + m].r = micro_signal_wrap16((int32_t)b.r - s0.i);
        f[k + m].i = micro_signal_wrap16((int32_t)b.i + s0.r);
    }
}

static inline void bfly4(cpx *f, const cpx *tw, int32_t fstride, int32_t m, int32_t inverse)
{
    for (int32_t k = 0; k < m; ++k) {
        const cpx a = cdiv(f[k], 4);
        const cpx s0 = cmul(cdiv(f[k + m], 4), tw[k * fstride]);
        const cpx s1 = cmul(cdiv(f[k + 2 * m], 4), tw[2 * k * fstride]);
        const cpx s2 = cmul(cdiv(f[k + 3 * m], 4), tw[3 * k * fstride]);
        const cpx s5 = csub(a, s1);
        const cpx a1 = cadd(a, s1);
        const cpx s3 = cadd(s0, s2);
        const cpx s4 = csub(s0, s2);
        f[k + 2 * m] = csub(a1, s3);
        f[k] = cadd(a1, s3);
        /* The inverse transform turns the odd quarter the other way. */
        const int32_t sign = inverse ? -1 : 1;
        f[k + m].r = micro_signal_wrap16((int32_t)s5.r + sign * s4.i);
        f[k + m].i = micro_signal_wrap16((int32_t)s5.i - sign * s4.r);
        f[k + 3 * m].r = micro_signal_wrap16((int32_t)s5.r - sign * s4.i);
        f[k + 3 * m].i = micro_signal_wrap16((int32_t)s5.i + sign * s4.r);
    }
}

static inline void bfly5(cpx *f, const cpx *tw, int32_t fstride, int32_t m)
{
    const cpx ya = tw[fstride * m];
    const cpx yb = tw[2 * fstride * m];
    for (int32_t u = 0; u < m; ++u) {
        const cpx s0 = cdiv(f[u], 5);
        const cpx s1 = cmul(cdiv(f[u + m], 5), tw[u * fstride]);
        const cpx s2 = cmul(cdiv(f[u + 2 * m], 5), tw[2 * u * fstride]);
        const cpx s3 = cmul(cdiv(f[u + 3 * m], 5), tw[3 * u * fstride]);
        const cpx s4 = cmul(cdiv(f[u + 4 * m], 5), tw[4 * u * fstride]);
        const cpx s7 = cadd(s1, s4);
        const cpx s10 = csub(s1, s4);
        const cpx s8 = cadd(s2, s3);
        const cpx s9 = csub(s2, s3);
        cpx s5, s6, s11, s12;
        f[u].r = micro_signal_wrap16((int32_t)s0.r + s7.r + s8.r);
        f[u].i = micro_signal_wrap16((int32_t)s0.i + s7.i + s8.i);
        s5.r = micro_signal_wrap16((int32_t)s0.r + q15_mul(s7.r, ya.r) + q15_mul(s8.r, yb.r));
        s5.i = micro_signal_wrap16((int32_t)s0.i + q15_mul(s7.i, ya.r) + q15_mul(s8.i, yb.r));
        s6.r = micro_signal_wrap16((int32_t)q15_mul(s10.i, ya.i) + q15_mul(s9.i, yb.i));
        s6.i = micro_signal_wrap16(-(int32_t)q15_mul(s10.r, ya.i) - q15_mul(s9.r, yb.i));
        f[u + m] = csub(s5, s6);
        f[u + 4 * m] = cadd(s5, s6);
        s11.r = micro_signal_wrap16((int32_t)s0.r + q15_mul(s7.r, yb.r) + q15_mul(s8.r, ya.r));
        s11.i = micro_signal_wrap16((int32_t)s0.i + q15_mul(s7.i, yb.r) + q15_mul(s8.i, ya.r));
        s12.r = micro_signal_wrap16(-(int32_t)q15_mul(s10.i, yb.i) + q15_mul(s9.i, ya.i));
        s12.i = micro_signal_wrap16((int32_t)q15_mul(s10.r, yb.i) - q15_mul(s9.r, ya.i));
        f[u + 2 * m] = cadd(s11, s12);
        f[u + 3 * m] = csub(s11, s12);
    }
}

/* The H-point complex FFT (inverse: with the conjugate twiddles and the inverse radix-4
 * turn) of one frame, its inputs read through `fetch`, into `f`, as KISS FFT's recursive decimation in
 * time: slot k starts from the input whose index has k's mixed-radix digits reversed,
 * then each stage combines blocks bottom-up (blocks of one stage are independent, so
 * this order gives KISS FFT's exact results). */
static inline void micro_kiss_fft_s16(int32_t h, int32_t stages, const int32_t *radices,
                               int32_t inverse, micro_kiss_fetch_t fetch, const void *src,
                               int32_t length, const cpx *tw, cpx *f)
{
    int32_t digit[MICRO_SIGNAL_RFFT_MAX_STAGES] = {0};
    int32_t stride[MICRO_SIGNAL_RFFT_MAX_STAGES];
    int32_t fstride = 1;
    for (int32_t s = 0; s < stages; ++s) {
        stride[s] = fstride;
        fstride *= radices[s];
    }
    /* Walk k in order with its digits (most significant first: stage 0), accumulating the
     * reversed index. */
    int32_t source = 0;
    for (int32_t k = 0; k < h; ++k) {
        f[k] = fetch(src, length, source);
        for (int32_t s = stages - 1; s >= 0; --s) {
            source += stride[s];
            if (++digit[s] < radices[s]) {
                break;
            }
            source -= stride[s] * radices[s];
            digit[s] = 0;
        }
    }
    for (int32_t s = stages - 1; s >= 0; --s) {
        const int32_t radix = radices[s];
        const int32_t m = h / (stride[s] * radix);
        for (int32_t b = 0; b < stride[s]; ++b) {
            cpx *block = f + b * radix * m;
            switch (radix) {
            case 2:
                bfly2(block, tw, stride[s], m);
                break;
            case 3:
                bfly3(block, tw, stride[s], m);
                break;
            case 4:
                bfly4(block, tw, stride[s], m, inverse);
                break;
            default:
                bfly5(block, tw, stride[s], m);
                break;
            }
        }
    }
}

/* 1 if H in [2, 65536] is the product of n_stages radices, each in {2, 3, 4, 5}. */
static inline int micro_kiss_plan_ok(int32_t h, int32_t n_stages, const int32_t *radices)
{
    if (h < 2 || h > 65536 || n_stages < 1 || n_stages > MICRO_SIGNAL_RFFT_MAX_STAGES) {
        return 0;
    }
    int64_t product = 1;
    for (int32_t s = 0; s < n_stages; ++s) {
        if (radices[s] < 2 || radices[s] > 5) {
            return 0;
        }
        product *= radices[s];
    }
    return product == h;
}

/* Twiddles must lie in [-32767, 32767] so no Q15 product sum can overflow int32. */
static inline int micro_kiss_twiddles_ok(const int16_t *t, int32_t n)
{
    for (int32_t i = 0; i < n; ++i) {
        if (t[i] == INT16_MIN) {
            return 0;
        }
    }
    return 1;
}

#endif
