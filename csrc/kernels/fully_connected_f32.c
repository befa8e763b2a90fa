#include "micro/kernels/fully_connected_f32.h"

#include <stddef.h>

#include "micro/kernel.h"
#include "check.h"
#include "overlap.h"

micro_status_t micro_fully_connected_f32(const micro_fully_connected_f32_params_t *p,
                                         const float *input, const float *filter,
                                         const float *bias, float *output)
{
    const int32_t depth = p->input_depth;
    for (int32_t b = 0; b < p->batches; ++b) {
        const float *row = input + (int64_t)b * depth;
        for (int32_t n = 0; n < p->output_depth; ++n) {
            const float *w = filter + (int64_t)n * depth;
            float total = 0.0f;
            for (int32_t k = 0; k < depth; ++k) {
                total += row[k] * w[k];
            }
            if (bias != 0) {
                total += bias[n];
            }
            total = total < p->act_min ? p->act_min : total;
            total = total > p->act_max ? p->act_max : total;
            output[(int64_t)b * p->output_depth + n] = total;
        }
    }
    return MICRO_OK;
}

static micro_status_t step(const void *params, void *const *op)
{
    return micro_fully_connected_f32(
        params, op[MICRO_FULLY_CONNECTED_F32_INPUT], op[MICRO_FULLY_CONNECTED_F32_FILTER],
        op[MICRO_FULLY_CONNECTED_F32_BIAS], op[MICRO_FULLY_CONNECTED_F32_OUTPUT]);
}

static micro_status_t check(const void *params, void *const *op, const uint32_t *size)
{
    const micro_fully_connected_f32_params_t *p = params;
    const int32_t dims[3] = {p->batches, p->input_depth, p->output_depth};
    (void)op;
    if (micro_count(dims, 3) < 0 || !(p->act_min <= p->act_max)) {
        return MICRO_ERR_PARAMS;
    }
    if (!micro_fits(size[MICRO_FULLY_CONNECTED_F32_INPUT], (int64_t)p->batches * p->input_depth,
                    4) ||
        !micro_fits(size[MICRO_FULLY_CONNECTED_F32_FILTER],
                    (int64_t)p->output_depth * p->input_depth, 4) ||
        (size[MICRO_FULLY_CONNECTED_F32_BIAS] != 0 &&
         !micro_fits(size[MICRO_FULLY_CONNECTED_F32_BIAS], p->output_depth, 4)) ||
        !micro_fits(size[MICRO_FULLY_CONNECTED_F32_OUTPUT], (int64_t)p->batches * p->output_depth,
                    4)) {
        return MICRO_ERR_OPERANDS;
    }
    return MICRO_OK;
}

/* Overlap rule, output over input: batch rows in order, reading the whole input row b
 * for every output of row b. */
static uint32_t gap(const void *params, const uint32_t *size, uint32_t in, uint32_t out)
{
    const micro_fully_connected_f32_params_t *p = params;
    (void)size;
    const micro_rows_t g = {1, p->batches, 4 * (int64_t)p->output_depth, p->batches,
                            4 * (int64_t)p->input_depth, 1, 0, 0};
    return in == MICRO_FULLY_CONNECTED_F32_INPUT && out == MICRO_FULLY_CONNECTED_F32_OUTPUT
               ? micro_rows_gap(&g)
               : MICRO_NO_OVERLAP;
}

const micro_kernel_t micro_kernel_fully_connected_f32 = {
    step, check, sizeof(micro_fully_connected_f32_params_t), MICRO_FULLY_CONNECTED_F32_N_OPERANDS, gap};
