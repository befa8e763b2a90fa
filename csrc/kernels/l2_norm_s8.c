#include "micro/kernels/l2_norm_s8.h"

#include <stddef.h>

#include "micro/kernel.h"
#include "check.h"
#include "fixedpoint.h"
#include "requant.h"

micro_status_t micro_l2_norm_s8(const micro_l2_norm_s8_params_t *p, const int8_t *input,
                                int8_t *output)
{
    for (int32_t r = 0; r < p->rows; ++r) {
        const int8_t *x = input + (int64_t)r * p->depth;
        int8_t *y = output + (int64_t)r * p->depth;
        int32_t sum = 0;
        for (int32_t c = 0; c < p->depth; ++c) {
            const int32_t v = x[c] - p->input_zp;
            sum += v * v;
        }
        int32_t multiplier, shift;
        micro_fx_inv_sqrt(sum, &multiplier, &shift);
        for (int32_t c = 0; c < p->depth; ++c) {
            const int32_t v = micro_requantize(x[c] - p->input_zp, multiplier, shift + 7);
            y[c] = (int8_t)micro_clamp(v, -128, 127);
        }
    }
    return MICRO_OK;
}

static micro_status_t step(const void *params, void *const *op)
{
    return micro_l2_norm_s8(params, op[MICRO_L2_NORM_S8_INPUT], op[MICRO_L2_NORM_S8_OUTPUT]);
}

static micro_status_t check(const void *params, void *const *op, const uint32_t *size)
{
    (void)op;
    const micro_l2_norm_s8_params_t *p = params;
    if (p->rows < 1 || !micro_in_range(p->depth, 1, MICRO_L2_NORM_S8_MAX_DEPTH) ||
        !micro_in_range(p->input_zp, -128, 127)) {
        return MICRO_ERR_PARAMS;
    }
    const int64_t count = (int64_t)p->rows * p->depth;
    if (!micro_fits(size[MICRO_L2_NORM_S8_INPUT], count, 1) ||
        !micro_fits(size[MICRO_L2_NORM_S8_OUTPUT], count, 1)) {
        return MICRO_ERR_OPERANDS;
    }
    return MICRO_OK;
}

/* Overlap rule: none (each row is read twice, for its sum of squares and again for its outputs). */
const micro_kernel_t micro_kernel_l2_norm_s8 = {step, check, sizeof(micro_l2_norm_s8_params_t),
                                                MICRO_L2_NORM_S8_N_OPERANDS, MICRO_OVERLAP_NONE};
