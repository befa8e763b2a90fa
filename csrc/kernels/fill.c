#include "micro/kernels/fill.h"

#include <stddef.h>
#include <string.h>

#include "micro/kernel.h"
#include "check.h"

micro_status_t micro_fill(const micro_fill_params_t *p, const void *value, void *output)
{
    const size_t width = (size_t)p->elem_size;
    uint8_t *out = output;
    memcpy(out, value, width);
    for (int32_t i = 1; i < p->count; ++i) {
        memcpy(out + (size_t)i * width, out, width);
    }
    return MICRO_OK;
}

static micro_status_t step(const void *params, void *const *op)
{
    return micro_fill(params, op[MICRO_FILL_VALUE], op[MICRO_FILL_OUTPUT]);
}

static micro_status_t check(const void *params, void *const *op, const uint32_t *size)
{
    const micro_fill_params_t *p = params;
    (void)op;
    if (!micro_elem_size_ok(p->elem_size) || p->count < 1) {
        return MICRO_ERR_PARAMS;
    }
    if (!micro_fits(size[MICRO_FILL_VALUE], 1, p->elem_size) ||
        !micro_fits(size[MICRO_FILL_OUTPUT], p->count, p->elem_size)) {
        return MICRO_ERR_OPERANDS;
    }
    return MICRO_OK;
}

/* Overlap rule: none (the value operand is read for every output element). */
const micro_kernel_t micro_kernel_fill = {step, check, sizeof(micro_fill_params_t),
                                          MICRO_FILL_N_OPERANDS, MICRO_OVERLAP_NONE};
