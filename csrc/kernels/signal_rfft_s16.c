#include "micro/kernels/signal_rfft_s16.h"

#include <stddef.h>

#include "micro/kernel.h"
#include "check.h"
#include "kiss_fft_s16.h"

/* Complex sample j of a frame of `length` real samples zero-padded to 2H. */
static cpx_s16 sample_pair(const void *src, int32_t length, int32_t j)
{
    const int16_t *x = src;
    cpx_s16 c;
    c.r = 2 * j < length ? x[2 * j] : 0;
    c.i = 2 * j + 1 < length ? x[2 * j + 1] : 0;
    return c;
}

micro_status_t micro_signal_rfft_s16(const micro_signal_rfft_s16_params_t *p,
                                     const int16_t *input, const int16_t *twiddles,
                                     const int16_t *super_twiddles, int16_t *scratch,
                                     int16_t *output)
{
    const int32_t h = p->half_length;
    const cpx_s16 *tw = (const cpx_s16 *)(const void *)twiddles;
    const cpx_s16 *super = (const cpx_s16 *)(const void *)super_twiddles;
    cpx_s16 *f = (cpx_s16 *)(void *)scratch;
    for (int32_t frame = 0; frame < p->frames; ++frame) {
        cpx_s16 *out = (cpx_s16 *)(void *)(output + (int64_t)frame * 2 * (h + 1));
        micro_kiss_fft_s16(h, p->n_stages, p->radix, 0, sample_pair,
                           input + (int64_t)frame * p->input_length, p->input_length, tw, f);
        /* Split the transform of the (even, odd) pairs into the real signal's bins. */
        const cpx_s16 dc = cdiv_s16(f[0], 2);
        out[0].r = micro_signal_wrap16((int32_t)dc.r + dc.i);
        out[h].r = micro_signal_wrap16((int32_t)dc.r - dc.i);
        out[0].i = 0;
        out[h].i = 0;
        for (int32_t k = 1; k <= h / 2; ++k) {
            cpx_s16 mirror = f[h - k];
            mirror.i = micro_signal_wrap16(-(int32_t)mirror.i);
            const cpx_s16 a = cdiv_s16(f[k], 2);
            const cpx_s16 b = cdiv_s16(mirror, 2);
            const cpx_s16 sum = cadd_s16(a, b);
            const cpx_s16 t = cmul_s16(csub_s16(a, b), super[k - 1]);
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

static micro_status_t check(const void *params, void *const *op, const uint32_t *size)
{
    const micro_signal_rfft_s16_params_t *p = params;
    const int32_t h = p->half_length;
    if (p->frames < 1 || !micro_in_range(p->input_length, 1, 2 * h) ||
        !micro_kiss_plan_ok(h, p->n_stages, p->radix)) {
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
    if (!micro_kiss_twiddles_ok_s16(op[MICRO_SIGNAL_RFFT_S16_TWIDDLES], 2 * h) ||
        !micro_kiss_twiddles_ok_s16(op[MICRO_SIGNAL_RFFT_S16_SUPER_TWIDDLES], 2 * (h / 2))) {
        return MICRO_ERR_PARAMS;
    }
    return MICRO_OK;
}

/* Overlap rule: none (frames of a few hundred bytes, read in several passes; not derived).
 * */
const micro_kernel_t micro_kernel_signal_rfft_s16 = {
    step, check, sizeof(micro_signal_rfft_s16_params_t), MICRO_SIGNAL_RFFT_S16_N_OPERANDS, MICRO_OVERLAP_NONE};
