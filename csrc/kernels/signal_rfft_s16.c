#include "micro/kernels/signal_rfft_s16.h"

#include <stddef.h>

#include "micro/kernel.h"
#include "check.h"
#include "signal_bits.h"

/* KISS FFT's fixed-point arithmetic (FIXED_POINT=16): Q15 products rounded half up, every
 * result stored back into int16 (wrapping). */
typedef struct {
    int16_t r;
    int16_t i;
} cpx;

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

static void bfly2(cpx *f, const cpx *tw, int32_t fstride, int32_t m)
{
    for (int32_t k = 0; k < m; ++k) {
        const cpx a = cdiv(f[k], 2);
        const cpx t = cmul(cdiv(f[k + m], 2), tw[k * fstride]);
        f[k + m] = csub(a, t);
        f[k] = cadd(a, t);
    }
}

static void bfly3(cpx *f, const cpx *tw, int32_t fstride, int32_t m)
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

static void bfly4(cpx *f, const cpx *tw, int32_t fstride, int32_t m)
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
        f[k + m].r = micro_signal_wrap16((int32_t)s5.r + s4.i);
        f[k + m].i = micro_signal_wrap16((int32_t)s5.i - s4.r);
        f[k + 3 * m].r = micro_signal_wrap16((int32_t)s5.r - s4.i);
        f[k + 3 * m].i = micro_signal_wrap16((int32_t)s5.i + s4.r);
    }
}

static void bfly5(cpx *f, const cpx *tw, int32_t fstride, int32_t m)
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

/* Complex sample j of a frame of `length` real samples zero-padded to 2H. */
static inline cpx sample_pair(const int16_t *x, int32_t length, int32_t j)
{
    cpx c;
    c.r = 2 * j < length ? x[2 * j] : 0;
    c.i = 2 * j + 1 < length ? x[2 * j + 1] : 0;
    return c;
}

/* The H-point complex FFT of one frame into `f`, as KISS FFT's recursive decimation in
 * time: slot k starts from the input whose index has k's mixed-radix digits reversed,
 * then each stage combines blocks bottom-up (blocks of one stage are independent, so
 * this order gives KISS FFT's exact results). */
static void complex_fft(const micro_signal_rfft_s16_params_t *p, const int16_t *x,
                        const cpx *tw, cpx *f)
{
    const int32_t h = p->half_length;
    const int32_t stages = p->n_stages;
    int32_t digit[MICRO_SIGNAL_RFFT_MAX_STAGES] = {0};
    int32_t stride[MICRO_SIGNAL_RFFT_MAX_STAGES];
    int32_t fstride = 1;
    for (int32_t s = 0; s < stages; ++s) {
        stride[s] = fstride;
        fstride *= p->radix[s];
    }
    /* Walk k in order with its digits (most significant first: stage 0), accumulating the
     * reversed index. */
    int32_t source = 0;
    for (int32_t k = 0; k < h; ++k) {
        f[k] = sample_pair(x, p->input_length, source);
        for (int32_t s = stages - 1; s >= 0; --s) {
            source += stride[s];
            if (++digit[s] < p->radix[s]) {
                break;
            }
            source -= stride[s] * p->radix[s];
            digit[s] = 0;
        }
    }
    for (int32_t s = stages - 1; s >= 0; --s) {
        const int32_t radix = p->radix[s];
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
                bfly4(block, tw, stride[s], m);
                break;
            default:
                bfly5(block, tw, stride[s], m);
                break;
            }
        }
    }
}

