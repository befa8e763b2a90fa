#include "micro/kernels/signal_irfft_s16.h"

#include <stddef.h>

#include "micro/kernel.h"
#include "check.h"
#include "kiss_fft_s16.h"

/* Complex value j of the folded frame (the inverse FFT's input). */
static cpx folded(const void *src, int32_t length, int32_t j)
{
    (void)length;
    return ((const cpx *)src)[j];
}

static inline cpx conj16(cpx c)
{
    c.i = micro_signal_wrap16(-(int32_t)c.i);
    return c;
}

micro_status_t micro_signal_irfft_s16(const micro_signal_irfft_s16_params_t *p,
                                      const int16_t *input, const int16_t *twiddles,
                                      const int16_t *super_twiddles, int16_t *scratch,
                                      int16_t *output)
{
    const int32_t h = p->half_length;
    const cpx *tw = (const cpx *)(const void *)twiddles;
    const cpx *super = (const cpx *)(const void *)super_twiddles;
    cpx *t = (cpx *)(void *)scratch;
    for (int32_t frame = 0; frame < p->frames; ++frame) {
        const cpx *x = (const cpx *)(const void *)(input + (int64_t)frame * 2 * (h + 1));
        cpx dc;
        dc.r = micro_signal_wrap16((int32_t)x[0].r + x[h].r);
        dc.i = micro_signal_wrap16((int32_t)x[0].r - x[h].r);
        t[0] = cdiv(dc, 2);
        for (int32_t k = 1; k <= h / 2; ++k) {
            const cpx a = cdiv(x[k], 2);
            const cpx b = cdiv(conj16(x[h - k]), 2);
            const cpx even = cadd(a, b);
            const cpx odd = cmul(csub(a, b), super[k - 1]);
            t[k] = cadd(even, odd);
            /* For k = H/2 this overwrites t[k], as KISS FFT does. */
            t[h - k] = conj16(csub(even, odd));
        }
        micro_kiss_fft_s16(h, p->n_stages, p->radix, 1, folded, t, h, tw,
                           (cpx *)(void *)(output + (int64_t)frame * 2 * h));
    }
    return MICRO_OK;
}

int64_t micro_signal_irfft_s16_scratch_size(const micro_signal_irfft_s16_params_t *p)
{
    return 2 * (int64_t)p->half_length * (int64_t)sizeof(int16_t);
}

static micro_status_t step(const void *params, void *const *op)
{
    return micro_signal_irfft_s16(
        params, op[MICRO_SIGNAL_IRFFT_S16_INPUT], op[MICRO_SIGNAL_IRFFT_S16_TWIDDLES],
        op[MICRO_SIGNAL_IRFFT_S16_SUPER_TWIDDLES], op[MICRO_SIGNAL_IRFFT_S16_SCRATCH],
        op[MICRO_SIGNAL_IRFFT_S16_OUTPUT]);
}

static micro_status_t check(const void *params, void *const *op, const uint32_t *size)
{
    const micro_signal_irfft_s16_params_t *p = params;
    const int32_t h = p->half_length;
    if (p->frames < 1 || !micro_kiss_plan_ok(h, p->n_stages, p->radix)) {
        return MICRO_ERR_PARAMS;
    }
    const int64_t in = (int64_t)p->frames * 2 * (h + 1);
    const int64_t out = (int64_t)p->frames * 2 * h;
    if (in > INT32_MAX || !micro_fits(size[MICRO_SIGNAL_IRFFT_S16_INPUT], in, 2) ||
        !micro_fits(size[MICRO_SIGNAL_IRFFT_S16_TWIDDLES], 2 * (int64_t)h, 2) ||
        !micro_fits(size[MICRO_SIGNAL_IRFFT_S16_SUPER_TWIDDLES], 2 * (int64_t)(h / 2), 2) ||
        !micro_fits(size[MICRO_SIGNAL_IRFFT_S16_SCRATCH], micro_signal_irfft_s16_scratch_size(p),
                    1) ||
        !micro_fits(size[MICRO_SIGNAL_IRFFT_S16_OUTPUT], out, 2)) {
        return MICRO_ERR_OPERANDS;
    }
    if (!micro_kiss_twiddles_ok(op[MICRO_SIGNAL_IRFFT_S16_TWIDDLES], 2 * h) ||
        !micro_kiss_twiddles_ok(op[MICRO_SIGNAL_IRFFT_S16_SUPER_TWIDDLES], 2 * (h / 2))) {
        return MICRO_ERR_PARAMS;
    }
    return MICRO_OK;
}

/* Overlap rule: none (the inverse FFT writes a frame's output while later frames' input is
 * still to be read). */
const micro_kernel_t micro_kernel_signal_irfft_s16 = {
    step, check, sizeof(micro_signal_irfft_s16_params_t), MICRO_SIGNAL_IRFFT_S16_N_OPERANDS,
    MICRO_OVERLAP_NONE};
