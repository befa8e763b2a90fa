#include "micro/kernels/mean_s8.h"

#include <stddef.h>

#include "micro/kernel.h"
#include "mean.h"

micro_status_t micro_mean_s8(const micro_mean_s8_params_t *p, const int8_t *input,
                             int32_t *scratch, int8_t *output)
{
    micro_mean_run(p, input, 1, scratch, output);
    return MICRO_OK;
}

int64_t micro_mean_s8_scratch_size(const micro_mean_s8_params_t *p)
{
    int64_t block_out = 1; /* the kept dims after dims[0] */
    for (int32_t d = 1; d < p->rank; ++d) {
        block_out *= ((p->reduced >> d) & 1u) ? 1 : p->dims[d];
    }
    return block_out * (int64_t)sizeof(int32_t);
}

static micro_status_t step(const void *params, void *const *op)
{
    return micro_mean_s8(params, op[MICRO_MEAN_S8_INPUT], op[MICRO_MEAN_S8_SCRATCH],
                         op[MICRO_MEAN_S8_OUTPUT]);
}

static micro_status_t check(const void *params, void *const *op, const uint32_t *size)
{
    (void)op;
    return micro_mean_check(params, size, 1);
}

/* Overlap rule: none (a reduction through scratch accumulators; its output is a fraction of
 * the input; not derived). */
const micro_kernel_t micro_kernel_mean_s8 = {step, check, sizeof(micro_mean_s8_params_t),
                                             MICRO_MEAN_S8_N_OPERANDS, MICRO_OVERLAP_NONE};
