#include "micro/kernels/mean_s16.h"

#include <stddef.h>

#include "micro/kernel.h"
#include "mean.h"

micro_status_t micro_mean_s16(const micro_mean_s16_params_t *p, const int16_t *input,
                              int32_t *scratch, int16_t *output)
{
    micro_mean_run(p, input, 2, scratch, output);
    return MICRO_OK;
}

int64_t micro_mean_s16_scratch_size(const micro_mean_s16_params_t *p)
{
    return micro_mean_s8_scratch_size(p);
}

static micro_status_t step(const void *params, void *const *op)
{
    return micro_mean_s16(params, op[MICRO_MEAN_S16_INPUT], op[MICRO_MEAN_S16_SCRATCH],
                          op[MICRO_MEAN_S16_OUTPUT]);
}

static micro_status_t check(const void *params, void *const *op, const uint32_t *size)
{
    (void)op;
    return micro_mean_check(params, size, 2);
}

/* Overlap rule: none (a reduction: an output is written once all its inputs are summed). */
const micro_kernel_t micro_kernel_mean_s16 = {step, check, sizeof(micro_mean_s16_params_t),
                                              MICRO_MEAN_S16_N_OPERANDS, MICRO_OVERLAP_NONE};
