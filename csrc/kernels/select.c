#include "micro/kernels/select.h"

#include <stddef.h>
#include <string.h>

#include "micro/kernel.h"
#include "check.h"
#include "overlap.h"

micro_status_t micro_select(const micro_select_params_t *p, const uint8_t *condition,
                            const void *x, const void *y, void *output)
{
    const size_t es = (size_t)p->elem_size;
    const int32_t last = p->rank - 1;
    int32_t index[MICRO_SELECT_MAX_DIMS] = {0};
    int64_t c = 0, a = 0, b = 0; /* element offsets of the current row's start */
    uint8_t *out = output;
    for (;;) {
        for (int32_t i = 0; i < p->dims[last]; ++i) {
            const int64_t ci = c + (int64_t)i * p->stride_c[last];
            const int64_t src = condition[ci] ? a + (int64_t)i * p->stride_x[last]
                                              : b + (int64_t)i * p->stride_y[last];
            memcpy(out, (const uint8_t *)(condition[ci] ? x : y) + (size_t)src * es, es);
            out += es;
        }
        int32_t k = last - 1;
        for (; k >= 0; --k) {
            c += p->stride_c[k];
            a += p->stride_x[k];
            b += p->stride_y[k];
            if (++index[k] < p->dims[k]) {
                break;
            }
            c -= (int64_t)p->dims[k] * p->stride_c[k];
            a -= (int64_t)p->dims[k] * p->stride_x[k];
            b -= (int64_t)p->dims[k] * p->stride_y[k];
            index[k] = 0;
        }
        if (k < 0) {
            return MICRO_OK;
        }
    }
}

/* Elements a view with these strides reaches (1 + its largest offset), or -1. */
static int64_t extent(const micro_select_params_t *p, const int32_t *stride)
{
    int64_t last = 0;
    for (int32_t d = 0; d < p->rank; ++d) {
        if (stride[d] < 0 || stride[d] > INT32_MAX / p->dims[d]) {
            return -1;
        }
        last += (int64_t)(p->dims[d] - 1) * stride[d];
    }
    return last + 1;
}

static micro_status_t step(const void *params, void *const *op)
{
    return micro_select(params, op[0], op[1], op[2], op[3]);
}

static micro_status_t check(const void *params, void *const *op, const uint32_t *size)
{
    (void)op;
    const micro_select_params_t *p = params;
    if (!micro_in_range(p->elem_size, 1, 8) || !micro_in_range(p->rank, 1, MICRO_SELECT_MAX_DIMS)) {
        return MICRO_ERR_PARAMS;
    }
    const int64_t count = micro_count(p->dims, p->rank);
    if (count < 0) {
        return MICRO_ERR_PARAMS;
    }
    const int64_t nc = extent(p, p->stride_c), nx = extent(p, p->stride_x);
    const int64_t ny = extent(p, p->stride_y);
    if (nc < 0 || nx < 0 || ny < 0) {
        return MICRO_ERR_PARAMS;
    }
    if (!micro_fits(size[0], nc, 1) || !micro_fits(size[1], nx, p->elem_size) ||
        !micro_fits(size[2], ny, p->elem_size) || !micro_fits(size[3], count, p->elem_size)) {
        return MICRO_ERR_OPERANDS;
    }
    return MICRO_OK;
}

/* Overlap rule, output over x or y laid out as the output (dense strides): element i is
 * read (from x or y) before it is written; the condition (one byte per element) and a
 * broadcast operand are read again and may not be overwritten. */
static uint32_t gap(const void *params, const uint32_t *size, uint32_t in, uint32_t out)
{
    const micro_select_params_t *p = params;
    (void)size;
    if (out != MICRO_SELECT_OUTPUT || (in != MICRO_SELECT_X && in != MICRO_SELECT_Y) ||
        !micro_in_range(p->rank, 1, MICRO_SELECT_MAX_DIMS)) {
        return MICRO_NO_OVERLAP;
    }
    const int32_t *stride = in == MICRO_SELECT_X ? p->stride_x : p->stride_y;
    int64_t dense = 1;
    for (int32_t d = p->rank - 1; d >= 0; --d) {
        if (p->dims[d] < 1 || (p->dims[d] > 1 && stride[d] != dense)) {
            return MICRO_NO_OVERLAP;
        }
        dense *= p->dims[d];
    }
    return micro_elementwise_gap(dense, p->elem_size, p->elem_size);
}

const micro_kernel_t micro_kernel_select = {step, check, sizeof(micro_select_params_t), MICRO_SELECT_N_OPERANDS, gap};
