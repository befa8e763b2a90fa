#include "micro/kernels/signal_rfft_f32.h"

#include <stddef.h>

#include "micro/kernel.h"
#include "check.h"
#include "kiss_fft_f32.h"

micro_status_t micro_signal_rfft_f32(const micro_signal_rfft_f32_params_t *p,
                                     const float *input, const float *twiddles,
                                     const float *super_twiddles, float *scratch,
                                     float *output)
{
    const int32_t h = p->half_length;
    const cpx_f32 *tw = (const cpx_f32 *)(const void *)twiddles;
    const cpx_f32 *super = (const cpx_f32 *)(const void *)super_twiddles;
    cpx_f32 *f = (cpx_f32 *)(void *)scratch;
    for (int32_t frame = 0; frame < p->frames; ++frame) {
        micro_kiss_fft_f32(h, p->n_stages, p->radix, 0, micro_kiss_pair_f32,
                           input + (int64_t)frame * p->input_length, p->input_length, tw, f);
        micro_kiss_split_f32(f, h, super,
                             (cpx_f32 *)(void *)(output + (int64_t)frame * 2 * (h + 1)));
    }
    return MICRO_OK;
}

int64_t micro_signal_rfft_f32_scratch_size(const micro_signal_rfft_f32_params_t *p)
{
    return 2 * (int64_t)p->half_length * (int64_t)sizeof(float);
}

static micro_status_t step(const void *params, void *const *op)
{
    return micro_signal_rfft_f32(
        params, op[MICRO_SIGNAL_RFFT_F32_INPUT], op[MICRO_SIGNAL_RFFT_F32_TWIDDLES],
        op[MICRO_SIGNAL_RFFT_F32_SUPER_TWIDDLES], op[MICRO_SIGNAL_RFFT_F32_SCRATCH],
        op[MICRO_SIGNAL_RFFT_F32_OUTPUT]);
}

static micro_status_t check(const void *params, void *const *op, const uint32_t *size)
{
    (void)op;
    return micro_kiss_rfft_check(params, size, (int64_t)sizeof(float));
}

/* Overlap rule: none (frames are read in several passes while earlier frames' bins are
 * written; not derived). */
const micro_kernel_t micro_kernel_signal_rfft_f32 = {
    step, check, sizeof(micro_signal_rfft_f32_params_t), MICRO_SIGNAL_RFFT_F32_N_OPERANDS,
    MICRO_OVERLAP_NONE};
