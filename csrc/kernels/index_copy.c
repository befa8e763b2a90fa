#include "micro/kernels/index_copy.h"

#include <stddef.h>
#include <string.h>

#include "micro/kernel.h"
#include "check.h"

micro_status_t micro_index_copy(const micro_index_copy_params_t *p, const void *input,
                                const int32_t *tables, void *output)
{
    const int32_t n = p->n_dims;
    const size_t run = (size_t)p->run * (size_t)p->elem_size;
    const int32_t *table[MICRO_INDEX_COPY_MAX_DIMS];
    int32_t index[MICRO_INDEX_COPY_MAX_DIMS] = {0};
    const int32_t *t = tables;
    for (int32_t k = 0; k < n; ++k) {
        table[k] = t;
        t += p->shape[k];
    }
    const uint8_t *src = input;
    uint8_t *dst = output;
    const int32_t last = n - 1;
    for (;;) {
        int64_t base = 0; /* offset of the outer dims; the innermost dim is the fast loop */
        for (int32_t k = 0; k < last; ++k) {
            base += table[k][index[k]];
        }
        for (int32_t i = 0; i < p->shape[last]; ++i) {
            memcpy(dst, src + (size_t)(base + table[last][i]) * (size_t)p->elem_size, run);
            dst += run;
        }
        int32_t k = last - 1;
        for (; k >= 0; --k) {
            if (++index[k] < p->shape[k]) {
                break;
            }
            index[k] = 0;
        }
        if (k < 0) {
            return MICRO_OK;
        }
    }
}

static micro_status_t step(const void *params, void *const *op)
{
    return micro_index_copy(params, op[0], op[1], op[2]);
}

static micro_status_t check(const void *params, void *const *op, const uint32_t *size)
{
    const micro_index_copy_params_t *p = params;
    if (!micro_elem_size_ok(p->elem_size) ||
        !micro_in_range(p->n_dims, 1, MICRO_INDEX_COPY_MAX_DIMS) || p->run < 1) {
        return MICRO_ERR_PARAMS;
    }
    const int64_t positions = micro_count(p->shape, p->n_dims);
    if (positions < 0 || positions * p->run > INT32_MAX) {
        return MICRO_ERR_PARAMS;
    }
    int64_t entries = 0;
    for (int32_t k = 0; k < p->n_dims; ++k) {
        entries += p->shape[k];
    }
    if (!micro_fits(size[1], entries, 4) || !micro_fits(size[2], positions * p->run, p->elem_size) ||
        !micro_disjoint(op[0], size[0], op[2], size[2])) {
        return MICRO_ERR_OPERANDS;
    }
    /* The farthest element any position reads: the sum of each table's largest entry. */
    const int32_t *t = op[1];
    int64_t reach = p->run;
    for (int32_t k = 0; k < p->n_dims; ++k) {
        int32_t largest = 0;
        for (int32_t i = 0; i < p->shape[k]; ++i, ++t) {
            if (*t < 0) {
                return MICRO_ERR_PARAMS;
            }
            largest = *t > largest ? *t : largest;
        }
        reach += largest;
    }
    if (!micro_fits(size[0], reach, p->elem_size)) {
        return MICRO_ERR_OPERANDS;
    }
    return MICRO_OK;
}

/* Overlap rule: none (copies runs in the order of their indices, not the input's). */
const micro_kernel_t micro_kernel_index_copy = {step, check, sizeof(micro_index_copy_params_t), MICRO_INDEX_COPY_N_OPERANDS, MICRO_OVERLAP_NONE};
