#include "micro/kernels/update_slice.h"

#include <stddef.h>
#include <string.h>

#include "micro/kernel.h"
#include "check.h"

static int64_t count(const int32_t *dims, int32_t rank)
{
    int64_t n = 1;
    for (int32_t d = 0; d < rank; ++d) {
        n *= dims[d];
    }
    return n;
}

micro_status_t micro_update_slice(const micro_update_slice_params_t *p, const void *operand,
                                  const void *update, const void *indices, void *output)
{
    const int32_t rank = p->rank;
    const size_t es = (size_t)p->elem_size;
    const int64_t n = count(p->dims, rank), n_update = count(p->update_dims, rank);
    if (n == n_update) {
        memcpy(output, update, (size_t)n * es);
        return MICRO_OK;
    }
    memcpy(output, operand, (size_t)n * es);
    /* the offset of the update's start, and each dim's stride, in elements */
    int64_t stride[MICRO_UPDATE_SLICE_MAX_DIMS];
    int64_t base = 0, step = 1;
    for (int32_t d = rank - 1; d >= 0; --d) {
        int64_t start;
        if (p->index_width == 4) {
            start = ((const int32_t *)indices)[d];
        } else {
            memcpy(&start, (const uint8_t *)indices + 8 * (size_t)d, sizeof start);
        }
        const int64_t hi = (int64_t)p->dims[d] - p->update_dims[d];
        start = start < 0 ? 0 : (start > hi ? hi : start);
        stride[d] = step;
        base += start * step;
        step *= p->dims[d];
    }
    /* one contiguous row of the update (its last dim) per index of the outer dims */
    const int64_t row = p->update_dims[rank - 1];
    const uint8_t *src = update;
    for (int64_t r = 0; r < n_update / row; ++r) {
        int64_t at = base, rest = r;
        for (int32_t d = rank - 2; d >= 0; --d) {
            at += (rest % p->update_dims[d]) * stride[d];
            rest /= p->update_dims[d];
        }
        memcpy((uint8_t *)output + (size_t)at * es, src + (size_t)(r * row) * es,
               (size_t)row * es);
    }
    return MICRO_OK;
}

static micro_status_t step(const void *params, void *const *op)
{
    return micro_update_slice(params, op[0], op[1], op[2], op[3]);
}

static micro_status_t check(const void *params, void *const *op, const uint32_t *size)
{
    const micro_update_slice_params_t *p = params;
    if (!micro_elem_size_ok(p->elem_size) || (p->index_width != 4 && p->index_width != 8) ||
        !micro_in_range(p->rank, 1, MICRO_UPDATE_SLICE_MAX_DIMS) ||
        micro_count(p->dims, p->rank) < 0) {
        return MICRO_ERR_PARAMS;
    }
    for (int32_t d = 0; d < p->rank; ++d) {
        if (!micro_in_range(p->update_dims[d], 1, p->dims[d])) {
            return MICRO_ERR_PARAMS;
        }
    }
    const int64_t n = micro_count(p->dims, p->rank);
    if (!micro_fits(size[0], n, p->elem_size) ||
        !micro_fits(size[1], micro_count(p->update_dims, p->rank), p->elem_size) ||
        !micro_fits(size[2], p->rank, p->index_width) || !micro_fits(size[3], n, p->elem_size) ||
        !micro_disjoint(op[0], size[0], op[3], size[3]) ||
        !micro_disjoint(op[1], size[1], op[3], size[3])) {
        return MICRO_ERR_OPERANDS;
    }
    return MICRO_OK;
}

/* Overlap rule: none (the output is written over the operand before the update is read). */
const micro_kernel_t micro_kernel_update_slice = {
    step, check, sizeof(micro_update_slice_params_t), MICRO_UPDATE_SLICE_N_OPERANDS,
    MICRO_OVERLAP_NONE};
