#include "micro/kernels/signal_energy_s16.h"

#include <stddef.h>

#include <string.h>

#include "micro/kernel.h"
#include "check.h"

micro_status_t micro_signal_energy_s16(const micro_signal_energy_s16_params_t *p,
                                       const int16_t *input, uint32_t *output)
{
    const int32_t start = p->start;
    const int32_t end = p->end;
    memset(output, 0, (size_t)start * sizeof(uint32_t));
    for (int32_t i = start; i < end; ++i) {
        const int32_t re = input[2 * i];
        const int32_t im = input[2 * i + 1];
        /* Each square is <= 2^30; their sum can reach 2^31, so add unsigned. */
        output[i] = (uint32_t)(re * re) + (uint32_t)(im * im);
    }
    memset(output + end, 0, (size_t)(p->output_size - end) * sizeof(uint32_t));
    return MICRO_OK;
}

static micro_status_t step(const void *params, void *const *op)
{
    return micro_signal_energy_s16(params, op[MICRO_SIGNAL_ENERGY_S16_INPUT],
                                   op[MICRO_SIGNAL_ENERGY_S16_OUTPUT]);
}

static micro_status_t check(const void *params, void *const *op, const uint32_t *size)
{
    const micro_signal_energy_s16_params_t *p = params;
    (void)op;
    if (p->output_size < 1 || !micro_in_range(p->end, 0, p->output_size) ||
        !micro_in_range(p->start, 0, p->end)) {
        return MICRO_ERR_PARAMS;
    }
    if (!micro_fits(size[MICRO_SIGNAL_ENERGY_S16_INPUT], 2 * (int64_t)p->end, 2) ||
        !micro_fits(size[MICRO_SIGNAL_ENERGY_S16_OUTPUT], p->output_size, 4)) {
        return MICRO_ERR_OPERANDS;
    }
    return MICRO_OK;
}

/* Overlap rule: none (frames of a few hundred bytes, read in several passes; not derived).
 * */
const micro_kernel_t micro_kernel_signal_energy_s16 = {
    step, check, sizeof(micro_signal_energy_s16_params_t), MICRO_SIGNAL_ENERGY_S16_N_OPERANDS, MICRO_OVERLAP_NONE};
