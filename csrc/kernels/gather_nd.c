#include "micro/kernels/gather_nd.h"

#include <stddef.h>
#include <string.h>

#include "micro/kernel.h"
#include "check.h"

micro_status_t micro_gather_nd(const micro_gather_nd_params_t *p, const void *params,
                               const int32_t *indices, void *output)
{
    const size_t slice = (size_t)p->slice_size * (size_t)p->elem_size;
    for (int32_t i = 0; i < p->n_slices; ++i) {
        int64_t from = 0;
        for (int32_t j = 0; j < p->index_depth; ++j) {
            from += (int64_t)indices[(ptrdiff_t)i * p->index_depth + j] * p->strides[j];
        }
        if (from < 0 || from + p->slice_size > p->params_count) {
            return MICRO_ERR_INDEX;
        }
        memcpy((uint8_t *)output + (size_t)i * slice,
               (const uint8_t *)params + (size_t)from * (size_t)p->elem_size, slice);
    }
    return MICRO_OK;
}

static micro_status_t step(const void *params, void *const *op)
{
    return micro_gather_nd(params, op[0], op[1], op[2]);
}

static micro_status_t check(const void *params, void *const *op, const uint32_t *size)
{
    const micro_gather_nd_params_t *p = params;
    if (!micro_elem_size_ok(p->elem_size) || p->n_slices < 1 ||
        !micro_in_range(p->index_depth, 1, MICRO_GATHER_ND_MAX_DEPTH) || p->slice_size < 1 ||
        p->params_count < p->slice_size) {
        return MICRO_ERR_PARAMS;
    }
    for (int32_t j = 0; j < p->index_depth; ++j) {
        if (p->strides[j] < 0) {
            return MICRO_ERR_PARAMS;
        }
    }
    const int64_t n_out = (int64_t)p->n_slices * p->slice_size;
    if (!micro_fits(size[0], p->params_count, p->elem_size) ||
        !micro_fits(size[1], (int64_t)p->n_slices * p->index_depth, 4) ||
        !micro_fits(size[2], n_out, p->elem_size) ||
        !micro_disjoint(op[0], size[0], op[2], size[2])) {
        return MICRO_ERR_OPERANDS;
    }
    return MICRO_OK;
}

/* Overlap rule: none (indices read the input in any order, any number of times). */
const micro_kernel_t micro_kernel_gather_nd = {step, check, sizeof(micro_gather_nd_params_t),
                                               MICRO_GATHER_ND_N_OPERANDS, MICRO_OVERLAP_NONE};
