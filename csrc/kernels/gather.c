#include "micro/kernels/gather.h"

#include <stddef.h>
#include <string.h>

#include "micro/kernel.h"
#include "check.h"

micro_status_t micro_gather(const micro_gather_params_t *p, const void *input,
                            const int32_t *coords, void *output)
{
    const size_t run = (size_t)p->inner * (size_t)p->elem_size;
    const uint8_t *src = input;
    uint8_t *dst = output;
    for (int32_t b = 0; b < p->batches; ++b) {
        const int32_t *index = coords + (ptrdiff_t)b * p->n_coords;
        for (int32_t o = 0; o < p->outer; ++o) {
            for (int32_t i = 0; i < p->n_coords; ++i) {
                if (index[i] < 0 || index[i] >= p->axis_size) {
                    return MICRO_ERR_INDEX;
                }
                memcpy(dst, src + (size_t)index[i] * run, run);
                dst += run;
            }
            src += (size_t)p->axis_size * run;
        }
    }
    return MICRO_OK;
}

static micro_status_t step(const void *params, void *const *op)
{
    return micro_gather(params, op[0], op[1], op[2]);
}

static micro_status_t check(const void *params, void *const *op, const uint32_t *size)
{
    const micro_gather_params_t *p = params;
    const int32_t in_dims[4] = {p->batches, p->outer, p->axis_size, p->inner};
    const int32_t out_dims[4] = {p->batches, p->outer, p->n_coords, p->inner};
    const int32_t coord_dims[2] = {p->batches, p->n_coords};
    const int64_t in_count = micro_count(in_dims, 4);
    const int64_t out_count = micro_count(out_dims, 4);
    if (!micro_elem_size_ok(p->elem_size) || in_count < 0 || out_count < 0) {
        return MICRO_ERR_PARAMS;
    }
    if (!micro_fits(size[0], in_count, p->elem_size) ||
        !micro_fits(size[1], micro_count(coord_dims, 2), 4) ||
        !micro_fits(size[2], out_count, p->elem_size) ||
        !micro_disjoint(op[0], size[0], op[2], size[2])) {
        return MICRO_ERR_OPERANDS;
    }
    return MICRO_OK;
}

/* Overlap rule: none (indices read the input in any order, any number of times). */
const micro_kernel_t micro_kernel_gather = {step, check, sizeof(micro_gather_params_t), MICRO_GATHER_N_OPERANDS, MICRO_OVERLAP_NONE};
