#include "micro/kernels/reduce_minmax_s8.h"

#include <stddef.h>

#include "micro/kernel.h"
#include "check.h"
#include "reduce.h"

/* REDUCE_MIN runs as REDUCE_MAX on the bitwise complement (~x = -1 - x reverses the
 * order of int8 and maps int8 onto itself): min(x) = ~max(~x). */
static inline int8_t flip(int8_t x, int8_t mask)
{
    return (int8_t)(x ^ mask);
}

micro_status_t micro_reduce_minmax_s8(const micro_reduce_minmax_s8_params_t *p,
                                      const int8_t *input, int8_t *output)
{
    const int8_t mask = p->minimum ? (int8_t)-1 : (int8_t)0;
    micro_reduce_layout_t l;
    micro_reduce_layout(p->rank, p->dims, p->reduced, &l);
    const int8_t *x = input;
    int8_t *out = output;
    for (int32_t o = 0; o < p->dims[0]; ++o, out += l.block_out) {
        for (int32_t j = 0; j < l.block_out; ++j) {
            out[j] = -128;
        }
        int32_t index[MICRO_REDUCE_MAX_DIMS] = {0};
        int32_t base = 0; /* output index of the current row */
        for (int32_t r = 0; r < l.rows; ++r, x += l.inner) {
            if (l.inner_reduced) {
                int8_t best = out[base];
                for (int32_t i = 0; i < l.inner; ++i) {
                    const int8_t v = flip(x[i], mask);
                    best = v > best ? v : best;
                }
                out[base] = best;
            } else {
                int8_t *best = out + base;
                for (int32_t i = 0; i < l.inner; ++i) {
                    const int8_t v = flip(x[i], mask);
                    best[i] = v > best[i] ? v : best[i];
                }
            }
            base = micro_reduce_next_row(&l, index, base);
        }
        for (int32_t j = 0; j < l.block_out; ++j) {
            out[j] = flip(out[j], mask);
        }
    }
    return MICRO_OK;
}

static micro_status_t step(const void *params, void *const *op)
{
    return micro_reduce_minmax_s8(params, op[MICRO_REDUCE_MINMAX_S8_INPUT],
                                  op[MICRO_REDUCE_MINMAX_S8_OUTPUT]);
}

static micro_status_t check(const void *params, void *const *op, const uint32_t *size)
{
    (void)op;
    const micro_reduce_minmax_s8_params_t *p = params;
    int64_t n_in, n_out, count;
    if (!micro_reduce_shape_ok(p->rank, p->dims, p->reduced, &n_in, &n_out, &count) ||
        !micro_in_range(p->minimum, 0, 1)) {
        return MICRO_ERR_PARAMS;
    }
    if (!micro_fits(size[MICRO_REDUCE_MINMAX_S8_INPUT], n_in, 1) ||
        !micro_fits(size[MICRO_REDUCE_MINMAX_S8_OUTPUT], n_out, 1)) {
        return MICRO_ERR_OPERANDS;
    }
    return MICRO_OK;
}

/* Overlap rule: none (a reduction: an output element is written once its whole axis is
 * read, and outputs are a fraction of the input; not derived). */
const micro_kernel_t micro_kernel_reduce_minmax_s8 = {
    step, check, sizeof(micro_reduce_minmax_s8_params_t), MICRO_REDUCE_MINMAX_S8_N_OPERANDS, MICRO_OVERLAP_NONE};
