#include "micro/kernels/l2_norm_f32.h"

#include <stddef.h>

#include "micro/kernel.h"
#include "check.h"
#include "float_bits.h"
#include "overlap.h"

micro_status_t micro_l2_norm_f32(const micro_l2_norm_f32_params_t *p, const float *input,
                                 float *output)
{
    const float epsilon = 1e-6f;
    for (int32_t r = 0; r < p->rows; ++r) {
        const float *x = input + (ptrdiff_t)r * p->depth;
        float *y = output + (ptrdiff_t)r * p->depth;
        float squares = 0.0f;
        for (int32_t c = 0; c < p->depth; ++c) {
            squares += x[c] * x[c];
        }
        float norm = micro_sqrt_f32(squares);
        norm = norm < epsilon ? epsilon : norm;
        for (int32_t c = 0; c < p->depth; ++c) {
            y[c] = x[c] / norm;
        }
    }
    return MICRO_OK;
}

static micro_status_t step(const void *params, void *const *op)
{
    return micro_l2_norm_f32(params, op[MICRO_L2_NORM_F32_INPUT], op[MICRO_L2_NORM_F32_OUTPUT]);
}

static micro_status_t check(const void *params, void *const *op, const uint32_t *size)
{
    const micro_l2_norm_f32_params_t *p = params;
    (void)op;
    const int32_t dims[2] = {p->rows, p->depth};
    const int64_t count = micro_count(dims, 2);
    if (count < 0) {
        return MICRO_ERR_PARAMS;
    }
    if (!micro_fits(size[MICRO_L2_NORM_F32_INPUT], count, 4) ||
        !micro_fits(size[MICRO_L2_NORM_F32_OUTPUT], count, 4)) {
        return MICRO_ERR_OPERANDS;
    }
    return MICRO_OK;
}

/* Overlap rule, output over input: a row is read whole (its sum of squares) before any of
 * it is written, then element i is read and written in order, so an output at or below
 * the input only overwrites values already read (micro_elementwise_gap). */
static uint32_t gap(const void *params, const uint32_t *size, uint32_t in, uint32_t out)
{
    const micro_l2_norm_f32_params_t *p = params;
    (void)size;
    return in == MICRO_L2_NORM_F32_INPUT && out == MICRO_L2_NORM_F32_OUTPUT
               ? micro_elementwise_gap((int64_t)p->rows * p->depth, 4, 4)
               : MICRO_NO_OVERLAP;
}

const micro_kernel_t micro_kernel_l2_norm_f32 = {step, check, sizeof(micro_l2_norm_f32_params_t),
                                                 MICRO_L2_NORM_F32_N_OPERANDS, gap};
