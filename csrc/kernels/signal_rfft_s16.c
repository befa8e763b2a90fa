#include "micro/kernels/signal_rfft_s16.h"

#include <stddef.h>

#include "micro/kernel.h"
#include "check.h"
#include "kiss_fft_s16.h"

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
        micro_kiss_fft_s16(h, p->n_stages, p->radix, 0, micro_kiss_pair_s16,
                           input + (int64_t)frame * p->input_length, p->input_length, tw, f);
        micro_kiss_split_s16(f, h, super,
                             (cpx_s16 *)(void *)(output + (int64_t)frame * 2 * (h + 1)));
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
    const micro_status_t status = micro_kiss_rfft_check(p, size, (int64_t)sizeof(int16_t));
    if (status != MICRO_OK) {
        return status;
    }
    if (!micro_kiss_twiddles_ok_s16(op[MICRO_SIGNAL_RFFT_S16_TWIDDLES], 2 * p->half_length) ||
        !micro_kiss_twiddles_ok_s16(op[MICRO_SIGNAL_RFFT_S16_SUPER_TWIDDLES],
                                    2 * (p->half_length / 2))) {
        return MICRO_ERR_PARAMS;
    }
    return MICRO_OK;
}

/* Overlap rule: none (frames are read in several passes while earlier frames' bins are
 * written; not derived). */
const micro_kernel_t micro_kernel_signal_rfft_s16 = {
    step, check, sizeof(micro_signal_rfft_s16_params_t), MICRO_SIGNAL_RFFT_S16_N_OPERANDS,
    MICRO_OVERLAP_NONE};
