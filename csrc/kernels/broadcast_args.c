#include "micro/kernels/broadcast_args.h"

#include <stddef.h>
#include <string.h>

#include "micro/kernel.h"
#include "check.h"

/* Extent `back` places from the end of a shape, 1 past its start. */
static int64_t extent(const void *shape, int32_t n, int32_t width, int32_t back)
{
    const int32_t i = n - 1 - back;
    if (i < 0) {
        return 1;
    }
    if (width == 4) {
        return ((const int32_t *)shape)[i];
    }
    int64_t v;
    memcpy(&v, (const uint8_t *)shape + 8 * (size_t)i, sizeof v);
    return v;
}

micro_status_t micro_broadcast_args(const micro_broadcast_args_params_t *p, const void *shape1,
                                    const void *shape2, void *output)
{
    for (int32_t back = 0; back < p->n_out; ++back) {
        const int64_t a = extent(shape1, p->n1, p->width, back);
        const int64_t b = extent(shape2, p->n2, p->width, back);
        if (a != 1 && b != 1 && a != b) {
            return MICRO_ERR_PARAMS;
        }
        const int64_t v = a == 1 ? b : a;
        const size_t at = (size_t)(p->n_out - 1 - back);
        if (p->width == 4) {
            ((int32_t *)output)[at] = (int32_t)v;
        } else {
            memcpy((uint8_t *)output + 8 * at, &v, sizeof v);
        }
    }
    return MICRO_OK;
}

static micro_status_t step(const void *params, void *const *op)
{
    return micro_broadcast_args(params, op[0], op[1], op[2]);
}

static micro_status_t check(const void *params, void *const *op, const uint32_t *size)
{
    const micro_broadcast_args_params_t *p = params;
    (void)op;
    if ((p->width != 4 && p->width != 8) || p->n1 < 0 || p->n2 < 0 || p->n_out < 1 ||
        p->n_out < p->n1 || p->n_out < p->n2) {
        return MICRO_ERR_PARAMS;
    }
    if (!micro_fits(size[0], p->n1, p->width) || !micro_fits(size[1], p->n2, p->width) ||
        !micro_fits(size[2], p->n_out, p->width)) {
        return MICRO_ERR_OPERANDS;
    }
    return MICRO_OK;
}

/* Overlap rule: none (two shape vectors in, one shape out; nothing is worth overlapping). */
const micro_kernel_t micro_kernel_broadcast_args = {
    step, check, sizeof(micro_broadcast_args_params_t), MICRO_BROADCAST_ARGS_N_OPERANDS,
    MICRO_OVERLAP_NONE};
