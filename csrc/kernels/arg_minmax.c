#include "micro/kernels/arg_minmax.h"

#include <stddef.h>
#include <string.h>

#include "micro/kernel.h"
#include "check.h"

/* 1 if element a beats element b (strictly greater for max, strictly less for min). */
static int beats(const micro_arg_minmax_params_t *p, const void *input, ptrdiff_t a, ptrdiff_t b)
{
    if (p->kind == MICRO_ARG_S8) {
        const int8_t *x = input;
        return p->is_min ? x[a] < x[b] : x[a] > x[b];
    }
    float x, y;
    memcpy(&x, (const uint8_t *)input + a * 4, 4);
    memcpy(&y, (const uint8_t *)input + b * 4, 4);
    return p->is_min ? x < y : x > y;
}

micro_status_t micro_arg_minmax(const micro_arg_minmax_params_t *p, const void *input,
                                void *output)
{
    uint8_t *out = output;
    for (int32_t o = 0; o < p->outer; ++o) {
        const ptrdiff_t base = (ptrdiff_t)o * p->axis_size * p->inner;
        for (int32_t i = 0; i < p->inner; ++i) {
            int32_t best = 0;
            for (int32_t k = 1; k < p->axis_size; ++k) {
                if (beats(p, input, base + (ptrdiff_t)k * p->inner + i,
                          base + (ptrdiff_t)best * p->inner + i)) {
                    best = k;
                }
            }
            if (p->out_width == 4) {
                memcpy(out, &best, 4);
            } else {
                const int64_t wide = best;
                memcpy(out, &wide, 8);
            }
            out += p->out_width;
        }
    }
    return MICRO_OK;
}

static micro_status_t step(const void *params, void *const *op)
{
    return micro_arg_minmax(params, op[0], op[1]);
}

static micro_status_t check(const void *params, void *const *op, const uint32_t *size)
{
    (void)op;
    const micro_arg_minmax_params_t *p = params;
    const int32_t dims[3] = {p->outer, p->axis_size, p->inner};
    const int32_t out_dims[2] = {p->outer, p->inner};
    if (micro_count(dims, 3) < 0 || !micro_in_range(p->kind, 0, 1) ||
        !micro_in_range(p->is_min, 0, 1) || (p->out_width != 4 && p->out_width != 8)) {
        return MICRO_ERR_PARAMS;
    }
    if (!micro_fits(size[0], micro_count(dims, 3), p->kind == MICRO_ARG_S8 ? 1 : 4) ||
        !micro_fits(size[1], micro_count(out_dims, 2), p->out_width)) {
        return MICRO_ERR_OPERANDS;
    }
    return MICRO_OK;
}

/* Overlap rule: none (a reduction: an output element is written once its whole axis is
 * read, and outputs are a fraction of the input; not derived). */
const micro_kernel_t micro_kernel_arg_minmax = {step, check, sizeof(micro_arg_minmax_params_t), MICRO_ARG_MINMAX_N_OPERANDS, MICRO_OVERLAP_NONE};
