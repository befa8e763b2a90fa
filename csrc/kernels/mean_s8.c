#include "micro/kernels/mean_s8.h"

#include <stddef.h>

#include "micro/kernel.h"
#include "check.h"
#include "fixedpoint.h"
#include "reduce.h"
#include "requant.h"

micro_status_t micro_mean_s8(const micro_mean_s8_params_t *p, const int8_t *input,
                             int32_t *scratch, int8_t *output)
{
    micro_reduce_layout_t l;
    micro_reduce_layout(p->rank, p->dims, p->reduced, &l);
    const int8_t *x = input;
    for (int32_t o = 0; o < p->dims[0]; ++o) {
        for (int32_t j = 0; j < l.block_out; ++j) {
            scratch[j] = 0;
        }
        int32_t index[MICRO_REDUCE_MAX_DIMS] = {0};
        int32_t base = 0; /* scratch index of the current row */
        for (int32_t r = 0; r < l.rows; ++r, x += l.inner) {
            if (l.inner_reduced) {
                int32_t sum = 0;
                for (int32_t i = 0; i < l.inner; ++i) {
                    sum += x[i];
                }
                scratch[base] += sum;
            } else {
                int32_t *acc = scratch + base;
                for (int32_t i = 0; i < l.inner; ++i) {
                    acc[i] += x[i];
                }
            }
            base = micro_reduce_next_row(&l, index, base);
        }
        int8_t *out = output + (int64_t)o * l.block_out;
        for (int32_t j = 0; j < l.block_out; ++j) {
            const int32_t shifted = micro_fx_add(scratch[j], p->bias);
            const int32_t y = micro_requantize_zp(shifted, p->multiplier, p->shift, p->output_zp);
            out[j] = (int8_t)micro_clamp(y, -128, 127);
        }
    }
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
    const micro_mean_s8_params_t *p = params;
    int64_t n_in, n_out, count;
    if (!micro_reduce_shape_ok(p->rank, p->dims, p->reduced, &n_in, &n_out, &count) ||
        count > INT32_MAX / 128 || !micro_in_range(p->output_zp, -128, 127) ||
        p->multiplier < 0 || !micro_in_range(p->shift, -31, 30)) {
        return MICRO_ERR_PARAMS;
    }
    if (!micro_fits(size[MICRO_MEAN_S8_INPUT], n_in, 1) ||
        !micro_fits(size[MICRO_MEAN_S8_SCRATCH], micro_mean_s8_scratch_size(p), 1) ||
        !micro_fits(size[MICRO_MEAN_S8_OUTPUT], n_out, 1)) {
        return MICRO_ERR_OPERANDS;
    }
    return MICRO_OK;
}

/* Overlap rule: none (a reduction through scratch accumulators; its output is a fraction of
 * the input; not derived). */
const micro_kernel_t micro_kernel_mean_s8 = {step, check, sizeof(micro_mean_s8_params_t),
                                             MICRO_MEAN_S8_N_OPERANDS, MICRO_OVERLAP_NONE};
