#include "micro/kernels/reduce_f32.h"

#include <stddef.h>

#include "micro/kernel.h"
#include "check.h"
#include "reduce.h"

static inline float combine(int32_t op, float acc, float in)
{
    switch (op) {
    case MICRO_REDUCE_F32_SUM: return in + acc;
    case MICRO_REDUCE_F32_MEAN: return acc + in;
    case MICRO_REDUCE_F32_MAX: return in > acc ? in : acc;
    default: return in < acc ? in : acc;
    }
}

/* One block of dims[0] for a fixed op: the switch in micro_reduce_f32 makes `op` a
 * constant in each copy. */
static inline void reduce_block(int32_t op, const micro_reduce_layout_t *l, const float *x,
                                float *out, float init)
{
    for (int32_t j = 0; j < l->block_out; ++j) {
        out[j] = init;
    }
    int32_t index[MICRO_REDUCE_MAX_DIMS] = {0};
    int32_t base = 0; /* output index of the current row */
    for (int32_t r = 0; r < l->rows; ++r, x += l->inner) {
        if (l->inner_reduced) {
            float acc = out[base];
            for (int32_t i = 0; i < l->inner; ++i) {
                acc = combine(op, acc, x[i]);
            }
            out[base] = acc;
        } else {
            float *acc = out + base;
            for (int32_t i = 0; i < l->inner; ++i) {
                acc[i] = combine(op, acc[i], x[i]);
            }
        }
        base = micro_reduce_next_row(l, index, base);
    }
}

micro_status_t micro_reduce_f32(const micro_reduce_f32_params_t *p, const float *input,
                                float *output)
{
    micro_reduce_layout_t l;
    micro_reduce_layout(p->rank, p->dims, p->reduced, &l);
    int64_t n_in = 0, n_out = 0, count = 1; /* check() accepted the layout */
    micro_reduce_shape_ok(p->rank, p->dims, p->reduced, &n_in, &n_out, &count);
    for (int32_t o = 0; o < p->dims[0]; ++o) {
        const float *x = input + (ptrdiff_t)o * l.block_in;
        float *out = output + (ptrdiff_t)o * l.block_out;
        switch (p->op) {
        case MICRO_REDUCE_F32_SUM: reduce_block(MICRO_REDUCE_F32_SUM, &l, x, out, 0.0f); break;
        case MICRO_REDUCE_F32_MEAN:
            reduce_block(MICRO_REDUCE_F32_MEAN, &l, x, out, 0.0f);
            for (int32_t j = 0; j < l.block_out; ++j) {
                out[j] = out[j] / (float)count;
            }
            break;
        case MICRO_REDUCE_F32_MAX:
            reduce_block(MICRO_REDUCE_F32_MAX, &l, x, out, -3.40282347e+38f);
            break;
        default: reduce_block(MICRO_REDUCE_F32_MIN, &l, x, out, 3.40282347e+38f); break;
        }
    }
    return MICRO_OK;
}

static micro_status_t step(const void *params, void *const *op)
{
    return micro_reduce_f32(params, op[MICRO_REDUCE_F32_INPUT], op[MICRO_REDUCE_F32_OUTPUT]);
}

static micro_status_t check(const void *params, void *const *op, const uint32_t *size)
{
    const micro_reduce_f32_params_t *p = params;
    (void)op;
    int64_t n_in, n_out, count;
    if (!micro_in_range(p->op, 0, 3) ||
        !micro_reduce_shape_ok(p->rank, p->dims, p->reduced, &n_in, &n_out, &count)) {
        return MICRO_ERR_PARAMS;
    }
    if (!micro_fits(size[MICRO_REDUCE_F32_INPUT], n_in, 4) ||
        !micro_fits(size[MICRO_REDUCE_F32_OUTPUT], n_out, 4)) {
        return MICRO_ERR_OPERANDS;
    }
    return MICRO_OK;
}

/* Overlap rule: none (the output accumulates across the whole block of input it reduces,
 * initialised before that block is read). */
const micro_kernel_t micro_kernel_reduce_f32 = {step, check, sizeof(micro_reduce_f32_params_t),
                                                MICRO_REDUCE_F32_N_OPERANDS, MICRO_OVERLAP_NONE};
