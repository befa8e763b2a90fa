#include "micro/kernels/signal_rfft_s32.h"

#include <stddef.h>

#include "micro/kernel.h"
#include "check.h"
#include "kiss_fft_s32.h"

micro_status_t micro_signal_rfft_s32(const micro_signal_rfft_s32_params_t *p,
                                     const int32_t *input, const int32_t *twiddles,
                                     const int32_t *super_twiddles, int32_t *scratch,
                                     int32_t *output)
{
    const int32_t h = p->half_length;
    const cpx_s32 *tw = (const cpx_s32 *)(const void *)twiddles;
    const cpx_s32 *super = (const cpx_s32 *)(const void *)super_twiddles;
    cpx_s32 *f = (cpx_s32 *)(void *)scratch;
    for (int32_t frame = 0; frame < p->frames; ++frame) {
        micro_kiss_fft_s32(h, p->n_stages, p->radix, 0, micro_kiss_pair_s32,
                           input + (int64_t)frame * p->input_length, p->input_length, tw, f);
        micro_kiss_split_s32(f, h, super,
                             (cpx_s32 *)(void *)(output + (int64_t)frame * 2 * (h + 1)));
    }
    return MICRO_OK;
}

int64_t micro_signal_rfft_s32_scratch_size(const micro_signal_rfft_s32_params_t *p)
{
    return 2 * (int64_t)p->half_length * (int64_t)sizeof(int32_t);
}

static micro_status_t step(const void *params, void *const *op)
{
    return micro_signal_rfft_s32(
        params, op[MICRO_SIGNAL_RFFT_S32_INPUT], op[MICRO_SIGNAL_RFFT_S32_TWIDDLES],
        op[MICRO_SIGNAL_RFFT_S32_SUPER_TWIDDLES], op[MICRO_SIGNAL_RFFT_S32_SCRATCH],
        op[MICRO_SIGNAL_RFFT_S32_OUTPUT]);
}

static micro_status_t check(const void *params, void *const *op, const uint32_t *size)
{
    const micro_signal_rfft_s32_params_t *p = params;
    const micro_status_t status = micro_kiss_rfft_check(p, size, (int64_t)sizeof(int32_t));
    if (status != MICRO_OK) {
        return status;
    }
    if (!micro_kiss_twiddles_ok_s32(op[MICRO_SIGNAL_RFFT_S32_TWIDDLES], 2 * p->half_length) ||
        !micro_kiss_twiddles_ok_s32(op[MICRO_SIGNAL_RFFT_S32_SUPER_TWIDDLES],
                                    2 * (p->half_length / 2))) {
        return MICRO_ERR_PARAMS;
    }
    return MICRO_OK;
}

/* Overlap rule: none (frames are read in several passes while earlier frames' bins are
 * written; not derived). */
const micro_kernel_t micro_kernel_signal_rfft_s32 = {
    step, check, sizeof(micro_signal_rfft_s32_params_t), MICRO_SIGNAL_RFFT_S32_N_OPERANDS,
    MICRO_OVERLAP_NONE};