micro_status_t micro_signal_rfft_s16(const micro_signal_rfft_s16_params_t *p,
                                     const int16_t *input, const int16_t *twiddles,
                                     const int16_t *super_twiddles, int16_t *scratch,
                                     int16_t *output)
{
    const int32_t h = p->half_length;
    const cpx *tw = (const cpx *)(const void *)twiddles;
    const cpx *super = (const cpx *)(const void *)super_twiddles;
    cpx *f = (cpx *)(void *)scratch;
    for (int32_t frame = 0; frame < p->frames; ++frame) {
        cpx *out = (cpx *)(void *)(output + (int64_t)frame * 2 * (h + 1));
        complex_fft(p, input + (int64_t)frame * p->input_length, tw, f);
        /* Split the transform of the (even, odd) pairs into the real signal's bins. */
        const cpx dc = cdiv(f[0], 2);
        out[0].r = micro_signal_wrap16((int32_t)dc.r + dc.i);
        out[h].r = micro_signal_wrap16((int32_t)dc.r - dc.i);
        out[0].i = 0;
        out[h].i = 0;
        for (int32_t k = 1; k <= h / 2; ++k) {
            cpx mirror = f[h - k];
            mirror.i = micro_signal_wrap16(-(int32_t)mirror.i);
            const cpx a = cdiv(f[k], 2);
            const cpx b = cdiv(mirror, 2);
            const cpx sum = cadd(a, b);
            const cpx t = cmul(csub(a, b), super[k - 1]);
            out[k].r = micro_signal_wrap16(((int32_t)sum.r + t.r) >> 1);
            out[k].i = micro_signal_wrap16(((int32_t)sum.i + t.i) >> 1);
            out[h - k].r = micro_signal_wrap16(((int32_t)sum.r - t.r) >> 1);
            out[h - k].i = micro_signal_wrap16(((int32_t)t.i - sum.i) >> 1);
        }
    }
    return MICRO_OK;
}

int64_t micro_signal_rfft_s16_scratch_size(const micro_signal_rfft_s16_params_t *p)
{
    return 2 * (int64_t)p->half_length * (int64_t)sizeof(int16_t);
}

static micro_status_t step(const void *params, void *const *op)
{
    return micro_signal_rfft_s16(
        params, op[MICRO_SIGNAL_RFFT_S16_INPUT], op[MICRO_SIGNAL_RFFT_S16_TWIDDLES],
        op[MICRO_SIGNAL_RFFT_S16_SUPER_TWIDDLES], op[MICRO_SIGNAL_RFFT_S16_SCRATCH],
        op[MICRO_SIGNAL_RFFT_S16_OUTPUT]);
}

/* Twiddles must lie in [-32767, 32767] so no Q15 product sum can overflow int32. */
static int twiddles_ok(const int16_t *t, int32_t n)
{
    for (int32_t i = 0; i < n; ++i) {
        if (t[i] == INT16_MIN) {
            return 0;
        }
    }
    return 1;
}

static micro_status_t check(const void *params, void *const *op, const uint32_t *size)
{
    const micro_signal_rfft_s16_params_t *p = params;
    const int32_t h = p->half_length;
    if (p->frames < 1 || h < 2 || h > 65536 || !micro_in_range(p->input_length, 1, 2 * h) ||
        !micro_in_range(p->n_stages, 1, MICRO_SIGNAL_RFFT_MAX_STAGES)) {
        return MICRO_ERR_PARAMS;
    }
    int64_t product = 1;
    for (int32_t s = 0; s < p->n_stages; ++s) {
        if (!micro_in_range(p->radix[s], 2, 5)) {
            return MICRO_ERR_PARAMS;
        }
        product *= p->radix[s];
    }
    if (product != h) {
        return MICRO_ERR_PARAMS;
    }
    const int64_t out = (int64_t)p->frames * 2 * (h + 1);
    if (!micro_fits(size[MICRO_SIGNAL_RFFT_S16_INPUT], (int64_t)p->frames * p->input_length, 2) ||
        !micro_fits(size[MICRO_SIGNAL_RFFT_S16_TWIDDLES], 2 * (int64_t)h, 2) ||
        !micro_fits(size[MICRO_SIGNAL_RFFT_S16_SUPER_TWIDDLES], 2 * (int64_t)(h / 2), 2) ||
        !micro_fits(size[MICRO_SIGNAL_RFFT_S16_SCRATCH], micro_signal_rfft_s16_scratch_size(p),
                    1) ||
        out > INT32_MAX || !micro_fits(size[MICRO_SIGNAL_RFFT_S16_OUTPUT], out, 2)) {
        return MICRO_ERR_OPERANDS;
    }
    if (!twiddles_ok(op[MICRO_SIGNAL_RFFT_S16_TWIDDLES], 2 * h) ||
        !twiddles_ok(op[MICRO_SIGNAL_RFFT_S16_SUPER_TWIDDLES], 2 * (h / 2))) {
        return MICRO_ERR_PARAMS;
    }
    return MICRO_OK;
}

/* Overlap rule: none (frames of a few hundred bytes, read in several passes; not derived).
 * */
const micro_kernel_t micro_kernel_signal_rfft_s16 = {
    step, check, sizeof(micro_signal_rfft_s16_params_t), MICRO_SIGNAL_RFFT_S16_N_OPERANDS, MICRO_OVERLAP_NONE};
